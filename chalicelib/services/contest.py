"""The contest as everyone sees it: its settings (saved by organizers over the environment's defaults), rounds
and units."""
from __future__ import annotations

from chalicelib import config, runtime
from chalicelib.contest.settings import ContestSettings
from chalicelib.contest.units import Targets
from chalicelib.services.views import round_view, unit_view
from chalicelib.store import content as content_store
from chalicelib.store import rounds as round_store
from chalicelib.store import settings as settings_store
from chalicelib.store import units as unit_store


def defaults() -> ContestSettings:
    """What a fresh stack starts with: the environment's settings (CONTEST_NAME, TARGET_OFFICIAL_RATE, …)."""
    env = config.current()
    return ContestSettings(name=env.contest_name, description=env.contest_description,
                           timezone=env.contest_timezone,
                           targets=Targets(env.target_official_rate, env.target_citizen_rate))


def settings(fresh: bool = False) -> ContestSettings:
    return settings_store.contest(defaults(), fresh=fresh)


def overview() -> dict:
    current = settings()
    now = runtime.now_ms()
    return {
        "name": current.name, "description": current.description, "timezone": current.timezone,
        "targets": {"official_rate": current.targets.official_rate, "citizen_rate": current.targets.citizen_rate},
        "contact": current.contact, "phone_verification": current.phone_verification,
        "publication": current.publication,
        "pages": [{"slug": slug, "title": title} for slug, title in content_store.page_titles()],
        "rounds": [round_view(r, now) for r in round_store.list_rounds()],
    }


def units() -> dict:
    return {"units": [unit_view(u) for u in unit_store.list_units()]}
