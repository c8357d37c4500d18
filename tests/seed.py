"""Domain objects for seeding the store directly (tests and benchmarks that skip the API for speed)."""
from __future__ import annotations

from chalicelib.contest.attempts import Attempt, DrawnQuestion, Progress
from chalicelib.contest.participants import Participant
from tests.support import T0


def person(participant_id: str, unit_id: str, category: str = "official", full_name: str = "Nguyễn Văn An",
           phone: str = "0912345678", **fields) -> Participant:
    return Participant(participant_id, full_name=full_name, phone=phone, unit_id=unit_id, category=category,
                       password_hash="x", registered_at=T0, **fields)


def submitted(number: int, participant_id: str, round_id: str, unit_id: str, category: str = "official", *,
              correct: int, total: int = 3, prediction: int = 0, duration_ms: int = 1000, submitted_at: int = T0,
              started_at: int = T0, display_name: str = "Nguyễn V. A.", progress: Progress | None = None) -> Attempt:
    """The participant's `number`-th attempt, accepted with these figures (its questions are placeholders: only the
    figures count)."""
    return Attempt(participant_id=participant_id, number=number, round_id=round_id, unit_id=unit_id,
                   category=category, display_name=display_name, started_at=started_at,
                   deadline=started_at + 10**6, accept_until=started_at + 10**6, bank_version="v",
                   questions=tuple(DrawnQuestion(i, (0,)) for i in range(total)), total=total,
                   status="submitted", answers=(None,) * total, correct=correct, prediction=prediction,
                   duration_ms=duration_ms, submitted_at=submitted_at, progress=progress)
