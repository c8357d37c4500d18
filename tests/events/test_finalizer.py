"""Finalization on random contests: the result files, parsed back from CSV and XLSX, equal an independent
recomputation written from RULES.md (not from the domain module)."""
import csv
import io
import itertools

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from chalicelib.contest.rounds import Round
from chalicelib.events import finalizer
from chalicelib.store import attempts as attempt_store
from chalicelib.store import participants as participant_store
from chalicelib.store import results as result_store
from chalicelib.store import rounds as round_store
from tests.seed import person, submitted
from tests.support import T0, UNITS

UNIT_IDS = [u["id"] for u in UNITS]
_ids = itertools.count()


@pytest.fixture(scope="module")
def moto_aws(moto_contest):
    return moto_contest


attempt_st = st.tuples(st.integers(0, 3), st.integers(0, 4), st.integers(1, 3), st.integers(0, 3))
person_st = st.tuples(st.sampled_from(UNIT_IDS), st.sampled_from(["official", "citizen"]),
                      st.lists(attempt_st, min_size=1, max_size=3))


def _store_contest(round_id: str, people, target: str) -> list[dict]:
    """Writes participants and accepted attempts; returns plain dicts for the independent recomputation."""
    rows, participants, attempts = [], [], []
    for p, (unit_id, category, figures) in enumerate(people):
        pid = f"{round_id}-p{p}"
        participants.append(person(pid, unit_id, category, full_name=f"Thí Sinh {p}", phone=f"09{p:08d}"))
        for correct, prediction, duration, at in figures:
            attempt = submitted(next(_ids), pid, round_id, unit_id, category, correct=correct, prediction=prediction,
                                duration_ms=duration * 1000, submitted_at=T0 + at * 1000)
            attempts.append(attempt)
            rows.append({"id": attempt.id, "pid": pid, "unit": unit_id, "cat": category, "correct": correct,
                         "total": 3, "pred": prediction, "dur": duration * 1000, "sub": T0 + at * 1000})
    participant_store.save_all(participants)
    attempt_store.save_all(attempts)
    return rows


def _recompute(rows: list[dict], target: str):
    """RULES.md, written out plainly."""
    if target == "perfect_participants":
        truth = len({r["pid"] for r in rows if r["correct"] == r["total"]})
    elif target == "participants":
        truth = len({r["pid"] for r in rows})
    else:
        truth = len(rows)
    order = lambda r: (-r["correct"], abs(r["pred"] - truth), r["dur"], r["sub"], r["id"])  # noqa: E731
    best = {}
    for r in sorted(rows, key=order):
        best.setdefault(r["pid"], r)
    ranking = sorted(best.values(), key=order)
    lineage = {u["id"]: [u["id"]] + ([u["parent_id"]] if u["parent_id"] else []) for u in UNITS}
    units = {}
    for u in UNITS:
        members = [r for r in ranking if u["id"] in lineage[r["unit"]]]
        officials = sum(1 for r in members if r["cat"] == "official")
        units[u["id"]] = (len(members), officials, len(members) - officials,
                          sum(1 for r in rows if u["id"] in lineage[r["unit"]]))
    return truth, ranking, units


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(min_row=2, values_only=True)]


def _files(settings_, round_id: str, name: str) -> list[list[list[str]]]:
    s3 = boto3.client("s3", region_name=settings_.region)
    get = lambda fn: s3.get_object(Bucket=settings_.results_bucket, Key=result_store.key(round_id, fn))["Body"].read()  # noqa: E731
    return [_csv_rows(get(f"{name}.csv")), _xlsx_rows(get(f"{name}.xlsx"))]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(person_st, min_size=1, max_size=8),
       target=st.sampled_from(["perfect_participants", "participants", "submissions"]))
def test_result_files_equal_independent_recomputation(moto_aws, people, target):
    round_id = f"r{next(_ids)}"
    round_store.create_round(Round(round_id, "Đợt", T0, T0 + 10**7, status="closed", prediction_target=target))
    rows = _store_contest(round_id, people, target)
    finalizer.finalize(round_store.get_round(round_id, fresh=True))
    truth, ranking, units = _recompute(rows, target)
    assert round_store.get_round(round_id, fresh=True).prediction_truth == truth
    assert round_store.get_round(round_id, fresh=True).status == "finalized"
    for parsed in _files(moto_aws, round_id, "ranking"):
        assert [row[12] for row in parsed] == [r["id"] for r in ranking]
        assert [int(row[0]) for row in parsed] == list(range(1, len(ranking) + 1))
        assert [int(row[9]) for row in parsed] == [abs(r["pred"] - truth) for r in ranking]
        for category in ("official", "citizen"):
            ranks = [int(row[1]) for row, r in zip(parsed, ranking, strict=True) if r["cat"] == category]
            assert ranks == list(range(1, len(ranks) + 1))
    for parsed in _files(moto_aws, round_id, "units"):
        got = {row[1]: (int(row[5]), int(row[6]), int(row[7]), int(row[8])) for row in parsed}
        assert got == units
    for parsed in _files(moto_aws, round_id, "attempts"):
        assert sorted(row[0] for row in parsed) == sorted(r["id"] for r in rows)
