"""Prizes (RULES.md, "Publication, prizes and certificates"), pure: individual prizes go down the final ranking,
collective ones down the unit ranking.

A round's `prizes` are awarded in the order they are listed. Each takes the next `count` participants down the
final ranking who have no prize yet, within its category when it names one (then its rank is the rank in that
category), else overall. So "Giải Nhất 1, Giải Nhì 2, Giải Ba 3" per category gives the first of each category
the first prize, the next two the second, and so on; nobody wins twice. A disqualified participant is never
awarded, even if a ranking handed in still holds them.

`unit_prizes` go down the ranking of the top-level units (provincial agencies, districts), which the unit
table ranks among themselves; a unit nobody of which took part is never awarded."""
from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from chalicelib.contest.ranking import CATEGORIES, RankedEntry
from chalicelib.contest.records import Struct
from chalicelib.contest.units import UnitStanding

MAX_PRIZES = 50              # prize lines of a round
MAX_AWARDS = 1000            # individual prizes of a round, all lines together
MAX_UNIT_AWARDS = 200


class Prize(Struct, frozen=True):
    name: str
    count: int
    category: str | None = None   # official | citizen, or None for the overall ranking

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError("a prize is given at least once")
        if self.category is not None and self.category not in CATEGORIES:
            raise ValueError(f"unknown category: {self.category!r}")


class UnitPrize(Struct, frozen=True):
    name: str
    count: int

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError("a prize is given at least once")


class Award(Struct, frozen=True):
    """An individual prize: the prize line, its category (None: overall), and the winner's place in it."""

    prize: str
    category: str | None
    rank: int                 # in the category when the prize has one, else overall
    entry: RankedEntry


class UnitAward(Struct, frozen=True):
    prize: str
    rank: int                 # among the top-level units
    standing: UnitStanding


def award_individual(prizes: Sequence[Prize], entries: Iterable[RankedEntry],
                     excluded: Collection[str] = frozenset()) -> list[Award]:
    """The individual awards, prize line by prize line. `entries` is the final ranking (in rank order)."""
    eligible = [e for e in sorted(entries, key=lambda e: e.rank) if e.attempt.participant_id not in excluded]
    awarded: set[str] = set()
    awards = []
    for prize in prizes:
        given = 0
        for entry in eligible:
            if given == prize.count:
                break
            pid = entry.attempt.participant_id
            if pid in awarded or (prize.category is not None and entry.attempt.category != prize.category):
                continue
            awarded.add(pid)
            given += 1
            rank = entry.rank if prize.category is None else entry.category_rank
            awards.append(Award(prize.name, prize.category, rank, entry))
    return awards


def award_units(prizes: Sequence[UnitPrize], table: Iterable[UnitStanding],
                top_level: Collection[str]) -> list[UnitAward]:
    """The collective awards down the ranking of the top-level units (`top_level`: their ids)."""
    ranked = [s for s in sorted(table, key=lambda s: s.rank) if s.unit_id in top_level]
    places = {s.unit_id: place for place, s in enumerate(ranked, start=1)}
    winners = iter([s for s in ranked if s.participants > 0])
    awards: list[UnitAward] = []
    for prize in prizes:
        for _ in range(prize.count):
            standing = next(winners, None)
            if standing is None:
                return awards
            awards.append(UnitAward(prize.name, places[standing.unit_id], standing))
    return awards


def total_awards(prizes: Iterable[Prize | UnitPrize]) -> int:
    return sum(prize.count for prize in prizes)
