"""The pure rules behind accounts and fairness: throttles, codes, signals, the one integer parser, names."""
from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.contest import codes
from chalicelib.contest.numbers import MAX_DIGITS, json_integer, parse_integer
from chalicelib.contest.signals import attempt_flags, over_limit, uses_of
from chalicelib.contest.texts import TextError, clean_name, visible_length
from chalicelib.contest.throttle import Backoff, Bucket, Tally, Window

S = 1000


def test_backoff_five_free_failures_then_doubling_waits():
    rule, tally, now = Backoff(), Tally(), 0
    for _ in range(5):
        assert rule.wait_s(tally, now) == 0
        tally = rule.counted(tally, now)
    waits = []
    for _ in range(8):
        waits.append(rule.wait_s(tally, now))
        assert rule.wait_s(tally, now + waits[-1] * S - 1) > 0 and rule.wait_s(tally, now + waits[-1] * S) == 0
        now += waits[-1] * S
        tally = rule.counted(tally, now)
    assert waits == [30, 60, 120, 240, 480, 900, 900, 900]


def test_backoff_forgets_a_day_after_the_last_failure():
    rule = Backoff()
    tally = Tally(12, 0)
    assert rule.wait_s(tally, 899 * S) > 0
    assert rule.wait_s(tally, 24 * 3600 * S) == 0
    assert rule.counted(tally, 24 * 3600 * S) == Tally(1, 24 * 3600 * S)


def test_window_three_in_fifteen_minutes_sliding():
    rule, tally = Window(3, 900), Tally()
    for t in (0, 60, 120):
        assert rule.wait_s(tally, t * S) == 0
        tally = rule.counted(tally, t * S)
    assert rule.wait_s(tally, 180 * S) == 720              # the oldest leaves the window at 900 s
    assert rule.wait_s(tally, 900 * S) == 0
    tally = rule.counted(tally, 900 * S)
    assert tally.times == (60 * S, 120 * S, 900 * S)       # never more than the limit kept
    assert rule.wait_s(tally, 901 * S) == 59


@given(st.lists(st.integers(0, 10_000), max_size=40))
def test_a_window_never_lets_more_than_its_limit_through(moments):
    rule, tally, allowed = Window(3, 900), Tally(), []
    for t in sorted(moments):
        if rule.wait_s(tally, t * S) == 0:
            tally = rule.counted(tally, t * S)
            allowed.append(t)
    assert all(sum(1 for a in allowed if t <= a < t + 900) <= 3 for t in allowed)


def test_codes_are_six_digits_and_their_sms_fits_one_message():
    code = codes.new_code(random.Random(7))
    assert codes.plausible(code) and not codes.plausible("１２３４５６") and not codes.plausible("12345")
    for purpose in codes.PURPOSES:
        text = codes.message("CUOCTHI", code, purpose)
        assert text.startswith("CUOCTHI: ") and code in text and len(text) <= 70
    assert codes.subject("login", "0912345678", code) != codes.subject("reset", "0912345678", code)


def test_attempt_flags():
    assert attempt_flags(20, 20, 39_999, 2) == ["too_fast"]
    assert attempt_flags(20, 20, 40_000, 2) == []
    assert attempt_flags(20, 9, 600_000, 2) == ["probe"]
    assert attempt_flags(20, 10, 600_000, 2) == []
    assert attempt_flags(5, 0, 0, 2) == ["too_fast", "probe"]


def shared_devices(uses, max_accounts):
    return over_limit(uses_of(uses).values(), max_accounts)


def test_shared_devices_flags_everyone_on_a_device_or_address_used_by_more_than_the_limit():
    uses = [(f"p{i}", "device-a", f"addr-{i}") for i in range(4)] + [("q1", "device-b", "addr-x"),
                                                                     ("q2", None, "addr-x"), ("q3", None, None)]
    assert shared_devices(uses, 3) == {"p0", "p1", "p2", "p3"}
    assert shared_devices(uses, 4) == set()
    assert shared_devices(uses, 1) == {"p0", "p1", "p2", "p3", "q1", "q2"}
    # one participant's many attempts on one device is one account
    assert shared_devices([("p", "d", None)] * 10, 1) == set()


INTEGERS = [("0", 0), ("20", 20), ("0020", 20), ("9" * MAX_DIGITS, int("9" * MAX_DIGITS)), ("²", None),
            ("١٠", None), ("５", None), ("+5", None), ("-5", None), (" 5", None), ("5\n", None), ("", None),
            ("1e3", None), ("9" * (MAX_DIGITS + 1), None), ("9" * 5000, None)]


@pytest.mark.parametrize(("text", "value"), INTEGERS)
def test_one_integer_parser(text, value):
    assert parse_integer(text) == value


def test_json_integers_too_long_for_any_field_read_as_infinity():
    assert json_integer("-12") == -12
    assert json_integer("1" + "0" * 5000) == float("inf")
    assert json_integer("-1" + "0" * 5000) == float("-inf")


@pytest.mark.parametrize("name", ["\u200b\u200b", "\u3164\u3164", "\u2800\u2800", "\u0301\u0303", "   ", "\u202e",
                                  "\ufeff\ufeff", "A\u200b"])
def test_invisible_names_are_refused(name):
    with pytest.raises(TextError):
        clean_name(name, 2, 100)


@pytest.mark.parametrize("name", ["An\x00", "Lê\nVăn", "Lê\x1b[31m", "\x7fBình"])
def test_control_characters_are_refused_in_names(name):
    with pytest.raises(TextError, match="điều khiển"):
        clean_name(name, 2, 100)


def test_names_are_composed_and_cleaned():
    assert clean_name("Le\u0302  Thi\u0323\u200b My\u0303", 2, 100) == "Lê Thị Mỹ"
    assert visible_length("Lê Thị") == 5


def test_a_bucket_counts_per_fixed_period():
    rule = Bucket(limit=2, seconds=3600)
    assert rule.period(3600 * S + 5) == 3600 * S
    assert rule.wait_s(2, 3600 * S + 5) == 0
    assert rule.wait_s(3, 3600 * S + 5) == 3600           # to the next hour, rounded up
