"""The contest's settings: one item, read on most requests, so cached briefly. Fields never saved take the
defaults the caller gives (the environment's, for a fresh stack)."""
from __future__ import annotations

from chalicelib import config
from chalicelib.contest.records import asdict, field_names, replace
from chalicelib.contest.settings import ContestSettings
from chalicelib.contest.units import Targets
from chalicelib.store.cache import TimedCache
from chalicelib.store.items import get_or_none
from chalicelib.store.models import SettingModel

CONTEST = "contest"
_cache: TimedCache[dict] = TimedCache(lambda: config.current().round_cache_seconds)
_NAMES = set(field_names(ContestSettings))


def _saved() -> dict:
    item = get_or_none(SettingModel, CONTEST)
    return dict(item.data) if item is not None and isinstance(item.data, dict) else {}


def contest(defaults: ContestSettings, fresh: bool = False) -> ContestSettings:
    """The saved settings over `defaults`."""
    if fresh:
        _cache.clear()
    saved = {name: value for name, value in _cache.get(CONTEST, _saved).items() if name in _NAMES}
    if isinstance(saved.get("targets"), dict):
        saved["targets"] = Targets(**saved["targets"])
    return replace(defaults, **saved)


def save_contest(settings: ContestSettings, now: int) -> None:
    SettingModel(CONTEST, data=asdict(settings), updated_at=now).save()
    _cache.clear()
