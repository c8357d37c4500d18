"""The organizers' JSON shapes of participants and attempts (the contract's AdminParticipant, AdminAttempt):
what a participant sees of themselves, plus what only organizers see."""
from __future__ import annotations

from collections.abc import Iterable

from chalicelib.contest.attempts import Attempt
from chalicelib.contest.participants import Participant
from chalicelib.contest.rounds import Round
from chalicelib.contest.times import iso
from chalicelib.services.views import participant_view


def admin_participant_view(participant: Participant, signals: Iterable[str] | None = None) -> dict:
    return {**participant_view(participant), "verified": participant.verified, "status": participant.status,
            "disqualified_reason": participant.disqualified_reason,
            "signals": sorted(set(participant.signals if signals is None else signals))}


def admin_attempt_view(attempt: Attempt, round_: Round | None, now: int) -> dict:
    """An attempt with its figures (null until submitted), status and signals; organizers see `correct` and the
    prediction whatever the round's score visibility."""
    status = attempt.status if round_ is None else attempt.status_at(round_, now)
    return {"attempt_id": attempt.id, "round_id": attempt.round_id, "correct": attempt.correct,
            "total": attempt.total, "duration_ms": attempt.duration_ms, "submitted_at": iso(attempt.submitted_at),
            "prediction": attempt.prediction, "status": status, "started_at": iso(attempt.started_at),
            "signals": sorted(attempt.flags)}
