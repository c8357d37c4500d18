"""A round's window and the times it gives an attempt (contest/rounds.py)."""
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.contest.rounds import Round

OPENS, CLOSES = 1_000_000, 5_000_000
times = st.integers(0, 10_000_000)


def round_(**rules) -> Round:
    return Round("dot-1", "Đợt 1", OPENS, CLOSES, **rules)


@given(now=times, status=st.sampled_from(["scheduled", "open", "closed", "finalized"]))
def test_the_server_clock_decides_whether_a_round_accepts(now, status):
    accepting = round_(status=status).is_accepting(now)
    assert accepting == (status in ("scheduled", "open") and OPENS <= now < CLOSES)


@given(now=times)
def test_the_public_status_follows_the_clock_when_the_scheduler_lags(now):
    expected = "scheduled" if now < OPENS else "open" if now < CLOSES else "closed"
    assert round_(status="scheduled").effective_status(now) == expected
    assert round_(status="open").effective_status(now) == expected
    assert round_(status="finalized").effective_status(now) == "finalized"   # a stored end is never undone


@given(started=st.integers(OPENS, CLOSES - 1), limit=st.integers(10, 3600), grace=st.integers(0, 600))
def test_an_attempt_ends_at_its_time_limit_or_the_close_whichever_comes_first(started, limit, grace):
    r = round_(time_limit_seconds=limit, grace_seconds=grace)
    deadline = r.attempt_deadline(started)
    assert deadline == min(started + limit * 1000, CLOSES)
    assert r.accept_until(started) == deadline + grace * 1000
    assert started < deadline <= CLOSES


@given(started=times, received=times, limit=st.integers(10, 3600))
def test_duration_is_the_receive_time_less_the_start_capped_at_the_limit(started, received, limit):
    duration = round_(time_limit_seconds=limit).duration_ms(started, received)
    assert 0 <= duration <= limit * 1000
    if 0 <= received - started <= limit * 1000:
        assert duration == received - started


def test_a_round_has_started_once_opened_or_past_its_opening():
    assert not round_().has_started(OPENS - 1)
    assert round_().has_started(OPENS)
    assert round_(status="open").has_started(0)


def test_a_bank_smaller_than_an_attempt_is_not_ready():
    from chalicelib.contest.records import replace

    base = Round("dot-1", "Đợt 1", 0, 10, questions_per_attempt=5, bank_version="v1")
    assert replace(base, question_count=5).bank_ready
    assert not replace(base, question_count=4).bank_ready
    assert not replace(base, question_count=9, bank_version=None).bank_ready
