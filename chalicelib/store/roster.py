"""The participants' indexes, read a page at a time: a unit's people by folded name (`by_unit`), everybody by
the start of the folded name (`by_name`, partitioned by its first letters) and the disqualified (`disqualified`,
sparse). No Scan: each page is one Query or a few (a filter may skip items), whatever the table's size.

A position is (name_key, participant_id): where a page ended, to go on from."""
from __future__ import annotations

from collections.abc import Iterator

from pynamodb.expressions.condition import Condition

from chalicelib.contest.participants import Participant
from chalicelib.contest.records import Struct
from chalicelib.contest.search import SHARD_LETTERS
from chalicelib.store.models import ParticipantModel
from chalicelib.store.participants import DISQUALIFIED, _to_participant

Position = tuple[str, str]
EXPORT_PAGE = 500


class Filters(Struct, frozen=True):
    prefix: str | None = None       # the start of the folded name
    category: str | None = None
    active_only: bool = False       # leave the disqualified out


def _condition(filters: Filters) -> Condition | None:
    condition: Condition | None = None
    if filters.category is not None:
        condition = ParticipantModel.category == filters.category
    if filters.active_only:
        active = ParticipantModel.status_flag.does_not_exist()
        condition = active if condition is None else condition & active
    return condition


def _page(index, hash_name: str, hash_value: str, filters: Filters, after: Position | None,
          limit: int) -> tuple[list[Participant], Position | None]:
    start = None if after is None else {"participant_id": {"S": after[1]}, hash_name: {"S": hash_value},
                                        "name_key": {"S": after[0]}}
    range_condition = None if not filters.prefix else ParticipantModel.name_key.startswith(filters.prefix)
    results = index.query(hash_value, range_condition, filter_condition=_condition(filters), limit=limit,
                          page_size=limit + 1, last_evaluated_key=start)
    found = [_to_participant(item) for item in results]
    last = results.last_evaluated_key
    return found, None if last is None else (last["name_key"]["S"], last["participant_id"]["S"])


def in_unit(unit_id: str, filters: Filters, after: Position | None, limit: int):
    """A page of the unit's own participants (not its descendants'), by name."""
    return _page(ParticipantModel.by_unit, "unit_id", unit_id, filters, after, limit)


def by_name(filters: Filters, after: Position | None, limit: int):
    """A page of everybody whose folded name starts with `filters.prefix` (at least SHARD_LETTERS long)."""
    assert filters.prefix and len(filters.prefix) >= SHARD_LETTERS
    return _page(ParticipantModel.by_name, "name_shard", filters.prefix[:SHARD_LETTERS], filters, after, limit)


def disqualified(filters: Filters, after: Position | None, limit: int):
    """A page of the disqualified participants, by name."""
    return _page(ParticipantModel.disqualified, "status_flag", DISQUALIFIED, filters, after, limit)


def everyone_in_unit(unit_id: str) -> Iterator[Participant]:
    """Every participant of the unit (not its descendants), by name, read in pages: memory stays flat."""
    for item in ParticipantModel.by_unit.query(unit_id, page_size=EXPORT_PAGE):
        yield _to_participant(item)
