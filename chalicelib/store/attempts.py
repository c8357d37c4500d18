"""Attempts, the source of truth: a participant's attempts under their id, numbered over every round, so that one
strongly consistent Query is all a start, a submission or GET /api/me needs, and a start is one conditional Put
of the next number (two starts racing for it cannot both win). Items are mapped to the domain's `Attempt` here,
and nowhere else, in their compact form (see AttemptModel)."""
from __future__ import annotations

import zlib
from collections.abc import Iterator

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.contest.attempts import Attempt, DrawnQuestion, Progress, split_attempt_id
from chalicelib.contest.ids import plausible
from chalicelib.store.items import condition_failed, get_or_none
from chalicelib.store.models import AttemptModel

# Accepted attempts of a round are spread over this many index partitions by participant, so that a
# participant's attempts meet in one shard and no key takes more than a small share of a burst's writes.
ROUND_SHARDS = 4096
# Finalization reads them in pages of this many items, so its memory does not grow with the attempts.
PAGE_SIZE = 200
# One character per option position: up to 36 options (the contract allows 2 to 6).
_POSITIONS = "0123456789abcdefghijklmnopqrstuvwxyz"
_UNANSWERED = "-"


class NumberTaken(Exception):
    """Another start took this attempt number first."""


def _number(value) -> int | None:
    return None if value is None else int(value)


def _questions(text: str) -> tuple[DrawnQuestion, ...]:
    drawn = []
    for part in text.split(",") if text else ():
        index, order = part.split(":")
        drawn.append(DrawnQuestion(int(index), tuple(_POSITIONS.index(c) for c in order)))
    return tuple(drawn)


def _questions_text(drawn: tuple[DrawnQuestion, ...]) -> str:
    return ",".join(f"{q.index}:{''.join(_POSITIONS[p] for p in q.order)}" for q in drawn)


def _answers(text: str | None) -> tuple[int | None, ...] | None:
    return None if text is None else tuple(None if c == _UNANSWERED else _POSITIONS.index(c) for c in text)


def _answers_text(chosen: tuple[int | None, ...]) -> str:
    return "".join(_UNANSWERED if c is None else _POSITIONS[c] for c in chosen)


def _progress(item: AttemptModel) -> Progress | None:
    if item.first is None:
        return None
    return Progress(first=bool(item.first), best=bool(item.best), gain=int(item.gain or 0),
                    contest_first=item.contest_first)


def _to_attempt(item: AttemptModel) -> Attempt:
    return Attempt(
        participant_id=item.participant_id, number=int(item.number), round_id=item.round_id, unit_id=item.unit_id,
        category=item.category, display_name=item.display_name, started_at=int(item.started_at),
        deadline=int(item.deadline), accept_until=int(item.accept_until), bank_version=item.bank_version,
        questions=_questions(item.questions), total=int(item.total), status=item.status,
        answers=_answers(item.answers), correct=_number(item.correct), prediction=_number(item.prediction),
        duration_ms=_number(item.duration_ms), submitted_at=_number(item.submitted_at), progress=_progress(item))


def _result_fields(attempt: Attempt) -> dict:
    """What a submission adds to the item: the result, the sparse index key, and its effect on the standings."""
    progress = attempt.progress
    fields = {"status": "submitted", "answers": _answers_text(attempt.answers or ()), "correct": attempt.correct,
              "prediction": attempt.prediction, "duration_ms": attempt.duration_ms,
              "submitted_at": attempt.submitted_at,
              "round_shard": round_shard(attempt.round_id, attempt.participant_id)}
    if progress is not None:
        fields.update(first=progress.first, best=progress.best, gain=progress.gain,
                      contest_first=progress.contest_first)
    return fields


def _to_item(attempt: Attempt) -> AttemptModel:
    item = AttemptModel(
        attempt.participant_id, attempt.number, attempt_id=attempt.id, round_id=attempt.round_id,
        unit_id=attempt.unit_id, category=attempt.category, display_name=attempt.display_name,
        started_at=attempt.started_at, deadline=attempt.deadline, accept_until=attempt.accept_until,
        bank_version=attempt.bank_version, questions=_questions_text(attempt.questions), total=attempt.total,
        status=attempt.status)
    if attempt.is_submitted:
        for name, value in _result_fields(attempt).items():
            setattr(item, name, value)
    return item


def from_image(image: dict) -> Attempt:
    """The attempt in a stream record's image (DynamoDB JSON); raises on a malformed one."""
    return _to_attempt(AttemptModel.from_raw_data(image))


def image(attempt: Attempt) -> dict:
    """The attempt's item as DynamoDB JSON, as a stream record carries it (benchmarks and tests)."""
    return _to_item(attempt).serialize()


def round_shard(round_id: str, participant_id: str) -> str:
    return f"{round_id}#{zlib.crc32(participant_id.encode()) % ROUND_SHARDS}"


def start(attempt: Attempt) -> None:
    """Stores a new attempt under its number; raises NumberTaken when a concurrent start took the number."""
    try:
        _to_item(attempt).save(condition=AttemptModel.participant_id.does_not_exist())
    except PutError as error:
        if condition_failed(error):
            raise NumberTaken(attempt.id) from error
        raise


def of_participant(participant_id: str) -> list[Attempt]:
    """Every attempt of the participant, in every round, oldest first (one strongly consistent Query)."""
    return [_to_attempt(item) for item in AttemptModel.query(participant_id, consistent_read=True)]


def get(attempt_id: str) -> Attempt | None:
    """The attempt, or None; an id no attempt can have never reaches DynamoDB."""
    key = split_attempt_id(attempt_id) if plausible(attempt_id) else None
    item = None if key is None else get_or_none(AttemptModel, *key)
    return None if item is None else _to_attempt(item)


def submit(submitted: Attempt, now: int) -> bool:
    """The one conditional write of a submission; False when the attempt is no longer open for it."""
    actions = [getattr(AttemptModel, name).set(value) for name, value in _result_fields(submitted).items()
               if value is not None]
    try:
        AttemptModel(submitted.participant_id, submitted.number).update(
            actions=actions, condition=(AttemptModel.status == "in_progress") & (AttemptModel.accept_until >= now))
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True


def save_all(attempts: list[Attempt]) -> None:
    """Stores attempts as they are (seeding data in benchmarks and tests; never on the write path)."""
    with AttemptModel.batch_write() as batch:
        for attempt in attempts:
            batch.save(_to_item(attempt))


def accepted_in_round(round_id: str, segment: int | None = None, segments: int | None = None) -> Iterator[Attempt]:
    """Every accepted attempt of a round, from the sparse index that holds only accepted ones; with `segments`,
    only segment `segment` of a parallel Scan of it (a participant's attempts share an index key, so they all
    fall in one segment)."""
    in_round = AttemptModel.round_shard.startswith(f"{round_id}#")      # the index key: any projection has it
    for item in AttemptModel.by_round_shard.scan(in_round, segment=segment, total_segments=segments,
                                                 page_size=PAGE_SIZE):
        yield _to_attempt(item)


def every_attempt() -> Iterator[Attempt]:
    """Every attempt of every round (a Scan: for test recomputations and tools, never a request)."""
    return (_to_attempt(item) for item in AttemptModel.scan())
