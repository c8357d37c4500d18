"""Finalization as a map over shards: the distributed run equals the single-process computation on random contests
(with participants left out), the cloud's steps over S3 equal the local run, 20,000 units, more rows than a sheet
holds, and a failure that retrying cannot clear stops the schedule."""
from __future__ import annotations

import csv
import io
import itertools
from contextlib import contextmanager
from functools import partial

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from chalicelib import config
from chalicelib.contest import sheets
from chalicelib.contest.ranking import ScoredAttempt, final_ranking
from chalicelib.contest.rounds import Round
from chalicelib.contest.units import BestOfParticipant, Targets, Unit, UnitTree, tally_units, unit_standings
from chalicelib.events import finalizer, flow, lifecycle
from chalicelib.events.workspace import Workspace
from chalicelib.services import standings as standings_service
from chalicelib.store import attempts as attempt_store
from chalicelib.store import participants as participant_store
from chalicelib.store import results as result_store
from chalicelib.store import rounds as round_store
from chalicelib.store import units as unit_store
from tests.seed import person, submitted
from tests.support import T0, UNITS

_ids = itertools.count()
UNIT_IDS = [u["id"] for u in UNITS]


@pytest.fixture(scope="module")
def aws(moto_contest):
    return moto_contest


def _contest(people, target: str = "perfect_participants") -> Round:
    """A closed round with these people: (unit, category, [(correct, prediction, duration s, at s)])."""
    round_id = f"r{next(_ids)}"
    round_store.create_round(Round(round_id, "Đợt", T0, T0 + 10**7, status="closed", prediction_target=target))
    participants, attempts = [], []
    for p, (unit_id, category, figures) in enumerate(people):
        pid = f"{round_id}-p{p}"
        participants.append(person(pid, unit_id, category, full_name=f"Thí Sinh {p}", phone=f"09{p:08d}"))
        attempts += [submitted(n, pid, round_id, unit_id, category, correct=c, prediction=pr,
                               duration_ms=d * 1000, submitted_at=T0 + at * 1000)
                     for n, (c, pr, d, at) in enumerate(figures, 1)]
    participant_store.save_all(participants)
    attempt_store.save_all(attempts)
    return round_store.get_round(round_id, fresh=True)


class Files(dict):
    """A sink that keeps the result files in memory."""

    def __call__(self, name: str):
        @contextmanager
        def opened():
            out = io.BytesIO()
            yield out
            self[name] = out.getvalue()
        return opened()

    def csv_rows(self, name: str) -> list[list[str]]:
        return list(csv.reader(io.StringIO(self[f"{name}.csv"].decode("utf-8-sig"))))[1:]

    def sheets(self, name: str) -> list[list[list]]:
        book = load_workbook(io.BytesIO(self[f"{name}.xlsx"]), read_only=True)
        return [[list(row) for row in sheet.iter_rows(min_row=2, values_only=True)] for sheet in book.worksheets]


def _run(round_: Round, tasks: int, excluded=frozenset(), sheet_rows: int = sheets.SHEET_ROWS, mapper=map):
    """The steps as finalize() runs them, with participants left out, into files in memory."""
    files = Files()
    with Workspace.temporary() as space:
        planned = finalizer.plan(round_.id, "t", tasks, space.spec, excluded, sheet_rows)
        counts = list(mapper(finalizer.count_task, finalizer.jobs(planned)))
        truth = finalizer.truth_of(planned, counts, round_.prediction_target)
        list(mapper(partial(finalizer.reduce_task, truth=truth), finalizer.jobs(planned)))
        summary = finalizer.merge(planned, truth, UnitTree(unit_store.list_units(fresh=True)), files, Targets())
    return summary, files


def _single_process(round_: Round, excluded=frozenset()):
    """The single-process computation: every accepted attempt at once, the domain's plain ranking and tally."""
    accepted = [a for a in attempt_store.accepted_in_round(round_.id) if a.participant_id not in excluded]
    scored = [ScoredAttempt(*a[:9]) for a in accepted]
    ranking = final_ranking(lambda: iter(scored), round_.prediction_target)
    tree = UnitTree(unit_store.list_units(fresh=True))
    per_unit: dict[str, int] = {}
    for a in accepted:
        per_unit[a.unit_id] = per_unit.get(a.unit_id, 0) + 1
    bests = [BestOfParticipant(e.attempt.participant_id, e.attempt.unit_id, e.attempt.category, e.attempt.correct)
             for e in ranking.entries]
    return ranking, unit_standings(tree, tally_units(tree, bests, per_unit), Targets())


