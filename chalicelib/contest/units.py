"""Unit tree, per-unit participation counts and the unit ranking (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chalicelib.contest.records import Struct

UNIT_KINDS = ("agency", "district", "commune", "other")
DECIMALS = 4


class Unit(Struct, frozen=True):
    """A unit of the contest (agency, district, commune...)."""

    id: str
    name: str
    parent_id: str | None
    kind: str
    headcount: int | None
    population: int | None


class UnitTreeError(ValueError):
    """The units do not form a tree; `unit_id` names the offending unit."""

    def __init__(self, unit_id: str, message: str) -> None:
        super().__init__(f"{message}: {unit_id}")
        self.unit_id = unit_id


class UnitTree:
    """A validated forest of units with resolved headcount and population."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self._units = _index_by_id(units)
        _check_parents(self._units)
        _check_acyclic(self._units)
        self._children = _children_of(self._units)
        self._lineages = {uid: _walk_up(self._units, uid) for uid in self._units}
        self._headcounts = self._resolve("headcount")
        self._populations = self._resolve("population")

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._units

    def get(self, unit_id: str) -> Unit:
        """The unit with this id (KeyError when unknown)."""
        return self._units[unit_id]

    def units(self) -> list[Unit]:
        """All units, in id order."""
        return [self._units[uid] for uid in sorted(self._units)]

    def children(self, unit_id: str) -> list[str]:
        """Ids of the direct children, in id order."""
        self.get(unit_id)
        return list(self._children.get(unit_id, ()))

    def subtree(self, unit_id: str | None = None) -> list[str]:
        """The unit and its descendants, depth first (a parent before its children); every unit for None."""
        stack = [unit_id] if unit_id is not None else sorted(u for u, unit in self._units.items()
                                                              if unit.parent_id is None)[::-1]
        found = []
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(reversed(self._children.get(current, ())))
        return found

    def lineage(self, unit_id: str) -> list[str]:
        """The unit itself, then its ancestors up to the root."""
        return list(self._lineages[unit_id])

    def headcount(self, unit_id: str) -> int | None:
        """Own headcount, else the sum of the children's resolved ones."""
        return self._headcounts[unit_id]

    def population(self, unit_id: str) -> int | None:
        """Own population, else the sum of the children's resolved ones."""
        return self._populations[unit_id]

    def _resolve(self, field: str) -> dict[str, int | None]:
        """Resolve `field` bottom-up: a unit's own value wins over its children's sum."""
        resolved: dict[str, int | None] = {}
        deepest_first = sorted(self._units, key=lambda uid: len(self._lineages[uid]), reverse=True)
        for uid in deepest_first:
            own = getattr(self._units[uid], field)
            known = [value for c in self._children.get(uid, ()) if (value := resolved[c]) is not None]
            resolved[uid] = own if own is not None else (sum(known) if known else None)
        return resolved


def _index_by_id(units: Iterable[Unit]) -> dict[str, Unit]:
    index: dict[str, Unit] = {}
    for unit in units:
        if unit.id in index:
            raise UnitTreeError(unit.id, "duplicate unit id")
        index[unit.id] = unit
    return index


def _check_parents(units: Mapping[str, Unit]) -> None:
    for unit in units.values():
        if unit.parent_id is not None and unit.parent_id not in units:
            raise UnitTreeError(unit.id, "unknown parent")


def _check_acyclic(units: Mapping[str, Unit]) -> None:
    """Walk up from every unit; meeting the current path again means a cycle."""
    done: set[str] = set()
    for start in units:
        path: set[str] = set()
        uid: str | None = start
        while uid is not None and uid not in done:
            if uid in path:
                raise UnitTreeError(uid, "cycle in unit tree")
            path.add(uid)
            uid = units[uid].parent_id
        done |= path


