"""Prizes (contest/prizes.py), property-based: counts per category honoured, awarded in final order, nobody twice,
a disqualified participant never awarded; unit prizes down the top-level unit ranking."""
from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.contest.prizes import Prize, UnitPrize, award_individual, award_units
from chalicelib.contest.ranking import CATEGORIES, RankedEntry, ScoredAttempt, rank_attempts
from chalicelib.contest.units import UnitStanding


def ranking(categories: list[str]) -> list[RankedEntry]:
    """A final ranking of len(categories) participants p0, p1, … in that order (p0 first)."""
    attempts = [ScoredAttempt(f"a{i}", f"p{i}", "u", category, correct=1000 - i, total=1000, duration_ms=1,
                              submitted_at=1, prediction=0) for i, category in enumerate(categories)]
    return rank_attempts(attempts, key=lambda a: (-a.correct, a.attempt_id))


category_st = st.sampled_from(CATEGORIES)
prize_st = st.builds(Prize, name=st.sampled_from(["Nhất", "Nhì", "Ba", "Khuyến khích"]),
                     count=st.integers(1, 5), category=st.one_of(st.none(), category_st))
contest_st = st.tuples(st.lists(category_st, max_size=30), st.lists(prize_st, max_size=8),
                       st.sets(st.integers(0, 29), max_size=6))


def awarded(contest):
    """The prize lines, the ranking, the disqualified and the awards of a drawn contest."""
    categories, prizes, excluded_numbers = contest
    entries = ranking(categories)
    excluded = {f"p{n}" for n in excluded_numbers}
    return prizes, entries, excluded, award_individual(prizes, entries, excluded)


@given(contest_st)
def test_each_line_takes_the_best_unawarded_eligible_people_in_order(contest):
    prizes, entries, excluded, awards = awarded(contest)
    # written out plainly: each line, in order, the next `count` people of its category down the ranking
    taken: set[str] = set()
    expected = []
    for prize in prizes:
        pool = [e for e in entries if e.attempt.participant_id not in taken | excluded
                and prize.category in (None, e.attempt.category)][:prize.count]
        taken |= {e.attempt.participant_id for e in pool}
        expected += [(prize.name, prize.category, e.attempt.participant_id) for e in pool]
    assert [(a.prize, a.category, a.entry.attempt.participant_id) for a in awards] == expected


@given(contest_st)
def test_nobody_twice_nobody_disqualified_ranks_in_the_line_s_own_ranking(contest):
    prizes, _, excluded, awards = awarded(contest)
    winners = [a.entry.attempt.participant_id for a in awards]
    assert len(winners) == len(set(winners))
    assert not set(winners) & excluded
    assert len(awards) <= sum(p.count for p in prizes)
    for award in awards:
        assert award.category in (None, award.entry.attempt.category)
        assert award.rank == (award.entry.rank if award.category is None else award.entry.category_rank)


@given(st.lists(category_st, min_size=1, max_size=30), st.integers(1, 10), st.integers(1, 10))
def test_counts_per_category_are_honoured(categories, officials, citizens):
    entries = ranking(categories)
    awards = award_individual([Prize("Nhất", officials, "official"), Prize("Nhất", citizens, "citizen")], entries)
    got = Counter(a.category for a in awards)
    assert got["official"] == min(officials, categories.count("official"))
    assert got["citizen"] == min(citizens, categories.count("citizen"))
    for category in CATEGORIES:  # the best of each category, in final order, with their rank in it
        mine = [a for a in awards if a.category == category]
        assert [a.rank for a in mine] == list(range(1, len(mine) + 1))
        assert [a.entry.rank for a in mine] == sorted(a.entry.rank for a in mine)


def test_the_example_of_the_rules():
    # Giải Nhất 1, Nhì 2, Ba 3 for each category, down a ranking of officials (o) and citizens (c)
    entries = ranking(["official" if c == "o" else "citizen" for c in "oococcooco"])
    lines = [Prize(name, count, category) for category in CATEGORIES
             for name, count in (("Giải Nhất", 1), ("Giải Nhì", 2), ("Giải Ba", 3))]
    got = [(a.prize, a.category, a.entry.attempt.participant_id, a.rank) for a in award_individual(lines, entries)]
    assert got == [
        ("Giải Nhất", "official", "p0", 1), ("Giải Nhì", "official", "p1", 2), ("Giải Nhì", "official", "p3", 3),
        ("Giải Ba", "official", "p6", 4), ("Giải Ba", "official", "p7", 5), ("Giải Ba", "official", "p9", 6),
        ("Giải Nhất", "citizen", "p2", 1), ("Giải Nhì", "citizen", "p4", 2), ("Giải Nhì", "citizen", "p5", 3),
        ("Giải Ba", "citizen", "p8", 4),
    ]


def test_an_overall_line_after_category_lines_skips_who_already_won():
    entries = ranking(["official", "citizen", "official", "citizen"])
    lines = [Prize("Nhất", 1, "citizen"), Prize("Khuyến khích", 2)]
    got = [(a.prize, a.entry.attempt.participant_id, a.rank) for a in award_individual(lines, entries)]
    assert got == [("Nhất", "p1", 1), ("Khuyến khích", "p0", 1), ("Khuyến khích", "p2", 3)]


def standing(rank: int, unit_id: str, participants: int) -> UnitStanding:
    return UnitStanding(rank, unit_id, unit_id.upper(), participants, participants, 0, participants, 10, None,
                        participants / 10, None, 1.0, False)


def test_unit_prizes_go_down_the_top_level_units_skipping_those_without_participants():
    table = [standing(1, "xa-1", 9), standing(2, "so-a", 8), standing(3, "huyen-b", 0), standing(4, "so-c", 3),
             standing(5, "huyen-d", 2)]
    awards = award_units([UnitPrize("Giải Nhất", 1), UnitPrize("Giải Nhì", 2), UnitPrize("Giải Ba", 5)], table,
                         top_level={"so-a", "huyen-b", "so-c", "huyen-d"})
    assert [(a.prize, a.standing.unit_id, a.rank) for a in awards] == [
        ("Giải Nhất", "so-a", 1), ("Giải Nhì", "so-c", 3), ("Giải Nhì", "huyen-d", 4)]


@pytest.mark.parametrize("bad", [{"count": 0}, {"category": "khac"}])
def test_a_prize_line_must_make_sense(bad):
    with pytest.raises(ValueError):
        Prize(**{"name": "Nhất", "count": 1, **bad})
