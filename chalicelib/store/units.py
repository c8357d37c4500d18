"""The unit tree: small, read by every registration and page, so cached briefly."""
from __future__ import annotations

from chalicelib import config
from chalicelib.contest.units import Unit
from chalicelib.store.cache import TimedCache
from chalicelib.store.items import delete_existing
from chalicelib.store.models import UnitModel

_cache: TimedCache[list[Unit]] = TimedCache(lambda: config.current().round_cache_seconds)


def _to_unit(item: UnitModel) -> Unit:
    def number(value):
        return None if value is None else int(value)

    return Unit(item.unit_id, item.name, item.parent_id, item.kind, number(item.headcount), number(item.population))


def list_units(fresh: bool = False) -> list[Unit]:
    if fresh:
        _cache.clear()
    return _cache.get("all", lambda: sorted((_to_unit(i) for i in UnitModel.scan()), key=lambda u: u.id))


def exists(unit_id: str) -> bool:
    """Whether the unit exists; a unit created since the cache was filled is looked up directly."""
    if any(unit.id == unit_id for unit in list_units()):
        return True
    return UnitModel.count(unit_id) > 0


def delete_unit(unit_id: str) -> bool:
    """Deletes the unit; False when there was none."""
    try:
        return delete_existing(UnitModel(unit_id), UnitModel.unit_id.exists())
    finally:
        _cache.clear()


def save_units(units: list[Unit]) -> None:
    with UnitModel.batch_write() as batch:
        for unit in units:
            batch.save(UnitModel(unit.id, name=unit.name, parent_id=unit.parent_id, kind=unit.kind,
                                 headcount=unit.headcount, population=unit.population))
    _cache.clear()
