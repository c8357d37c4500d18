"""A round's prizes as finalization records them: the awards (contest/prizes.py) of the final ranking and the unit
table, the `prizes` result file's rows (with phones, for organizers) and the public snapshot that
GET /api/rounds/{round_id}/prizes serves once the round is published."""
from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping

from chalicelib.contest import prizes
from chalicelib.contest.layout import Column
from chalicelib.contest.names import mask_name
from chalicelib.contest.participants import Participant
from chalicelib.contest.ranking import RankedEntry
from chalicelib.contest.records import Struct
from chalicelib.contest.rounds import Round
from chalicelib.contest.units import UnitStanding, UnitTree
from chalicelib.events.exports import CATEGORY_NAMES

PRIZES = [Column(label) for label in ("Loại giải", "Giải", "Đối tượng", "Hạng", "Họ và tên", "Số điện thoại", "Đơn vị",
                                      "Số câu đúng", "Tổng số câu")] + [
    Column("Thời gian làm bài (ms)", "duration", "Thời gian làm bài"), Column("Người dự thi của đơn vị"),
    Column("Mã thí sinh hoặc đơn vị")]
OVERALL = "Xếp chung"


class Names(Struct, frozen=True):
    """The winners' names and phones, and unit names, as the file and the snapshot show them."""

    people: Mapping[str, Participant]
    units: Mapping[str, str]

    @classmethod
    def of(cls, people: Mapping[str, Participant], units: Mapping[str, str]) -> Names:
        return cls(people, units)

    def person(self, participant_id: str) -> str | None:
        found = self.people.get(participant_id)
        return found.full_name if found else None

    def phone(self, participant_id: str) -> str | None:
        found = self.people.get(participant_id)
        return found.phone if found else None

    def unit(self, unit_id: str) -> str:
        return self.units.get(unit_id, unit_id)


class Awards(Struct, frozen=True):
    individual: list[prizes.Award]
    units: list[prizes.UnitAward]


def award(round_: Round, entries: Iterable[RankedEntry], table: list[UnitStanding], tree: UnitTree,
          excluded: Collection[str] = frozenset()) -> Awards:
    """The round's prizes, awarded down its final ranking (`entries`: the ranking, or its head far enough for the
    prizes) and unit table."""
    top_level = {unit.id for unit in tree.units() if unit.parent_id is None}
    return Awards(prizes.award_individual(round_.prizes, entries, excluded),
                  prizes.award_units(round_.unit_prizes, table, top_level))


def winners(awards: Awards) -> list[str]:
    return [a.entry.attempt.participant_id for a in awards.individual]


def prize_rows(awards: Awards, names: Names) -> Iterator[list]:
    for a in awards.individual:
        s = a.entry.attempt
        yield ["Cá nhân", a.prize, CATEGORY_NAMES.get(a.category or "", OVERALL), a.rank,
               names.person(s.participant_id), names.phone(s.participant_id), names.unit(s.unit_id), s.correct,
               s.total, s.duration_ms, None, s.participant_id]
    for u in awards.units:
        yield ["Tập thể", u.prize, None, u.rank, None, None, u.standing.name, None, None, None,
               u.standing.participants, u.standing.unit_id]


def snapshot(awards: Awards, names: Names) -> dict:
    """What the public prize list shows (names masked, no phones)."""
    individual = [{"prize": a.prize, "category": a.category, "rank": a.rank,
                   "participant_id": a.entry.attempt.participant_id,
                   "display_name": mask_name(names.person(a.entry.attempt.participant_id) or ""),
                   "unit_name": names.unit(a.entry.attempt.unit_id), "correct": a.entry.attempt.correct,
                   "total": a.entry.attempt.total, "duration_ms": a.entry.attempt.duration_ms}
                  for a in awards.individual]
    units = [{"prize": u.prize, "rank": u.rank, "unit_id": u.standing.unit_id, "name": u.standing.name}
             for u in awards.units]
    return {"individual": individual, "units": units}
