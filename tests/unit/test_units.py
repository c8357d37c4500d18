from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.contest.records import asdict
from chalicelib.contest.units import (
    BestOfParticipant,
    Targets,
    Unit,
    UnitTally,
    UnitTree,
    UnitTreeError,
    tally_units,
    unit_standings,
)


def unit(
    uid: str, parent: str | None = None, headcount: int | None = None, population: int | None = None
) -> Unit:
    kind = "district" if parent is None else "commune"
    return Unit(uid, f"Unit {uid}", parent, kind, headcount, population)


def best(pid: str, unit_id: str, category: str = "official", correct: int = 10):
    return BestOfParticipant(pid, unit_id, category, correct)


# A district with two communes (one with a hamlet-like child) and a separate agency.
PROVINCE = [
    unit("agency", headcount=4),
    unit("district"),
    unit("commune-a", "district", headcount=2, population=100),
    unit("commune-b", "district", population=50),
    unit("commune-b1", "commune-b", headcount=3),
    unit("commune-b2", "commune-b", headcount=5, population=7),
]


# --- the tree ------------------------------------------------------------------------------


def test_unknown_parent_is_rejected() -> None:
    with pytest.raises(UnitTreeError) as error:
        UnitTree([unit("a"), unit("b", "nowhere")])
    assert error.value.unit_id == "b"


@pytest.mark.parametrize(
    "units",
    [
        [unit("a", "a")],
        [unit("root"), unit("a", "c"), unit("b", "a"), unit("c", "b"), unit("d", "a")],
    ],
)
def test_cycle_is_rejected(units: list[Unit]) -> None:
    with pytest.raises(UnitTreeError) as error:
        UnitTree(units)
    assert error.value.unit_id in {"a", "b", "c"}
    assert isinstance(error.value, ValueError)


def test_duplicate_id_is_rejected() -> None:
    with pytest.raises(UnitTreeError) as error:
        UnitTree([unit("a"), unit("a")])
    assert error.value.unit_id == "a"


def test_tree_navigation() -> None:
    tree = UnitTree(reversed(PROVINCE))
    assert [u.id for u in tree.units()] == sorted(u.id for u in PROVINCE)
    assert "commune-b1" in tree and "nowhere" not in tree
    assert tree.get("commune-a").name == "Unit commune-a"
    assert tree.children("district") == ["commune-a", "commune-b"]
    assert tree.children("commune-a") == []
    assert tree.lineage("commune-b2") == ["commune-b2", "commune-b", "district"]
    assert tree.lineage("agency") == ["agency"]


def test_headcount_and_population_fall_back_to_children_sum() -> None:
    tree = UnitTree(PROVINCE)
    assert tree.headcount("commune-b") == 3 + 5
    assert tree.headcount("district") == 2 + 3 + 5
    assert tree.population("commune-b") == 50  # own value wins over the children's 7
    assert tree.population("district") == 100 + 50
    assert tree.population("commune-b1") is None
    assert tree.population("agency") is None
    assert tree.headcount("agency") == 4


def test_own_zero_headcount_is_kept() -> None:
    tree = UnitTree([unit("d", headcount=0), unit("c", "d", headcount=9)])
    assert tree.headcount("d") == 0


# --- tallies -------------------------------------------------------------------------------


def test_commune_participant_counts_for_its_district() -> None:
    tree = UnitTree(PROVINCE)
    tallies = tally_units(
        tree,
        [
            best("p1", "commune-b1", "official", 12),
            best("p2", "commune-a", "citizen", 20),
            best("p3", "district", "citizen", 7),
            best("p4", "gone", "citizen", 7),
        ],
        {"commune-b1": 4, "commune-a": 1, "district": 2, "gone": 9},
    )
    assert set(tallies) == {u.id for u in PROVINCE}
    assert tallies["commune-b1"] == UnitTally(1, 1, 0, 4, 12)
    assert tallies["commune-b"] == UnitTally(1, 1, 0, 4, 12)
    assert tallies["district"] == UnitTally(3, 1, 2, 7, 39)
    assert tallies["agency"] == UnitTally()


def test_unknown_category_is_rejected() -> None:
    with pytest.raises(ValueError):
        tally_units(UnitTree([unit("a")]), [best("p1", "a", "guest")], {})


# --- standings -----------------------------------------------------------------------------


def standings_by_id(units, tallies, targets=Targets()):
    return {s.unit_id: s for s in unit_standings(UnitTree(units), tallies, targets)}


def test_rates_mean_and_rounding() -> None:
    tally = UnitTally(participants=4, officials=2, citizens=2, submissions=9, sum_best_correct=31)
    standing = standings_by_id([unit("d", headcount=3, population=7)], {"d": tally})["d"]
    assert asdict(standing) == {
        "rank": 1,
        "unit_id": "d",
        "name": "Unit d",
        "participants": 4,
        "officials": 2,
        "citizens": 2,
        "submissions": 9,
        "headcount": 3,
        "population": 7,
        "official_rate": 0.6667,
        "citizen_rate": 0.2857,
        "mean_correct": 7.75,
        "meets_targets": False,
    }


def test_no_participants_no_denominators() -> None:
    standing = standings_by_id([unit("d"), unit("z", headcount=0, population=0)], {})
    for uid in ("d", "z"):
        s = standing[uid]
        assert (s.official_rate, s.citizen_rate, s.mean_correct, s.meets_targets) == (
            None,
            None,
            None,
            False,
        )


