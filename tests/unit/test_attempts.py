"""Drawing, checking and scoring attempts, and the times and states of an attempt (contest/attempts.py)."""
import random
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.contest.attempts import (
    Attempt,
    BankQuestion,
    DrawnQuestion,
    Entry,
    answer_errors,
    begin,
    best_attempt,
    draw,
    score,
)
from chalicelib.contest.participants import Participant
from chalicelib.contest.ranking import live_key
from chalicelib.contest.rounds import Round

OPENS, CLOSES = 1_000_000, 90_000_000


def bank(n: int, options: int = 4) -> tuple[BankQuestion, ...]:
    return tuple(BankQuestion(f"q{i}", f"Câu {i}", tuple((f"q{i}o{k}", f"Phương án {k}") for k in range(options)),
                              f"q{i}o{i % options}") for i in range(n))


ROUND = Round("dot-1", "Đợt 1", OPENS, CLOSES, status="open", time_limit_seconds=600, grace_seconds=30,
              bank_version="v1")
PERSON = Participant("p1", "Nguyễn Văn An", "0912345678", "dong-hoi", "official", "x", 0)


def started(at: int = OPENS, questions: int = 5) -> Attempt:
    return begin("a1", PERSON, ROUND, draw(bank(questions), questions, random.Random(1)), at)


@given(size=st.integers(1, 30), count=st.integers(1, 40), seed=st.integers())
def test_draw_takes_distinct_questions_with_their_own_options_shuffled(size, count, seed):
    questions = bank(size)
    drawn = draw(questions, count, random.Random(seed))
    assert len(drawn) == min(size, count)
    assert len({d.id for d in drawn}) == len(drawn)
    by_id = {q.id: q for q in questions}
    for d in drawn:
        assert sorted(d.option_ids) == sorted(option_id for option_id, _ in by_id[d.id].options)


def test_draw_depends_only_on_the_randomness_passed_in():
    assert draw(bank(20), 5, random.Random(7)) == draw(bank(20), 5, random.Random(7))
    assert draw(bank(20), 5, random.Random(7)) != draw(bank(20), 5, random.Random(8))


def test_answers_must_name_questions_and_options_of_this_attempt():
    drawn = [DrawnQuestion("q0", ("q0o0", "q0o1")), DrawnQuestion("q1", ("q1o0", "q1o1"))]
    assert answer_errors(drawn, {"q0": "q0o1"}) == {}
    errors = answer_errors(drawn, {"q9": "q0o0", "q0": "q1o0", "q1": 3})
    assert set(errors) == {"answers.q9", "answers.q0", "answers.q1"}


@given(answers=st.dictionaries(st.sampled_from(["q0", "q1", "q2"]), st.sampled_from(["a", "b", None])))
def test_score_counts_the_questions_answered_with_the_key(answers):
    drawn = [DrawnQuestion(q, ("a", "b")) for q in ("q0", "q1", "q2")]
    key = {"q0": "a", "q1": "b", "q2": "a"}
    assert score(drawn, answers, key) == sum(1 for q, o in answers.items() if o is not None and key[q] == o)


def test_a_new_attempt_takes_its_times_and_unit_from_the_round_and_the_participant():
    attempt = started(OPENS + 5)
    assert (attempt.participant_id, attempt.unit_id, attempt.category) == ("p1", "dong-hoi", "official")
    assert attempt.display_name == "Nguyễn V. A."
    assert attempt.deadline == OPENS + 5 + 600_000 and attempt.accept_until == attempt.deadline + 30_000
    assert attempt.total == 5 and attempt.status == "in_progress"
    with pytest.raises(ValueError):
        begin("a2", PERSON, replace(ROUND, bank_version=None), [], OPENS)


def test_an_attempt_stays_open_until_its_own_time_or_the_rounds_close_plus_grace():
    attempt = started()
    assert attempt.status_at(ROUND, attempt.accept_until) == "in_progress"
    assert attempt.status_at(ROUND, attempt.accept_until + 1) == "expired"
    closed_early = replace(ROUND, closes_at=OPENS + 60_000)        # the organizer closed the round
    assert attempt.accepted_until(closed_early) == OPENS + 60_000 + 30_000
    assert attempt.shown_deadline(closed_early) == OPENS + 60_000
    assert attempt.shown_deadline(ROUND) == attempt.deadline


def test_submitting_scores_against_the_key_and_caps_the_duration():
    attempt = started()
    key = {q.id: q.option_ids[0] for q in attempt.questions}
    answers = {attempt.questions[0].id: attempt.questions[0].option_ids[0],
               attempt.questions[1].id: attempt.questions[1].option_ids[1]}
    done = attempt.submit(answers, key, 12, ROUND, OPENS + 10 * 60_000 + 20_000)
    assert (done.status, done.correct, done.prediction, done.duration_ms) == ("submitted", 1, 12, 600_000)
    assert done.status_at(ROUND, 10**12) == "submitted"
    assert done.same_submission(dict(reversed(list(answers.items()))), 12)
    assert not done.same_submission(answers, 13) and not done.same_submission({}, 12)
    assert done.scored().correct == 1 and done.scored().total == 5
    with pytest.raises(ValueError):
        attempt.scored()


def test_the_best_attempt_is_the_best_submitted_one_under_the_order():
    attempt = started()
    key = {q.id: q.option_ids[0] for q in attempt.questions}
    all_right = {q.id: q.option_ids[0] for q in attempt.questions}
    slow = replace(attempt, id="slow").submit(all_right, key, 0, ROUND, OPENS + 300_000)
    fast = replace(attempt, id="fast").submit(all_right, key, 0, ROUND, OPENS + 100_000)
    weak = replace(attempt, id="weak").submit({}, key, 0, ROUND, OPENS + 1_000)
    assert best_attempt([slow, weak, fast, attempt], live_key).id == "fast"
    assert best_attempt([attempt], live_key) is None


def test_an_entry_holds_an_attempt_open_until_its_time_and_counts_against_the_limit():
    entry = Entry(attempts_used=2, in_progress="a1", in_progress_until=100)
    assert entry.in_progress_at(100) == "a1" and entry.in_progress_at(101) is None
    assert Entry().in_progress_at(0) is None
    assert entry.limit_reached(2) and not entry.limit_reached(3) and not entry.limit_reached(None)
