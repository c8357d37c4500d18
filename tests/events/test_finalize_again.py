"""Finalizing again after disqualifications, on random contests: the disqualified participants are left out of the
prediction truth, the ranking, the unit counts and the prizes, exactly as if they had never taken part (an
independent recomputation from RULES.md), and the prizes file and the public snapshot agree."""
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.contest.prizes import Prize, UnitPrize
from chalicelib.contest.rounds import Round
from chalicelib.events import finalizer
from chalicelib.store import participants as participant_store
from chalicelib.store import rounds as round_store
from chalicelib.store import standings as standing_store
from tests.events.test_finalizer import _files, _recompute, _store_contest, moto_aws, person_st  # noqa: F401
from tests.support import T0, UNITS

_ids = itertools.count()
PRIZES = (Prize("Giải Nhất", 1, "official"), Prize("Giải Nhì", 2, "official"), Prize("Giải Nhất", 1, "citizen"),
          Prize("Khuyến khích", 3, None))
UNIT_PRIZES = (UnitPrize("Giải tập thể", 1),)
TOP_LEVEL = [u["id"] for u in UNITS if u["parent_id"] is None]


def _expected_prizes(ranking: list[dict]) -> list[tuple[str, str]]:
    """RULES.md, written out plainly: each line takes the next people of its category down the ranking."""
    taken, expected = set(), []
    for prize in PRIZES:
        pool = [r for r in ranking if r["pid"] not in taken and prize.category in (None, r["cat"])][:prize.count]
        taken |= {r["pid"] for r in pool}
        expected += [(prize.name, r["pid"]) for r in pool]
    return expected


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(person_st, min_size=1, max_size=8), dropped=st.sets(st.integers(0, 7), max_size=4),
       target=st.sampled_from(["perfect_participants", "participants", "submissions"]))
def test_finalizing_again_leaves_the_disqualified_out_of_everything(moto_aws, people, dropped, target):  # noqa: F811
    round_id = f"again{next(_ids)}"
    round_store.create_round(Round(round_id, "Đợt", T0, T0 + 10**7, status="closed", prediction_target=target,
                                   prizes=PRIZES, unit_prizes=UNIT_PRIZES))
    rows = _store_contest(round_id, people, target)
    finalizer.finalize(round_store.get_round(round_id, fresh=True))          # first: everybody counts
    disqualified = {f"{round_id}-p{n}" for n in dropped if n < len(people)}
    for pid in disqualified:
        participant_store.disqualify(pid, "Thi hộ")
    assert disqualified <= participant_store.disqualified_ids()
    assert round_store.reopen(round_id)
    finalizer.finalize(round_store.get_round(round_id, fresh=True))  # again: the disqualified are left out

    truth, ranking, units = _recompute([r for r in rows if r["pid"] not in disqualified], target)
    assert round_store.get_round(round_id, fresh=True).prediction_truth == truth
    for parsed in _files(moto_aws, round_id, "ranking"):
        assert [row[12] for row in parsed] == [r["id"] for r in ranking]
    for parsed in _files(moto_aws, round_id, "units"):
        assert {row[1]: (int(row[5]), int(row[6]), int(row[7]), int(row[8])) for row in parsed} == units
        first_unit = [row[1] for row in parsed if row[1] in TOP_LEVEL and int(row[5]) > 0][:1]
    expected = _expected_prizes(ranking)
    for parsed in _files(moto_aws, round_id, "prizes"):
        individual = [(row[1], row[11]) for row in parsed if row[0] == "Cá nhân"]
        assert individual == expected
        assert not {pid for _, pid in individual} & disqualified
        assert all(row[5].startswith("09") for row in parsed if row[0] == "Cá nhân")   # with phones
        assert [row[11] for row in parsed if row[0] == "Tập thể"] == first_unit
    (snapshot,) = standing_store.load_final(round_id, "prizes")
    assert [(e["prize"], e["participant_id"]) for e in snapshot["individual"]] == expected
    assert all("phone" not in e for e in snapshot["individual"])
    for pid in disqualified:  # reinstated for the next example's sake: the markers are shared by the module
        participant_store.reinstate(pid)
    assert not disqualified & participant_store.disqualified_ids()
