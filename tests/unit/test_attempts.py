"""Drawing, checking and scoring attempts, what accepting one changes, and the times and states of an attempt
(contest/attempts.py)."""
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.contest.attempts import (
    Attempt,
    BankQuestion,
    DrawnQuestion,
    Entry,
    begin,
    best_attempt,
    choices,
    draw,
    next_number,
    score,
    split_attempt_id,
)
from chalicelib.contest.participants import Participant
from chalicelib.contest.ranking import live_key
from chalicelib.contest.records import replace
from chalicelib.contest.rounds import Round

OPENS, CLOSES = 1_000_000, 90_000_000


def bank(n: int, options: int = 4) -> tuple[BankQuestion, ...]:
    return tuple(BankQuestion(f"q{i}", f"Câu {i}", tuple((f"q{i}o{k}", f"Phương án {k}") for k in range(options)),
                              f"q{i}o{i % options}") for i in range(n))


ROUND = Round("dot-1", "Đợt 1", OPENS, CLOSES, status="open", time_limit_seconds=600, grace_seconds=30,
              bank_version="v1")
PERSON = Participant("p1", "Nguyễn Văn An", "0912345678", "dong-hoi", "official", "x", 0)
BANK = bank(5)


def started(at: int = OPENS, number: int = 1, round_: Round = ROUND) -> Attempt:
    return begin(PERSON, number, round_, draw(BANK, 5, random.Random(number)), at)


def right(attempt: Attempt) -> tuple:
    return tuple(BANK[q.index].position(BANK[q.index].answer) for q in attempt.questions)


@given(size=st.integers(1, 30), count=st.integers(1, 40), seed=st.integers())
def test_draw_takes_distinct_questions_with_their_own_options_shuffled(size, count, seed):
    questions = bank(size)
    drawn = draw(questions, count, random.Random(seed))
    assert len(drawn) == min(size, count)
    assert len({d.index for d in drawn}) == len(drawn)
    for d in drawn:
        assert sorted(d.order) == list(range(len(questions[d.index].options)))


def test_draw_depends_only_on_the_randomness_passed_in():
    assert draw(bank(20), 5, random.Random(7)) == draw(bank(20), 5, random.Random(7))
    assert draw(bank(20), 5, random.Random(7)) != draw(bank(20), 5, random.Random(8))


def test_answers_by_id_become_bank_positions_and_must_belong_to_this_attempt():
    drawn = [DrawnQuestion(0, (1, 0, 3, 2)), DrawnQuestion(2, (0, 1, 2, 3))]
    assert choices(drawn, BANK, {"q0": "q0o3", "q2": "q2o1"}) == ((3, 1), {})
    assert choices(drawn, BANK, {"q2": "q2o0"}) == ((None, 0), {})
    chosen, errors = choices(drawn, BANK, {"q9": "q0o0", "q0": "q2o0", "q2": 3})
    assert set(errors) == {"answers.q9", "answers.q0", "answers.q2"} and chosen == (None, None)


@given(chosen=st.lists(st.sampled_from([None, 0, 1, 2, 3]), min_size=3, max_size=3))
def test_score_counts_the_questions_answered_with_the_key(chosen):
    drawn = [DrawnQuestion(i, (3, 2, 1, 0)) for i in range(3)]
    assert score(drawn, chosen, BANK) == sum(1 for i, c in enumerate(chosen) if c == i % 4)


@given(number=st.integers(1, 10**6), pid=st.text(min_size=1, max_size=40))
def test_an_attempt_id_names_its_participant_and_number(number, pid):
    attempt = replace(started(), participant_id=pid, number=number)
    assert split_attempt_id(attempt.id) == (pid, number)


@pytest.mark.parametrize("bad", [None, 7, "", "p1", "p1.", ".3", "p1.x", "p1.-3", "p1.٣", "p1." + "9" * 10])
def test_anything_else_is_no_attempt_id(bad):
    assert split_attempt_id(bad) is None


def test_a_new_attempt_takes_its_times_and_unit_from_the_round_and_the_participant():
    attempt = started(OPENS + 5)
    assert (attempt.id, attempt.participant_id, attempt.unit_id, attempt.category) == (
        "p1.1", "p1", "dong-hoi", "official")
    assert attempt.display_name == "Nguyễn V. A."
    assert attempt.deadline == OPENS + 5 + 600_000 and attempt.accept_until == attempt.deadline + 30_000
    assert attempt.total == 5 and attempt.status == "in_progress"
    with pytest.raises(ValueError):
        begin(PERSON, 2, replace(ROUND, bank_version=None), [], OPENS)


