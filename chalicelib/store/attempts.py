"""Attempts (the source of truth) and the per-participant-per-round entry that guards starting them.
Items are mapped to the domain's `Attempt` and `Entry` here, and nowhere else."""
from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.contest.attempts import Attempt, DrawnQuestion, Entry
from chalicelib.contest.finals import Accepted
from chalicelib.contest.ids import plausible
from chalicelib.store import connection
from chalicelib.store.items import cancelled, condition_failed, get_or_none, reason_codes
from chalicelib.store.models import AttemptModel, DrawnQuestionMap, EntryModel, ParticipantModel
from chalicelib.store.participants import version_is

# Accepted attempts of a round are spread over this many index partitions by participant (a participant's
# attempts share one), so no key is hot: 2,000 submissions by 500 people put under 1 % of them on any one key.
ROUND_SHARDS = 1024
ACCEPTED_INDEX = "by_round_shard"


class StartRefused(Exception):
    """The entry's condition failed: an attempt is in progress, or the limit is reached."""


class SessionEnded(Exception):
    """The participant's token version moved on (a reset, a change, a logout) before the start was written."""


def _number(value) -> int | None:
    return None if value is None else int(value)


def _to_attempt(item: AttemptModel) -> Attempt:
    return Attempt(
        id=item.attempt_id, participant_id=item.participant_id, round_id=item.round_id, unit_id=item.unit_id,
        category=item.category, display_name=item.display_name, started_at=int(item.started_at),
        deadline=int(item.deadline), accept_until=int(item.accept_until), bank_version=item.bank_version,
        questions=tuple(DrawnQuestion(q.id, tuple(str(o) for o in q.option_ids)) for q in item.questions or ()),
        total=int(item.total), status=item.status, answers=item.answers, correct=_number(item.correct),
        prediction=_number(item.prediction), duration_ms=_number(item.duration_ms),
        submitted_at=_number(item.submitted_at), token_version=int(item.token_version or 0),
        flags=tuple(str(flag) for flag in item.flags or ()), device_hash=item.device_hash,
        address_hash=item.address_hash)


def _to_item(attempt: Attempt) -> AttemptModel:
    item = AttemptModel(
        attempt.id, participant_id=attempt.participant_id, round_id=attempt.round_id, unit_id=attempt.unit_id,
        category=attempt.category, display_name=attempt.display_name, started_at=attempt.started_at,
        deadline=attempt.deadline, accept_until=attempt.accept_until, bank_version=attempt.bank_version,
        questions=[DrawnQuestionMap(id=q.id, option_ids=list(q.option_ids)) for q in attempt.questions],
        total=attempt.total, status=attempt.status, answers=attempt.answers, correct=attempt.correct,
        prediction=attempt.prediction, duration_ms=attempt.duration_ms, submitted_at=attempt.submitted_at,
        token_version=attempt.token_version, flags=list(attempt.flags) or None, device_hash=attempt.device_hash,
        address_hash=attempt.address_hash)
    if attempt.is_submitted:
        item.round_shard = round_shard(attempt.round_id, attempt.participant_id)
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


def start(attempt: Attempt, max_attempts: int | None, now: int, finished: str | None = None) -> None:
    """One transaction: count the attempt against the limit, mark it in progress, store it.
    `finished` names a submitted attempt the entry may still point at, which may be replaced."""
    free = EntryModel.in_progress.does_not_exist() | (EntryModel.in_progress_until < now)
    if finished:
        free |= EntryModel.in_progress == finished
    condition = free
    if max_attempts is not None:
        condition &= EntryModel.attempts_used.does_not_exist() | (EntryModel.attempts_used < max_attempts)
    entry = EntryModel(attempt.participant_id, attempt.round_id)
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.update(entry, actions=[
                EntryModel.attempts_used.add(1),
                EntryModel.in_progress.set(attempt.id),
                EntryModel.in_progress_until.set(attempt.accept_until),
            ], condition=condition)
            tx.save(_to_item(attempt), condition=AttemptModel.attempt_id.does_not_exist())
            # accounts: the token version copied into the attempt is still the participant's
            tx.condition_check(ParticipantModel, attempt.participant_id,
                               condition=version_is(attempt.token_version))
    except TransactWriteError as error:
        if cancelled(error):
            # PynamoDB sends condition checks first: reason 0 is the participant's
            if reason_codes(error)[:1] == ["ConditionalCheckFailed"]:
                raise SessionEnded() from error
            raise StartRefused() from error
        raise


def get_entry(participant_id: str, round_id: str) -> Entry | None:
    item = get_or_none(EntryModel, participant_id, round_id)
    if item is None:
        return None
    return Entry(int(item.attempts_used or 0), item.in_progress, _number(item.in_progress_until))


def get(attempt_id: str) -> Attempt | None:
    """The attempt, or None; an id no attempt can have never reaches DynamoDB."""
    if not plausible(attempt_id):
        return None
    item = get_or_none(AttemptModel, attempt_id)
    return None if item is None else _to_attempt(item)


def submit(submitted: Attempt, now: int, token_version: int = 0) -> bool:
    """The one conditional write of a submission; False when the attempt is no longer open for it, or not for
    a token of `token_version` (the version copied at the start, moved on by a reset, a change or a logout)."""
    result = submitted.scored()
    try:
        AttemptModel(submitted.id).update(actions=[
            AttemptModel.status.set("submitted"),
            AttemptModel.answers.set(submitted.answers),
            AttemptModel.correct.set(result.correct),
            AttemptModel.prediction.set(result.prediction),
            AttemptModel.duration_ms.set(result.duration_ms),
            AttemptModel.submitted_at.set(result.submitted_at),
            AttemptModel.round_shard.set(round_shard(submitted.round_id, submitted.participant_id)),
            AttemptModel.flags.set(list(submitted.flags)),  # type: ignore[arg-type]
        ], condition=(AttemptModel.status == "in_progress") & (AttemptModel.accept_until >= now)
            & _token_version_is(token_version))
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True


def _token_version_is(version: int):
    same = AttemptModel.token_version == version
    return (same | AttemptModel.token_version.does_not_exist()) if version == 0 else same


def move_version(attempt_id: str, version: int) -> bool:
    """Copies a participant's new token version into their attempt in progress (False if it is not in
    progress any more); a submitted attempt is never touched, so its stream sees no second change."""
    try:
        AttemptModel(attempt_id).update(actions=[AttemptModel.token_version.set(version)],
                                        condition=AttemptModel.status == "in_progress")
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True


def entries_of(participant_id: str) -> list[Entry]:
    """The participant's entries in every round (consistent reads: a start just written is seen)."""
    return [Entry(int(item.attempts_used or 0), item.in_progress, _number(item.in_progress_until))
            for item in EntryModel.query(participant_id, consistent_read=True)]


def save_all(attempts: list[Attempt]) -> None:
    """Stores attempts as they are (seeding data in benchmarks and tests; never on the write path)."""
    with AttemptModel.batch_write() as batch:
        for attempt in attempts:
            batch.save(_to_item(attempt))


def of_participant(participant_id: str) -> list[Attempt]:
    return [_to_attempt(item) for item in AttemptModel.by_participant.query(participant_id)]


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
