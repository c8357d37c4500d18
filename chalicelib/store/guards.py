"""Throttle tallies and one-time codes, in the guards table. A tally is written only if nobody wrote it since it
was read (its `version`), so parallel tries are counted one by one; a code is checked by an atomic count of its
tries and used once by a conditional delete."""
from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.exceptions import DeleteError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import size
from pynamodb.transactions import TransactWrite

from chalicelib.contest.codes import Code
from chalicelib.contest.records import Struct
from chalicelib.contest.throttle import Tally
from chalicelib.store import connection
from chalicelib.store.cache import remembered_set
from chalicelib.store.items import cancelled, condition_failed, get_or_none
from chalicelib.store.models import GuardModel


class Stored(Struct, frozen=True):
    """A tally as read, and the version it was read at (None: never written)."""

    tally: Tally
    version: int | None = None


def _expiry(now: int, keep_s: int) -> datetime:
    return datetime.fromtimestamp(now / 1000 + keep_s, tz=UTC)


def _stored(item: GuardModel) -> Stored:
    times = tuple(int(str(t)) for t in item.times or ())
    last_at = None if item.last_at is None else int(item.last_at)
    return Stored(Tally(int(item.failures or 0), last_at, times), None if item.version is None else int(item.version))


def read(keys: list[str]) -> dict[str, Stored]:
    """The tallies under these keys (consistent reads, one batch); a key never written has an empty one."""
    found = {item.key: _stored(item) for item in GuardModel.batch_get(keys, consistent_read=True)}
    return {key: found.get(key, Stored(Tally())) for key in keys}


def write(changes: list[tuple[str, Stored, Tally]], now: int, keep_s: dict[str, int]) -> bool:
    """Writes each new tally over the one read, in one transaction; False (nothing written) when any of them
    was written by someone else in between."""
    try:
        with TransactWrite(connection=connection()) as tx:
            for key, old, new in changes:
                item = GuardModel(key, failures=new.count, last_at=new.last_at, times=list(new.times) or None,
                                  version=(old.version or 0) + 1, expires_at=_expiry(now, keep_s[key]))
                unchanged = (GuardModel.version.does_not_exist() if old.version is None
                             else GuardModel.version == old.version)
                tx.save(item, condition=unchanged)
    except TransactWriteError as error:
        if cancelled(error):
            return False
        raise
    return True


def count_up(key: str, until: int) -> int:
    """One more under `key` (an atomic add: any number of parallel callers, no contention), kept until `until`
    (epoch ms, the end of the key's period); the new count."""
    item = GuardModel(key)
    item.update(actions=[GuardModel.failures.add(1), GuardModel.expires_at.set(_expiry(until, 0))])
    return int(item.failures or 0)


def count_down(key: str) -> None:
    """One fewer under `key`, never below zero (a count taken back: a try refused after all, or that succeeded)."""
    try:
        GuardModel(key).update(actions=[GuardModel.failures.add(-1)], condition=GuardModel.failures > 0)
    except UpdateError as error:
        if not condition_failed(error):
            raise


def clear(key: str) -> None:
    GuardModel(key).delete()


# --- one-time codes


def _code_key(purpose: str, phone: str) -> str:
    return f"code#{purpose}#{phone}"


def save_code(purpose: str, phone: str, code: Code) -> None:
    """Stores the code's digest for this phone and purpose (replacing an earlier code, and its tries)."""
    GuardModel(_code_key(purpose, phone), code_digest=code.digest, valid_until=code.expires_at, tries=0,
               expires_at=datetime.fromtimestamp(code.expires_at / 1000, tz=UTC)).save()


def try_code(purpose: str, phone: str, now: int, max_tries: int) -> Code | None:
    """Counts one try of the phone's code, atomically, and returns it; None when there is none, it has
    expired or its tries are used up (then nothing is counted)."""
    item = GuardModel(_code_key(purpose, phone))
    try:
        item.update(actions=[GuardModel.tries.add(1)],
                    condition=GuardModel.code_digest.exists() & (GuardModel.valid_until > now)
                    & (GuardModel.tries < max_tries))
    except UpdateError as error:
        if condition_failed(error):
            return None
        raise
    return Code(item.code_digest, int(item.valid_until), int(item.tries))


def use_code(purpose: str, phone: str, digest: str) -> bool:
    """Deletes the code if it is still this one: True once, for whoever asks first."""
    try:
        GuardModel(_code_key(purpose, phone)).delete(condition=GuardModel.code_digest == digest)
    except DeleteError as error:
        if condition_failed(error):
            return False
        raise
    return True


def code_of(purpose: str, phone: str) -> Code | None:
    """The stored code (for tests and tools)."""
    item = get_or_none(GuardModel, _code_key(purpose, phone))
    if item is None or item.code_digest is None:
        return None
    return Code(item.code_digest, int(item.valid_until), int(item.tries or 0))


_full: set[str] = remembered_set()      # uses items known to hold their most users: not written again


def note_users(key: str, participant_ids: set[str], now: int, keep_s: int, most: int) -> frozenset[str] | None:
    """Adds participants to the users of an address (`uses#<round>#address#<hash>`) and answers all of them;
    adding to a set, so a replay changes nothing. None once the item holds `most` users: it takes no more, so it
    stays far under DynamoDB's 400 KB however many participants share a carrier's address."""
    if key in _full:
        return None
    item = GuardModel(key)
    try:
        item.update(actions=[GuardModel.users.add(participant_ids), GuardModel.expires_at.set(_expiry(now, keep_s))],
                    condition=GuardModel.users.does_not_exist() | (size(GuardModel.users) < most))
    except UpdateError as error:
        if not condition_failed(error):
            raise
        _full.add(key)
        return None
    return frozenset(item.users or ())     # the item as stored now (PynamoDB reads back ALL_NEW)