def test_an_attempt_stays_open_until_its_own_time_or_the_rounds_close_plus_grace():
    attempt = started()
    assert attempt.status_at(ROUND, attempt.accept_until) == "in_progress"
    assert attempt.status_at(ROUND, attempt.accept_until + 1) == "expired"
    closed_early = replace(ROUND, closes_at=OPENS + 60_000)        # the organizer closed the round
    assert attempt.accepted_until(closed_early) == OPENS + 60_000 + 30_000
    assert attempt.shown_deadline(closed_early) == OPENS + 60_000
    assert attempt.shown_deadline(ROUND) == attempt.deadline


def test_submitting_scores_against_the_bank_and_caps_the_duration():
    attempt = started()
    chosen = (right(attempt)[0], (right(attempt)[1] + 1) % 4, None, None, None)
    done = attempt.submit(chosen, BANK, 12, ROUND, OPENS + 10 * 60_000 + 20_000, [])
    assert (done.status, done.correct, done.prediction, done.duration_ms) == ("submitted", 1, 12, 600_000)
    assert done.status_at(ROUND, 10**12) == "submitted"
    assert done.same_submission(list(chosen), 12)
    assert not done.same_submission(chosen, 13) and not done.same_submission((None,) * 5, 12)
    assert done.scored().correct == 1 and done.scored().total == 5 and done.scored().attempt_id == "p1.1"
    with pytest.raises(ValueError):
        attempt.scored()


def test_what_accepting_an_attempt_changes_for_its_participant():
    first = started(number=1).submit(right(started(number=1))[:2] + (None,) * 3, BANK, 0, ROUND, OPENS + 9000, [])
    assert (first.correct, first.progress) == (2, first.progress.__class__(True, True, 2, "yes"))
    better = started(number=2).submit(right(started(number=2)), BANK, 0, ROUND, OPENS + 9000, [first])
    assert (better.progress.first, better.progress.best, better.progress.gain, better.progress.contest_first) == (
        False, True, 3, None)
    worse = started(number=3).submit((None,) * 5, BANK, 0, ROUND, OPENS + 9000, [first, better])
    assert (worse.progress.first, worse.progress.best, worse.progress.gain) == (False, False, 0)
    faster = started(number=4).submit(right(started(number=4)), BANK, 0, ROUND, OPENS + 5000, [first, better, worse])
    assert (faster.progress.best, faster.progress.gain) == (True, 0)          # same score, less time


def test_the_first_in_the_contest_depends_on_the_other_rounds():
    other = replace(ROUND, id="dot-2")
    open_elsewhere = started(number=1, round_=other)
    here = started(number=2).submit((None,) * 5, BANK, 0, ROUND, OPENS + 1000, [open_elsewhere])
    assert here.progress.contest_first == "maybe"                 # the other one may still be accepted first
    expired = here.submit((None,) * 5, BANK, 0, ROUND, open_elsewhere.accept_until + 1, [open_elsewhere])
    assert expired.progress.contest_first == "yes"
    accepted = open_elsewhere.submit((None,) * 5, BANK, 0, other, OPENS + 500, [])
    after = started(number=2).submit((None,) * 5, BANK, 0, ROUND, OPENS + 1000, [accepted])
    assert (after.progress.first, after.progress.contest_first) == (True, None)


def test_the_best_attempt_is_the_best_submitted_one_under_the_order():
    slow = started(number=1).submit(right(started(number=1)), BANK, 0, ROUND, OPENS + 300_000, [])
    fast = started(number=2).submit(right(started(number=2)), BANK, 0, ROUND, OPENS + 100_000, [])
    weak = started(number=3).submit((None,) * 5, BANK, 0, ROUND, OPENS + 1_000, [])
    assert best_attempt([slow, weak, fast, started(number=4)], live_key).id == "p1.2"
    assert best_attempt([started()], live_key) is None


def test_an_entry_holds_one_attempt_open_and_counts_every_start_against_the_limit():
    expired, current = started(number=1), started(OPENS + 700_000, number=2)
    entry = Entry((expired, current))
    assert entry.in_progress(ROUND, OPENS + 700_000) == current
    assert entry.in_progress(ROUND, current.accept_until + 1) is None
    assert Entry(()).in_progress(ROUND, 0) is None
    assert entry.limit_reached(2) and not entry.limit_reached(3) and not entry.limit_reached(None)
    assert next_number([]) == 1 and next_number([current, expired]) == 3
