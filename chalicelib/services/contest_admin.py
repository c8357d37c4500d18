"""Organizers change the contest's settings (saved over the environment's defaults) and delete units nobody uses."""
from __future__ import annotations

import zoneinfo
from functools import lru_cache

from chalicelib import errors, runtime
from chalicelib.contest.records import asdict, replace
from chalicelib.contest.settings import PHONE_VERIFICATION, PUBLICATION, ContestSettings
from chalicelib.contest.signals import MOST_ACCOUNTS_PER_DEVICE
from chalicelib.contest.units import Targets
from chalicelib.fields import integer, one_of, text, validate
from chalicelib.services import contest as contest_service
from chalicelib.store import participants as participant_store
from chalicelib.store import settings as settings_store
from chalicelib.store import units as unit_store


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _time_zone(value):
    if not isinstance(value, str) or value not in _zones():
        raise ValueError("Phải là tên múi giờ IANA, ví dụ Asia/Ho_Chi_Minh.")
    return value


def _rate(value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError("Chỉ tiêu là một tỷ lệ từ 0 đến 1 (ví dụ 0.4 là 40%).")
    return float(value)


def _targets(value) -> dict:
    if not isinstance(value, dict) or not value or not set(value) <= {"official_rate", "citizen_rate"}:
        raise ValueError("Phải là đối tượng có official_rate và/hoặc citizen_rate.")
    return {name: _rate(rate) for name, rate in value.items()}


SETTINGS_FIELDS = {
    "name": (text(1, 200), False),
    "description": (text(0, 2000), False),
    "contact": (text(0, 500), False),
    "timezone": (_time_zone, False),
    "targets": (_targets, False),
    "phone_verification": (one_of(*PHONE_VERIFICATION), False),
    "publication": (one_of(*PUBLICATION), False),
    "min_seconds_per_question": (integer(0, 600), False),
    "max_accounts_per_device": (integer(1, MOST_ACCOUNTS_PER_DEVICE), False),
}


def _view(settings: ContestSettings) -> dict:
    return asdict(settings)


def contest_settings() -> dict:
    """Every setting, as organizers edit them (the public GET /api/contest shows fewer)."""
    return {"contest": _view(contest_service.settings(fresh=True))}


def update_contest(body: dict) -> dict:
    changes = validate(body, SETTINGS_FIELDS, partial=True)
    current = contest_service.settings(fresh=True)
    if "targets" in changes:
        changes["targets"] = Targets(**{**asdict(current.targets), **changes["targets"]})
    updated = replace(current, **changes)
    settings_store.save_contest(updated, runtime.now_ms())
    return {"contest": _view(updated)}


def _unit_not_found() -> errors.NotFound:
    return errors.not_found("unit_not_found", "Không tìm thấy đơn vị.")


def delete_unit(unit_id: str) -> None:
    """Deletes a unit that no participant and no other unit refers to."""
    units = unit_store.list_units(fresh=True)
    if not any(unit.id == unit_id for unit in units):
        raise _unit_not_found()
    if any(unit.parent_id == unit_id for unit in units) or participant_store.in_unit(unit_id):
        raise errors.conflict("unit_in_use", "Đơn vị đang có đơn vị trực thuộc hoặc người dự thi, không thể xoá.")
    if not unit_store.delete_unit(unit_id):
        raise _unit_not_found()
