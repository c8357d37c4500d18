"""The organizer's view of a round's question bank: every question with its answer."""
from __future__ import annotations

from chalicelib.services.admin import bank_warning
from chalicelib.services.lookups import round_or_404
from chalicelib.store import rounds as round_store


def questions(round_id: str) -> dict:
    """The bank by question id; `answer` is the index of the right option among `options`."""
    round_ = round_or_404(round_id, fresh=True)
    bank = round_store.load_bank(round_.id, round_.bank_version) if round_.bank_version else ()
    listed = []
    for question in bank:
        option_ids = [option_id for option_id, _ in question.options]
        listed.append({"id": question.id, "text": question.text, "options": [text for _, text in question.options],
                       "answer": option_ids.index(question.answer)})
    return {"round_id": round_.id, "question_count": round_.question_count,
            "questions_per_attempt": round_.questions_per_attempt, "warning": bank_warning(round_),
            "questions": listed}