attempt_st = st.tuples(st.integers(0, 3), st.integers(0, 4), st.integers(1, 3), st.integers(0, 3))
person_st = st.tuples(st.sampled_from(UNIT_IDS), st.sampled_from(["official", "citizen"]),
                      st.lists(attempt_st, min_size=1, max_size=3))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(person_st, min_size=1, max_size=10), tasks=st.integers(1, 6), data=st.data(),
       target=st.sampled_from(["perfect_participants", "participants", "submissions"]))
def test_distributed_finalization_equals_the_single_process_one(aws, people, tasks, data, target):
    round_ = _contest(people, target)
    pids = [f"{round_.id}-p{p}" for p in range(len(people))]
    excluded = frozenset(data.draw(st.sets(st.sampled_from(pids), max_size=len(pids) // 2)))
    summary, files = _run(round_, tasks, excluded)
    ranking, units = _single_process(round_, excluded)
    assert summary.truth == ranking.truth
    ranked_ids = [e.attempt.attempt_id for e in ranking.entries]
    for rows in (files.csv_rows("ranking"), *files.sheets("ranking")):
        assert [str(row[12]) for row in rows] == ranked_ids
        assert [int(row[1]) for row in rows] == [e.category_rank for e in ranking.entries]
    assert summary.units == units
    every = sorted(a.attempt_id for a in attempt_store.accepted_in_round(round_.id))
    assert sorted(row[0] for row in files.csv_rows("attempts")) == every      # the excluded' attempts listed too
    assert [r[0] for r in files.csv_rows("attempts")] == [r[0] for s in files.sheets("attempts") for r in s]


def test_more_attempts_than_a_sheet_holds(aws):
    people = [(UNIT_IDS[p % len(UNIT_IDS)], "citizen", [(p % 4, 1, 2, k) for k in range(3)]) for p in range(14)]
    round_ = _contest(people)
    summary, files = _run(round_, 3, sheet_rows=11)          # 10 rows a sheet after the header
    attempts = files.sheets("attempts")
    assert len(attempts) >= 5 and all(1 <= len(rows) <= 10 for rows in attempts)
    assert sorted(r[0] for rows in attempts for r in rows) == sorted(r[0] for r in files.csv_rows("attempts"))
    assert summary.attempts == 42 == len(files.csv_rows("attempts"))
    ranking = files.sheets("ranking")
    assert [len(rows) for rows in ranking] == [10, 4]
    assert [r[0] for rows in ranking for r in rows] == list(range(1, 15))
    titles = load_workbook(io.BytesIO(files["attempts.xlsx"]), read_only=True).sheetnames
    assert titles[:2] == ["Lượt thi", "Lượt thi (2)"]


def test_the_sheet_limit_is_excels():
    assert sheets.SHEET_ROWS == 1_048_576
    assert finalizer.plan("r", "x", 4, {"folder": "/tmp/x"})["sheet_rows"] == sheets.SHEET_ROWS


def test_twenty_thousand_units_are_finalized_and_read_back(aws, monkeypatch):
    many = [Unit("tinh", "Tỉnh", None, "other", 10**6, 10**7)] + [
        Unit(f"xa-{n:05d}", f"Xã số {n} của một tên dài như thật", "tinh", "commune", 100, 5000)
        for n in range(19_999)]
    monkeypatch.setattr(unit_store, "list_units", lambda fresh=False: sorted(many, key=lambda u: u.id))
    round_ = _contest([("xa-00007", "official", [(3, 1, 1, 1)]), ("xa-19998", "citizen", [(2, 1, 1, 1)])])
    finalizer.finalize(round_)
    assert round_store.publish(round_.id, T0 + 10**8)       # public once published (publication: automatic)
    table = standings_service.unit_table(round_.id)
    assert table["final"] is True and len(table["entries"]) == 20_000
    assert table["entries"][0]["unit_id"] == "xa-00007" and table["entries"][0]["officials"] == 1
    pages = boto3.client("dynamodb").get_paginator("query").paginate(
        TableName=config.current().table_name("standings"), KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"final#{round_.id}"}})
    items = [item for page in pages for item in page["Items"]]
    chunks = [i for i in items if i["sk"]["S"].startswith("units#")]
    assert len(chunks) > 10 and max(len(i["data"]["S"].encode()) for i in chunks) < 400_000


def test_the_clouds_steps_over_the_bucket_equal_the_local_run(aws):
    people = [(UNIT_IDS[p % 3], ("official", "citizen")[p % 2], [(p % 4, p, 3, p), (3, 2, 1, 1)]) for p in range(9)]
    round_ = _contest(people)
    local_summary, local_files = _run(round_, 4)
    planned = flow.handle({"step": "plan", "round_id": round_.id, "run": "exec-1"})
    assert planned["workspace"]["prefix"].startswith(f"results/{round_.id}/parts/exec-1/")
    counts = [flow.handle({"step": "count", "job": job}) for job in planned["jobs"]]
    truth = flow.handle({"step": "truth", "round_id": round_.id, "plan": planned, "counts": counts})["truth"]
    for job in planned["jobs"]:
        flow.handle({"step": "reduce", "job": job, "truth": truth})
    merged = flow.handle({"step": "merge", "round_id": round_.id, "plan": planned, "truth": truth})
    assert merged["participants"] == local_summary.ranked == 9
    s3 = boto3.client("s3")
    bucket = config.current().results_bucket
    get = lambda name: s3.get_object(Bucket=bucket, Key=result_store.key(round_.id, name))["Body"].read()  # noqa: E731
    for name in ("ranking.csv", "units.csv"):
        assert get(name) == local_files[name], name
    # the attempts come task by task, and the cloud has other tasks: the same lines, in another order
    assert sorted(get("attempts.csv").splitlines()) == sorted(local_files["attempts.csv"].splitlines())
    assert round_store.get_round(round_.id, fresh=True).status == "finalized"
    left = s3.list_objects_v2(Bucket=bucket, Prefix=planned["workspace"]["prefix"]).get("KeyCount", 0)
    assert left == 0                                       # the partial results are gone


def test_a_step_that_misses_pass_ones_files_fails_instead_of_ranking_nobody(aws):
    """A deploy between an execution's steps (the workspace's files renamed): the step fails, it counts as a failure
    and the next execution starts over; it never writes an empty ranking."""
    round_ = _contest([(UNIT_IDS[0], "official", [(3, 1, 1, 1)])])
    planned = flow.handle({"step": "plan", "round_id": round_.id, "run": "exec-renamed"})
    for job in planned["jobs"]:
        flow.handle({"step": "count", "job": job})
    s3, bucket = boto3.client("s3"), config.current().results_bucket
    s3.delete_object(Bucket=bucket, Key=planned["workspace"]["prefix"] + "0000.first.json")
    with pytest.raises(ClientError, match="404"):
        flow.handle({"step": "reduce", "job": planned["jobs"][0], "truth": 1})
    assert not s3.list_objects_v2(Bucket=bucket, Prefix=planned["workspace"]["prefix"] + "0000.bests").get("KeyCount")


def test_a_failure_that_does_not_clear_stops_the_schedule(aws, monkeypatch, capsys):
    round_ = _contest([(UNIT_IDS[0], "official", [(1, 1, 1, 1)])])
    calls = []

    def broken(r, mapper=map):
        calls.append(r.id)
        if r.id == round_.id:
            raise OSError("no space left on device")
    monkeypatch.setattr(finalizer, "finalize", broken)
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    later = T0 + 10**8
    for n in range(1, lifecycle.MAX_FINALIZE_FAILURES + 1):
        with pytest.raises(lifecycle.FinalizationFailed):
            lifecycle.finalize_due(later)
        assert round_store.get_round(round_.id, fresh=True).finalize_failures == n
    assert '"FinalizationStopped"' in capsys.readouterr().out
    calls.clear()
    lifecycle.finalize_due(later)
    assert round_.id not in calls                                    # left alone (the others still go on)
    monkeypatch.setattr(finalizer, "finalize", lambda r, mapper=map: calls.append(r.id))   # the cause is fixed
    lifecycle.restart_finalization(round_.id)
    calls.clear()
    lifecycle.finalize_due(later)
    assert round_.id in calls
