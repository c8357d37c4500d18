"""Attempts, the source of truth: a participant's attempts under their id, numbered over every round, so that one
strongly consistent Query is all a start, a submission or GET /api/me needs, and a start is one conditional Put
of the next number (two starts racing for it cannot both win). Items are mapped to the domain's `Attempt` here,
and nowhere else, in their compact form (see AttemptModel); the accepted-attempts index to finalization's
`Accepted`, without a model object."""
from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.contest.attempts import Attempt, DrawnQuestion, Progress, split_attempt_id
from chalicelib.contest.finals import Accepted
from chalicelib.contest.ids import plausible
from chalicelib.store import connection
from chalicelib.store.items import condition_failed, get_or_none
from chalicelib.store.models import AttemptModel

# Accepted attempts of a round are spread over this many index partitions by participant, so that a
# participant's attempts meet in one shard and no key takes more than a small share of a burst's writes.
ROUND_SHARDS = 4096
ACCEPTED_INDEX = "by_round_shard"
READERS = 16            # participants' attempts queried side by side
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
        duration_ms=_number(item.duration_ms), submitted_at=_number(item.submitted_at), progress=_progress(item),
        token_version=int(item.token_version or 0), flags=tuple(str(flag) for flag in item.flags or ()),
        device_hash=item.device_hash, address_hash=item.address_hash)


def _result_fields(attempt: Attempt) -> dict:
    """What a submission adds to the item: the result, the sparse index key, and its effect on the standings."""
    progress = attempt.progress
    fields = {"status": "submitted", "answers": _answers_text(attempt.answers or ()), "correct": attempt.correct,
              "prediction": attempt.prediction, "duration_ms": attempt.duration_ms,
              "submitted_at": attempt.submitted_at,
              "round_shard": round_shard(attempt.round_id, attempt.participant_id),
              "flags": list(attempt.flags) or None}
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
        status=attempt.status, token_version=attempt.token_version or None, device_hash=attempt.device_hash,
        address_hash=attempt.address_hash)
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


def shard_of(participant_id: str) -> int:
    return zlib.crc32(participant_id.encode()) % ROUND_SHARDS


def round_shard(round_id: str, participant_id: str) -> str:
    """The accepted-attempts index key: the round and the participant's partition."""
    return f"{round_id}#{shard_of(participant_id)}"


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


def flags_of(participant_ids: Iterable[str]) -> dict[str, frozenset[str]]:
    """The signals stored on each participant's attempts, every round (those with none are left out): one Query
    of their flags a participant, side by side (a page of the organizers' list)."""
    def flags(participant_id: str) -> frozenset[str]:
        items = AttemptModel.query(participant_id, attributes_to_get=["flags"])
        return frozenset(str(flag) for item in items for flag in item.flags or ())

    wanted = list(dict.fromkeys(participant_ids))
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        found = dict(zip(wanted, pool.map(flags, wanted), strict=True))
    return {participant_id: signals for participant_id, signals in found.items() if signals}


def get(attempt_id: str) -> Attempt | None:
    """The attempt, or None; an id no attempt can have never reaches DynamoDB."""
    key = split_attempt_id(attempt_id) if plausible(attempt_id) else None
    item = None if key is None else get_or_none(AttemptModel, *key)
    return None if item is None else _to_attempt(item)


def submit(submitted: Attempt, now: int, token_version: int = 0) -> bool:
    """The one conditional write of a submission; False when the attempt is no longer open for it, or not for
    a token of `token_version` (the version copied at the start, moved on by a reset, a change or a logout)."""
    actions = [getattr(AttemptModel, name).set(value) for name, value in _result_fields(submitted).items()
               if value is not None]
    condition = ((AttemptModel.status == "in_progress") & (AttemptModel.accept_until >= now)
                 & _token_version_is(token_version))
    try:
        AttemptModel(submitted.participant_id, submitted.number).update(actions=actions, condition=condition)
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True


def _token_version_is(version: int):
    same = AttemptModel.token_version == version
    return (same | AttemptModel.token_version.does_not_exist()) if version == 0 else same


def move_version(attempt: Attempt, version: int) -> bool:
    """Copies a participant's new token version into their attempt in progress (False if it is not in
    progress any more); a submitted attempt is never touched, so its stream sees no second change."""
    try:
        AttemptModel(attempt.participant_id, attempt.number).update(
            actions=[AttemptModel.token_version.set(version)], condition=AttemptModel.status == "in_progress")
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


def _accepted(item: dict) -> Accepted:
    """An index item (DynamoDB JSON, the projection only) as the domain's Accepted, without a model object:
    finalization reads millions of them."""
    flags = item.get("flags")
    return Accepted(item["attempt_id"]["S"], item["participant_id"]["S"], item["unit_id"]["S"],
                    item["category"]["S"], int(item["cor"]["N"]), int(item["total"]["N"]),
                    int(item["dur"]["N"]), int(item["sub"]["N"]), int(item["pre"]["N"]),
                    int(item["started_at"]["N"]),
                    () if not flags else tuple(sorted(flags["SS"] if "SS" in flags else (f["S"] for f in flags["L"]))))


def accepted_in_partitions(round_id: str, partitions: Iterable[int]) -> Iterator[Accepted]:
    """The accepted attempts of a round in these index partitions, page by page (1 MB each): the sparse index
    holds only accepted attempts and projects only what finalization uses."""
    client = connection().client
    for partition in partitions:
        request = {"TableName": AttemptModel.Meta.table_name, "IndexName": ACCEPTED_INDEX,
                   "KeyConditionExpression": "rs = :key", "ReturnConsumedCapacity": "INDEXES",
                   "ExpressionAttributeValues": {":key": {"S": f"{round_id}#{partition}"}}}
        while True:
            page = client.query(**request)
            yield from (_accepted(item) for item in page.get("Items", ()))
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def accepted_in_round(round_id: str) -> Iterator[Accepted]:
    """Every accepted attempt of a round, partition by partition."""
    return accepted_in_partitions(round_id, range(ROUND_SHARDS))


def every_attempt() -> Iterator[Attempt]:
    """Every attempt of every round (a Scan: for test recomputations and tools, never a request)."""
    return (_to_attempt(item) for item in AttemptModel.scan())
