"""Attempts (the source of truth) and the per-participant-per-round entry that guards starting them."""
from __future__ import annotations

import zlib
from typing import Iterator

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.store import connection
from chalicelib.store.models import AttemptModel, EntryModel

# Accepted attempts of a round are spread over this many index partitions, so no key is hot.
ROUND_SHARDS = 16
# Finalization reads them in pages of this many items, so its memory does not grow with the attempts.
PAGE_SIZE = 200


class StartRefused(Exception):
    """The entry's condition failed: an attempt is in progress, or the limit is reached."""


def round_shard(round_id: str, attempt_id: str) -> str:
    return f"{round_id}#{zlib.crc32(attempt_id.encode()) % ROUND_SHARDS}"


def start(attempt: AttemptModel, max_attempts: int | None, now: int, finished: str | None = None) -> None:
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
                EntryModel.in_progress.set(attempt.attempt_id),
                EntryModel.in_progress_until.set(attempt.accept_until),
            ], condition=condition)
            tx.save(attempt, condition=AttemptModel.attempt_id.does_not_exist())
    except TransactWriteError as error:
        if error.cause_response_code == "TransactionCanceledException":
            raise StartRefused() from error
        raise


def get_entry(participant_id: str, round_id: str) -> EntryModel | None:
    try:
        return EntryModel.get(participant_id, round_id, consistent_read=True)
    except DoesNotExist:
        return None


def get(attempt_id: str) -> AttemptModel | None:
    try:
        return AttemptModel.get(attempt_id, consistent_read=True)
    except DoesNotExist:
        return None


def submit(attempt: AttemptModel, answers: dict, correct: int, prediction: int, duration_ms: int,
           now: int) -> bool:
    """The one conditional write of a submission; False when the attempt is no longer open for it."""
    try:
        attempt.update(actions=[
            AttemptModel.status.set("submitted"),
            AttemptModel.answers.set(answers),
            AttemptModel.correct.set(correct),
            AttemptModel.prediction.set(prediction),
            AttemptModel.duration_ms.set(duration_ms),
            AttemptModel.submitted_at.set(now),
            AttemptModel.round_shard.set(round_shard(attempt.round_id, attempt.attempt_id)),
        ], condition=(AttemptModel.status == "in_progress") & (AttemptModel.accept_until >= now))
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def of_participant(participant_id: str) -> list[AttemptModel]:
    return list(AttemptModel.by_participant.query(participant_id))


def accepted_in_round(round_id: str) -> Iterator[AttemptModel]:
    """Every accepted attempt of a round, shard by shard (the sparse index holds only accepted ones)."""
    for shard in range(ROUND_SHARDS):
        yield from AttemptModel.by_round_shard.query(f"{round_id}#{shard}", page_size=PAGE_SIZE)
