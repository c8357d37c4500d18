"""The contest as everyone sees it: its name, description, time zone, targets, rounds and units."""
from __future__ import annotations

from chalicelib import config, runtime
from chalicelib.services.views import round_view, unit_view
from chalicelib.store import rounds as round_store
from chalicelib.store import units as unit_store


def overview() -> dict:
    settings = config.current()
    now = runtime.now_ms()
    return {
        "name": settings.contest_name, "description": settings.contest_description,
        "timezone": settings.contest_timezone,
        "targets": {"official_rate": settings.target_official_rate, "citizen_rate": settings.target_citizen_rate},
        "rounds": [round_view(r, now) for r in round_store.list_rounds()],
    }


def units() -> dict:
    return {"units": [unit_view(u) for u in unit_store.list_units()]}