@pytest.mark.parametrize(
    ("headcount", "population", "officials", "citizens", "meets"),
    [
        (10, 100, 10, 40, True),  # both met exactly
        (10, 100, 12, 90, True),  # both exceeded
        (10, 100, 9, 90, False),  # officials short
        (10, 100, 10, 39, False),  # citizens short
        (10, None, 10, 0, True),  # only the official target applies
        (None, 100, 0, 40, True),  # only the citizen target applies
        (None, 100, 5, 39, False),
        (0, 5, 3, 2, True),  # a zero headcount is not a target
        (None, None, 5, 5, False),  # no target applies
    ],
)
def test_meets_targets(headcount, population, officials, citizens, meets) -> None:
    tally = UnitTally(officials + citizens, officials, citizens, officials + citizens, 0)
    units = [unit("d", headcount=headcount, population=population)]
    standing = standings_by_id(units, {"d": tally})
    assert standing["d"].meets_targets is meets


def test_meets_targets_uses_configured_targets() -> None:
    tally = UnitTally(6, 5, 1, 6, 0)
    units = [unit("d", headcount=10, population=10)]
    assert not standings_by_id(units, {"d": tally})["d"].meets_targets
    assert standings_by_id(units, {"d": tally}, Targets(0.5, 0.1))["d"].meets_targets


def test_unit_ranking_order() -> None:
    units = [
        unit("a-none", population=10),  # no headcount: last group
        unit("b-half", headcount=4),
        unit("c-full", headcount=2),
        unit("d-half-more", headcount=10),
        unit("e-half-same", headcount=6),
        unit("f-none", population=10),
        unit("g-zero", headcount=0),  # a zero headcount has no rate either
        unit("h-nobody", headcount=5),  # a rate of 0 still ranks before units without one
    ]
    tallies = {
        "a-none": UnitTally(participants=1, citizens=1),
        "b-half": UnitTally(participants=3, officials=2, citizens=1),
        "c-full": UnitTally(participants=2, officials=2),
        "d-half-more": UnitTally(participants=9, officials=5, citizens=4),
        "e-half-same": UnitTally(participants=3, officials=3),
        "f-none": UnitTally(participants=5, citizens=5),
        "g-zero": UnitTally(participants=1, officials=1),
    }
    ranked = unit_standings(UnitTree(units), tallies, Targets())
    assert [(s.rank, s.unit_id) for s in ranked] == [
        (1, "c-full"),
        (2, "d-half-more"),
        (3, "b-half"),
        (4, "e-half-same"),
        (5, "h-nobody"),
        (6, "f-none"),
        (7, "a-none"),
        (8, "g-zero"),
    ]


def test_standings_roll_up_from_tallies() -> None:
    tree = UnitTree(PROVINCE)
    tallies = tally_units(
        tree,
        [best("p1", "commune-b1"), best("p2", "commune-b2"), best("p3", "commune-a", "citizen")],
        {},
    )
    by_id = {s.unit_id: s for s in unit_standings(tree, tallies, Targets())}
    district = by_id["district"]
    assert (district.participants, district.officials, district.headcount) == (3, 2, 10)
    assert district.official_rate == 0.2
    assert by_id["commune-b1"].official_rate == 0.3333
    assert [s.rank for s in unit_standings(tree, tallies, Targets())] == list(range(1, 7))


# --- property: tallies equal a brute-force count over descendants ---------------------------


@st.composite
def forests(draw) -> list[Unit]:
    """Random forests whose id order differs from the parent-first order."""
    size = draw(st.integers(min_value=1, max_value=12))
    ids = draw(st.permutations([f"u{i:02d}" for i in range(size)]))
    units = []
    for position, uid in enumerate(ids):
        parent = draw(st.one_of(st.none(), st.sampled_from(ids[:position]))) if position else None
        headcount = draw(st.one_of(st.none(), st.integers(0, 50)))
        population = draw(st.one_of(st.none(), st.integers(0, 50)))
        units.append(Unit(uid, uid, parent, "other", headcount, population))
    return units


def descends_from(units: dict[str, Unit], uid: str, ancestor: str) -> bool:
    while uid is not None:
        if uid == ancestor:
            return True
        uid = units[uid].parent_id
    return False


@given(forests(), st.data())
def test_tally_units_matches_brute_force(units: list[Unit], data) -> None:
    by_id = {u.id: u for u in units}
    unit_ids = st.sampled_from([*by_id, "unknown"])
    people = data.draw(
        st.lists(
            st.tuples(unit_ids, st.sampled_from(["official", "citizen"]), st.integers(0, 20)),
            max_size=20,
        )
    )
    people = [BestOfParticipant(f"p{i}", *row) for i, row in enumerate(people)]
    submissions = data.draw(st.dictionaries(unit_ids, st.integers(0, 9)))

    tallies = tally_units(UnitTree(units), people, submissions)

    for uid in by_id:
        mine = [p for p in people if p.unit_id in by_id and descends_from(by_id, p.unit_id, uid)]
        expected = UnitTally(
            participants=len(mine),
            officials=sum(p.category == "official" for p in mine),
            citizens=sum(p.category == "citizen" for p in mine),
            submissions=sum(
                n for u, n in submissions.items() if u in by_id and descends_from(by_id, u, uid)
            ),
            sum_best_correct=sum(p.correct for p in mine),
        )
        assert tallies[uid] == expected
    assert set(tallies) == set(by_id)


def brute_headcount(units: dict[str, Unit], uid: str) -> int | None:
    own = units[uid].headcount
    if own is not None:
        return own
    known = [
        h
        for child in units.values()
        if child.parent_id == uid and (h := brute_headcount(units, child.id)) is not None
    ]
    return sum(known) if known else None


@given(forests())
def test_headcount_matches_recursive_definition(units: list[Unit]) -> None:
    tree = UnitTree(units)
    by_id = {u.id: u for u in units}
    for uid in by_id:
        assert tree.headcount(uid) == brute_headcount(by_id, uid)
