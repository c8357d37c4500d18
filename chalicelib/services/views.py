"""The JSON shapes of the contract, built from domain objects. Presenters only: every rule lives in the domain."""
from __future__ import annotations

from chalicelib.contest.attempts import Attempt, BankQuestion
from chalicelib.contest.participants import Participant
from chalicelib.contest.records import asdict
from chalicelib.contest.rounds import Round
from chalicelib.contest.times import iso
from chalicelib.contest.units import Unit

_ROUND_PUBLIC = ("name", "questions_per_attempt", "time_limit_seconds", "max_attempts", "grace_seconds",
                 "prediction_question", "prediction_target", "question_count", "score_visibility")


def round_view(round_: Round, now: int) -> dict:
    view: dict = {"id": round_.id, "opens_at": iso(round_.opens_at), "closes_at": iso(round_.closes_at),
            "status": round_.effective_status(now), "published_at": iso(round_.published_at)}
    view.update({name: getattr(round_, name) for name in _ROUND_PUBLIC})
    view.update({"prizes": [asdict(p) for p in round_.prizes], "unit_prizes": [asdict(p) for p in round_.unit_prizes]})
    return view


def unit_view(unit: Unit) -> dict:
    return asdict(unit)


def participant_view(participant: Participant) -> dict:
    """The owner's own view: never the password or its hash, never the CCCD."""
    return {
        "id": participant.id, "full_name": participant.full_name, "phone": participant.phone,
        "unit_id": participant.unit_id, "category": participant.category, "birth_year": participant.birth_year,
        "email": participant.email, "registered_at": iso(participant.registered_at),
        "verified": participant.verified,
    }


def result_view(attempt: Attempt, round_: Round) -> dict | None:
    """The result of a submitted attempt; `correct` is null while the round keeps its scores until publication
    (score_visibility `after_publish`)."""
    if not attempt.is_submitted:
        return None
    correct = attempt.correct if round_.scores_visible else None
    return {
        "attempt_id": attempt.id, "round_id": attempt.round_id, "correct": correct, "total": attempt.total,
        "duration_ms": attempt.duration_ms, "submitted_at": iso(attempt.submitted_at),
        "prediction": attempt.prediction,
    }


def attempt_summary(attempt: Attempt, round_: Round, now: int) -> dict:
    """One of the participant's own attempts in a list (an extension of GET /api/me): no questions."""
    return {"id": attempt.id, "started_at": iso(attempt.started_at), "deadline": iso(attempt.shown_deadline(round_)),
            "status": attempt.status_at(round_, now), "result": result_view(attempt, round_)}


def attempt_view(attempt: Attempt, bank: tuple[BankQuestion, ...], round_: Round, now: int) -> dict:
    """The attempt as its owner sees it: the bank's question and option ids in the drawn order, never the answer;
    once the round's results are published, a submitted attempt's answer review (the option chosen, the right
    one) with each question."""
    review = attempt.is_submitted and round_.is_published
    questions = []
    for i, drawn in enumerate(attempt.questions):
        question = bank[drawn.index]
        options = [{"id": question.options[p][0], "text": question.options[p][1]} for p in drawn.order]
        shown: dict[str, object] = {"id": question.id, "text": question.text, "options": options}
        if review:
            chosen = (attempt.answers or ())[i] if i < len(attempt.answers or ()) else None
            shown["chosen_option_id"] = None if chosen is None else question.options[chosen][0]
            shown["correct_option_id"] = question.answer
        questions.append(shown)
    return {**attempt_summary(attempt, round_, now), "round_id": attempt.round_id, "questions": questions,
            "prediction_question": round_.prediction_question}
