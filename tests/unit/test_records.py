"""The records' seam: msgspec Structs that behave as the frozen dataclasses they replaced."""
from __future__ import annotations

import pytest

from chalicelib.contest.prizes import Prize
from chalicelib.contest.records import Struct, asdict, astuple, field_names, replace
from chalicelib.contest.settings import ContestSettings, Targets


class Box(Struct, frozen=True):
    prizes: tuple[Prize, ...]
    by_name: dict[str, Prize]
    names: list[str]


def test_asdict_turns_records_inside_records_into_plain_dicts_and_keeps_tuples():
    box = Box((Prize("Nhất", 1),), {"nhì": Prize("Nhì", 2, "official")}, ["a"])
    assert asdict(box) == {"prizes": ({"name": "Nhất", "count": 1, "category": None},),
                           "by_name": {"nhì": {"name": "Nhì", "count": 2, "category": "official"}}, "names": ["a"]}
    assert type(asdict(box)["prizes"]) is tuple


def test_a_frozen_record_refuses_assignment_and_is_hashable():
    prize = Prize("Nhất", 1)
    with pytest.raises(AttributeError):
        prize.count = 2  # type: ignore[misc]
    assert hash(prize) == hash(Prize("Nhất", 1)) and prize == Prize("Nhất", 1) and prize != Prize("Nhất", 2)
    assert replace(prize, count=3) == Prize("Nhất", 3) and prize.count == 1


def test_post_init_checks_and_field_order():
    with pytest.raises(ValueError):
        Prize("Nhất", 0)
    assert astuple(Prize("Nhất", 1, "citizen")) == ("Nhất", 1, "citizen")
    assert field_names(ContestSettings)[:3] == ("name", "description", "timezone")
    assert ContestSettings("a", "b").targets == Targets()
