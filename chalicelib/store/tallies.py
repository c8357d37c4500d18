"""The standings' counters, in pages: an item holds the counters of several keys as attributes `<key>|<counter>`,
so a chunk of stream records adds to each page it touches once, with ADD (concurrent chunks commute), and pays
for the page's size instead of a whole write unit per key.

Counter scopes: a round's id (its units' own counters; a page per UNITS_PER_PAGE units, by hash), the contest's
totals (one key for the contest and one per round, one page) and the hourly series (a page per day). Every page
exists once per slot, and each write of a page goes to a slot at random, so no key is hot; readers add the
slots and the pages up, whatever the number of pages was when each was written."""
from __future__ import annotations

import math
import random
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from pynamodb.expressions.operand import Path
from pynamodb.expressions.update import Action

from chalicelib.contest.records import Struct, field
from chalicelib.store.models import StandingModel

COUNTER_SLOTS = 64
READERS = 16            # slots queried side by side
UNITS_PER_PAGE = 8       # about 100 bytes a unit: a page of a round's units stays under 1 KB
COUNTERS = ("participants", "officials", "citizens", "submissions", "sum_best_correct", "registered")
_SHORT = {"participants": "p", "officials": "o", "citizens": "c", "submissions": "s", "sum_best_correct": "b",
          "registered": "r"}
_LONG = {short: name for name, short in _SHORT.items()}
# Round ids have no "#", unit ids no "|".
CONTEST = "#contest"
HOURS = "#hours"


def hour_key(epoch_ms: int) -> str:
    """The counter key (in the HOURS scope) of the UTC hour a submission arrived in."""
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H")


def round_key(round_id: str) -> str:
    """The counter key (in the CONTEST scope) of a round's totals."""
    return f"round#{round_id}"


SCORES = "scores#"


def score_key(category: str, correct: int) -> str:
    """The counter key (in a round's scope) of the participants of a category whose live best has `correct`."""
    return f"{SCORES}{category}#{correct}"


def unit_pages(units: int) -> int:
    """How many pages a round's unit counters take, for a contest of `units` units."""
    return max(1, math.ceil(units / UNITS_PER_PAGE))


class Tally(Struct):
    """Counter deltas gathered from a chunk of records: (scope, key) → counter → delta."""

    deltas: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)

    def add(self, scope: str, key: str, **deltas: int) -> None:
        bucket = self.deltas.setdefault((scope, key), {})
        for name, delta in deltas.items():
            if delta:
                bucket[name] = bucket.get(name, 0) + delta

    def pages(self, pages_of_units: int) -> dict[tuple[str, str], dict[str, int]]:
        """(scope, page) → attribute → delta, the page writes this tally makes."""
        written: dict[tuple[str, str], dict[str, int]] = {}
        for (scope, key), deltas in self.deltas.items():
            if not deltas:
                continue
            page = written.setdefault((scope, _page(scope, key, pages_of_units)), {})
            for name, delta in deltas.items():
                page[f"{key}|{_SHORT[name]}"] = delta
        return written


def _page(scope: str, key: str, pages_of_units: int) -> str:
    if scope == HOURS:
        return f"day#{key[:10]}"
    if scope == CONTEST:
        return "totals"
    if key.startswith(SCORES):
        return "scores"
    return f"units#{zlib.crc32(key.encode()) % pages_of_units}"


def page_writes(tally: Tally, pages_of_units: int, now_ms: int,
                slot: int | None = None) -> list[tuple[StandingModel, list[Action]]]:
    """The page items and ADD actions that apply `tally`, each page in a slot of its own (random unless given)."""
    writes = []
    for (scope, page), attributes in sorted(tally.pages(pages_of_units).items()):
        actions: list[Action] = [Path([name]).add(delta) for name, delta in sorted(attributes.items())]
        actions.append(StandingModel.updated_at.set(now_ms))
        in_slot = random.randrange(COUNTER_SLOTS) if slot is None else slot
        writes.append((StandingModel(f"tally#{scope}#{in_slot}", page), actions))
    return writes


def counters(scope: str) -> tuple[dict[str, dict[str, int]], int | None]:
    """Counters of a scope (a round id, CONTEST or HOURS) summed over slots and pages: key → counter → value;
    and when they last changed."""
    totals: dict[str, dict[str, int]] = {}
    as_of = None
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        slots = list(pool.map(lambda slot: _slot_items(f"tally#{scope}#{slot}"), range(COUNTER_SLOTS)))
    for item in (item for items in slots for item in items):
        for attribute, value in item.items():
            if attribute == "updated_at":
                as_of = max(as_of or 0, int(value["N"]))
            elif "|" in attribute:
                key, short = attribute.rsplit("|", 1)
                bucket = totals.setdefault(key, dict.fromkeys(COUNTERS, 0))
                bucket[_LONG[short]] += int(value["N"])
    return totals, as_of


def _slot_items(pk: str) -> list[dict]:
    """The raw page items of one slot (their attributes are dynamic, so the model cannot read them)."""
    connection = StandingModel._get_connection()
    items: list[dict] = []
    start = None
    while True:
        answer = connection.query(pk, exclusive_start_key=start)
        items += answer.get("Items", [])
        start = answer.get("LastEvaluatedKey")
        if not start:
            return items