def _children_of(units: Mapping[str, Unit]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for uid in sorted(units):
        parent = units[uid].parent_id
        if parent is not None:
            children.setdefault(parent, []).append(uid)
    return children


def _walk_up(units: Mapping[str, Unit], unit_id: str) -> tuple[str, ...]:
    chain = []
    uid: str | None = unit_id
    while uid is not None:
        chain.append(uid)
        uid = units[uid].parent_id
    return tuple(chain)


class Targets(Struct, frozen=True):
    """Participation targets: share of officials of the headcount, of citizens of the population."""

    official_rate: float = 1.0
    citizen_rate: float = 0.4


class BestOfParticipant(Struct, frozen=True):
    """One participant's best in the round, for unit counts."""

    participant_id: str
    unit_id: str
    category: str
    correct: int


class UnitStanding(Struct, frozen=True):
    """A row of the unit table; field names equal the API's UnitStanding."""

    rank: int
    unit_id: str
    name: str
    participants: int
    officials: int
    citizens: int
    submissions: int
    headcount: int | None
    population: int | None
    official_rate: float | None
    citizen_rate: float | None
    mean_correct: float | None
    meets_targets: bool


class UnitTally(Struct):
    """Raw counters for one unit, descendants included."""

    participants: int = 0
    officials: int = 0
    citizens: int = 0
    submissions: int = 0
    sum_best_correct: int = 0

    def add(self, other: UnitTally) -> None:
        """Adds another tally's counts (another unit's, or another shard's for the same unit)."""
        self.participants += other.participants
        self.officials += other.officials
        self.citizens += other.citizens
        self.submissions += other.submissions
        self.sum_best_correct += other.sum_best_correct

    def add_participant(self, best: BestOfParticipant) -> None:
        """Count one participant's best attempt."""
        if best.category == "official":
            self.officials += 1
        elif best.category == "citizen":
            self.citizens += 1
        else:
            raise ValueError(f"unknown category: {best.category!r}")
        self.participants += 1
        self.sum_best_correct += best.correct


def tally_units(
    tree: UnitTree, best: Iterable[BestOfParticipant], submissions_by_unit: Mapping[str, int]
) -> dict[str, UnitTally]:
    """Roll participants and each unit's own submissions up the tree; unknown units are ignored."""
    tallies = {unit.id: UnitTally() for unit in tree.units()}
    for participant in best:
        if participant.unit_id in tree:
            for uid in tree.lineage(participant.unit_id):
                tallies[uid].add_participant(participant)
    for unit_id, count in submissions_by_unit.items():
        if unit_id in tree:
            for uid in tree.lineage(unit_id):
                tallies[uid].submissions += count
    return tallies


def roll_up(tree: UnitTree, own: Mapping[str, UnitTally]) -> dict[str, UnitTally]:
    """Per-unit counters that count only the unit's own people, summed up each unit's lineage."""
    tallies = {unit.id: UnitTally() for unit in tree.units()}
    for unit_id, counts in own.items():
        if unit_id not in tree:
            continue
        for uid in tree.lineage(unit_id):
            tallies[uid].add(counts)
    return tallies


def _ratio(count: int, denominator: int | None) -> float | None:
    """count / denominator, or None when the denominator is unknown or not positive."""
    if denominator is None or denominator <= 0:
        return None
    return count / denominator


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def _meets(rates_and_targets: Iterable[tuple[float | None, float]]) -> bool:
    """At least one target applies (its rate is known) and every applicable one is met."""
    checks = [rate >= target for rate, target in rates_and_targets if rate is not None]
    return bool(checks) and all(checks)


class _UnitRow(Struct, frozen=True):
    """A unit's figures before ranking (rates unrounded)."""

    unit: Unit
    tally: UnitTally
    headcount: int | None
    population: int | None
    official_rate: float | None
    citizen_rate: float | None

    def sort_key(self) -> tuple:
        """Official rate descending (unknown last), participants descending, unit id."""
        rate = self.official_rate
        return (rate is None, -(rate or 0.0), -self.tally.participants, self.unit.id)

    def standing(self, rank: int, targets: Targets) -> UnitStanding:
        tally = self.tally
        mean = tally.sum_best_correct / tally.participants if tally.participants else None
        meets = _meets(
            [(self.official_rate, targets.official_rate), (self.citizen_rate, targets.citizen_rate)]
        )
        return UnitStanding(
            rank=rank,
            unit_id=self.unit.id,
            name=self.unit.name,
            participants=tally.participants,
            officials=tally.officials,
            citizens=tally.citizens,
            submissions=tally.submissions,
            headcount=self.headcount,
            population=self.population,
            official_rate=_rounded(self.official_rate),
            citizen_rate=_rounded(self.citizen_rate),
            mean_correct=_rounded(mean),
            meets_targets=meets,
        )


def _row(tree: UnitTree, unit: Unit, tally: UnitTally) -> _UnitRow:
    headcount = tree.headcount(unit.id)
    population = tree.population(unit.id)
    return _UnitRow(
        unit=unit,
        tally=tally,
        headcount=headcount,
        population=population,
        official_rate=_ratio(tally.officials, headcount),
        citizen_rate=_ratio(tally.citizens, population),
    )


def unit_standings(
    tree: UnitTree, tallies: Mapping[str, UnitTally], targets: Targets
) -> list[UnitStanding]:
    """One ranked standing per unit of the tree (a unit missing from `tallies` counts zeros)."""
    rows = [_row(tree, unit, tallies.get(unit.id, UnitTally())) for unit in tree.units()]
    rows.sort(key=_UnitRow.sort_key)
    return [row.standing(rank, targets) for rank, row in enumerate(rows, start=1)]
