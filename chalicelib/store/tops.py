"""The live top lists: per round and category, TOP_SHARDS small items (`top#<round>#<category>#<shard>`, a
participant always in the same shard) holding only the participants' bests that can be among the first TOP_SIZE.

A best gets in when it is better than the current TOP_SIZE-th of its category (the threshold only ever gets
better, so a best left out, or dropped later, can never be needed again: its participant's next better best is
placed in its own turn). Writes are optimistic (a version per item) and idempotent: placing a best again, or an
older best of a participant whose better one is there, changes nothing. A leaderboard reads TOP_SHARDS items
per category and merges them."""
from __future__ import annotations

import zlib

from chalicelib.contest.ranking import CATEGORIES, ScoredAttempt, live_key
from chalicelib.contest.records import Struct, field
from chalicelib.store.items import save_versioned
from chalicelib.store.models import StandingModel
from chalicelib.store.standings import Best

TOP_SHARDS = 64
TOP_SIZE = 100           # the longest list a leaderboard shows


def _key(round_id: str, category: str, shard: int) -> str:
    return f"top#{round_id}#{category}#{shard}"


def _shard(participant_id: str) -> int:
    return zlib.crc32(participant_id.encode()) % TOP_SHARDS


def _entry(best: Best) -> list:
    a = best.attempt
    return [a.attempt_id, a.participant_id, a.unit_id, a.category, a.correct, a.total, a.duration_ms,
            a.submitted_at, a.prediction, best.display_name]


def _best(round_id: str, entry: list) -> Best:
    *fields, display_name = entry
    return Best(ScoredAttempt(*fields), round_id, display_name)


def _order(best: Best) -> tuple:
    return live_key(best.attempt)


class _Shard(Struct):
    round_id: str
    category: str
    shard: int
    version: int | None = None
    bests: dict[str, Best] = field(default_factory=dict)      # participant id → best
    changed: bool = False


def _read(round_id: str, categories: set[str], consistent: bool) -> dict[tuple[str, int], _Shard]:
    shards = {(c, s): _Shard(round_id, c, s) for c in categories for s in range(TOP_SHARDS)}
    keys = [(_key(round_id, c, s), "-") for c, s in shards]
    for item in StandingModel.batch_get(keys, consistent_read=consistent):
        _, _, category, shard = item.pk.split("#")
        found = shards[(category, int(shard))]
        found.version = int(item.version)
        found.bests = {entry[1]: _best(round_id, entry) for entry in item.data or []}
    return shards


def _threshold(shards: list[_Shard]) -> tuple | None:
    """The order key of the TOP_SIZE-th best among the shards, or None while there are fewer."""
    keys = sorted(_order(best) for shard in shards for best in shard.bests.values())
    return keys[TOP_SIZE - 1] if len(keys) >= TOP_SIZE else None


def place(round_id: str, bests: list[Best]) -> bool:
    """Puts these participants' bests into the round's top lists where they belong; False when another writer
    changed one of the items first (read again and retry)."""
    if not bests:
        return True
    shards = _read(round_id, {b.attempt.category for b in bests}, consistent=True)
    for category in {b.attempt.category for b in bests}:
        of_category = [s for (c, _), s in shards.items() if c == category]
        threshold = _threshold(of_category)
        for best in (b for b in bests if b.attempt.category == category):
            if threshold is not None and _order(best) >= threshold:
                continue
            shard = shards[(category, _shard(best.attempt.participant_id))]
            held = shard.bests.get(best.attempt.participant_id)
            if held is None or _order(best) < _order(held):
                shard.bests[best.attempt.participant_id] = best
                shard.changed = True
        threshold = _threshold(of_category)
        for shard in of_category:
            if shard.changed and threshold is not None:
                shard.bests = {p: b for p, b in shard.bests.items() if _order(b) <= threshold}
    return all(_write(shard) for shard in shards.values() if shard.changed)


def _write(shard: _Shard) -> bool:
    entries = [_entry(b) for b in sorted(shard.bests.values(), key=_order)]
    return save_versioned(StandingModel(_key(shard.round_id, shard.category, shard.shard), "-", data=entries),
                          shard.version)


def top(round_id: str, category: str | None, limit: int) -> list[Best]:
    """The live top `limit` of a round (of one category, or of both merged)."""
    shards = _read(round_id, {category} if category else set(CATEGORIES), consistent=False)
    bests = [best for shard in shards.values() for best in shard.bests.values()]
    return sorted(bests, key=_order)[:limit]
