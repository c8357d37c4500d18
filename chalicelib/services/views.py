"""The JSON shapes of the contract, built from domain objects and stored items."""
from __future__ import annotations

from dataclasses import asdict

from chalicelib.api.http import iso
from chalicelib.contest.attempts import BankQuestion
from chalicelib.contest.rounds import Round
from chalicelib.contest.units import Unit
from chalicelib.store.models import AttemptModel, ParticipantModel

_ROUND_PUBLIC = ("name", "questions_per_attempt", "time_limit_seconds", "max_attempts", "grace_seconds",
                 "prediction_question", "prediction_target")


def round_view(round_: Round, now: int) -> dict:
    view = {"id": round_.id, "opens_at": iso(round_.opens_at), "closes_at": iso(round_.closes_at),
            "status": round_.effective_status(now)}
    view.update({name: getattr(round_, name) for name in _ROUND_PUBLIC})
    view["question_count"] = round_.question_count
    return view


def unit_view(unit: Unit) -> dict:
    return asdict(unit)


def participant_view(item: ParticipantModel) -> dict:
    return {
        "id": item.participant_id, "full_name": item.full_name, "phone": item.phone, "unit_id": item.unit_id,
        "category": item.category, "birth_year": None if item.birth_year is None else int(item.birth_year),
        "email": item.email, "registered_at": iso(int(item.registered_at)),
    }


def accepted_until(item: AttemptModel, round_: Round) -> int:
    """The last receive time a submission of this attempt is accepted: its own, or the round's close plus the
    grace when the organizer closed (or moved closes_at) after the attempt started."""
    return min(int(item.accept_until), round_.closes_at + round_.grace_seconds * 1000)


def shown_deadline(item: AttemptModel, round_: Round) -> str:
    """The attempt's deadline as the participant sees it: its own, or the round's close if that came first."""
    return iso(min(int(item.deadline), round_.closes_at))


def attempt_status(item: AttemptModel, round_: Round, now: int) -> str:
    if item.status == "submitted":
        return "submitted"
    return "in_progress" if now <= accepted_until(item, round_) else "expired"


def result_view(item: AttemptModel) -> dict | None:
    if item.status != "submitted":
        return None
    return {
        "attempt_id": item.attempt_id, "round_id": item.round_id, "correct": int(item.correct),
        "total": int(item.total), "duration_ms": int(item.duration_ms),
        "submitted_at": iso(int(item.submitted_at)), "prediction": int(item.prediction),
    }


def attempt_summary(item: AttemptModel, round_: Round, now: int) -> dict:
    """One of the participant's own attempts in a list (an extension of GET /api/me): no questions."""
    return {"id": item.attempt_id, "started_at": iso(int(item.started_at)),
            "deadline": shown_deadline(item, round_), "status": attempt_status(item, round_, now),
            "result": result_view(item)}


def attempt_view(item: AttemptModel, bank: tuple[BankQuestion, ...], round_: Round, now: int) -> dict:
    """The attempt as its owner sees it: questions and options in the drawn order, never the answer."""
    by_id = {q.id: q for q in bank}
    questions = []
    for drawn in item.questions:
        question = by_id[drawn.id]
        texts = dict(question.options)
        questions.append({"id": question.id, "text": question.text,
                          "options": [{"id": oid, "text": texts[oid]} for oid in drawn.option_ids]})
    return {
        "id": item.attempt_id, "round_id": item.round_id, "started_at": iso(int(item.started_at)),
        "deadline": shown_deadline(item, round_), "status": attempt_status(item, round_, now),
        "questions": questions,
        "prediction_question": round_.prediction_question, "result": result_view(item),
    }
