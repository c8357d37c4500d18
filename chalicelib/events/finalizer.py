"""Finalization: the ranking recomputed from the accepted attempts themselves (never the derived items), as a map
over shards and a streaming merge (chalicelib.contest.finals), written as CSV and XLSX to the results bucket.

The steps, each a plain function of small JSON-able values, so that each can be one Lambda invocation:
  plan   → the reduce tasks (each reads every `tasks`-th partition of the accepted-attempts index)
  count  → pass 1 over a task's attempts: what the prediction truth is made of; its participants' ids
  truth  → the counts added up
  reduce → pass 2 over a task's attempts: its participants' final bests (sorted) and unit counts, and its rows
           of the attempts file (CSV lines and deflated XLSX fragments), written to the workspace
  merge  → the tasks' bests merged in order (heapq.merge) into the ranking, the unit table, the attempts file
           joined from the parts; snapshots saved; the round marked finalized
In the cloud a Step Functions state machine runs them (a Distributed Map over the tasks, chalicelib.events.
flow); locally `finalize()` runs the same functions with `mapper`: the builtin map, or a process pool
(local/finals_pool.py). Memory grows with a task's participants; no step reads all attempts at once."""
from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from functools import partial
from operator import itemgetter
from typing import Any

from chalicelib.contest import sheets
from chalicelib.contest.finals import (
    Accepted,
    TruthCounts,
    add_tallies,
    final_bests,
    final_order,
    first_pass,
    merge_ranked,
    task_keys,
    total_truth,
)
from chalicelib.contest.layout import Layout, Widths
from chalicelib.contest.places import Places
from chalicelib.contest.prizes import total_awards
from chalicelib.contest.ranking import RankedEntry, ScoredAttempt
from chalicelib.contest.records import Struct, asdict, astuple, field
from chalicelib.contest.rounds import Round
from chalicelib.contest.settings import DEFAULT_TIMEZONE
from chalicelib.contest.signals import SHARED_DEVICE
from chalicelib.contest.units import Targets, UnitStanding, UnitTally, UnitTree, roll_up, unit_standings
from chalicelib.events import exports, parts, prize_results
from chalicelib.events.bulk import without_cyclic_gc
from chalicelib.events.workspace import Workspace
from chalicelib.observability import logger, metric, tracer
from chalicelib.services import contest as contest_service
from chalicelib.store import attempts as attempt_store
from chalicelib.store import participants as participant_store
from chalicelib.store import results as result_store
from chalicelib.store import rounds as round_store
from chalicelib.store import standings as standing_store
from chalicelib.store import units as unit_store

TOP_SNAPSHOT = 100
LOCAL_TASKS = 8
Sink = Callable[[str], AbstractContextManager[Any]]   # a file name → a binary file to write it to
_TALLY = ("participants", "officials", "citizens", "submissions", "sum_best_correct")
PEOPLE_BATCH = 1000         # attempts whose new participants are looked up at once


class StoreSource:
    """Where the steps read attempts, people and unit names: the store (a benchmark hands in its own)."""

    def attempts(self, round_id: str, partitions: Iterable[int]) -> Iterator[Accepted]:
        return attempt_store.accepted_in_partitions(round_id, partitions)

    def people(self, ids: list[str]) -> dict[str, exports.Person]:
        shared = {pid for pid, signals in participant_store.signals_of(ids).items() if SHARED_DEVICE in signals}
        return {pid: exports.Person(p.full_name, p.phone, pid in shared)
                for pid, p in participant_store.get_many(ids).items()}

    def unit_names(self) -> dict[str, str]:
        return {unit.id: unit.name for unit in unit_store.list_units()}


STORE = StoreSource()


def excluded_of(round_: Round) -> frozenset[str]:
    """Participants left out of the truth, the ranking, the unit counts and the prizes: the disqualified (their
    attempts stay in the attempts file)."""
    return participant_store.disqualified_ids()


def plan(round_id: str, run: str, tasks: int, workspace: dict, excluded: Iterable[str] = (),
         sheet_rows: int = sheets.SHEET_ROWS, timezone: str = DEFAULT_TIMEZONE) -> dict:
    """`timezone`: the contest's, the result files' times are written in it."""
    tasks = max(1, min(tasks, attempt_store.ROUND_SHARDS))
    return {"round_id": round_id, "run": run, "tasks": tasks, "partitions": attempt_store.ROUND_SHARDS,
            "workspace": workspace, "excluded": sorted(excluded), "sheet_rows": sheet_rows, "timezone": timezone}


def _zone(planned: dict) -> str:
    """The plan's time zone (a plan made before plans named one: the default)."""
    return planned.get("timezone", DEFAULT_TIMEZONE)


def jobs(planned: dict) -> list[dict]:
    return [{**planned, "task": task} for task in range(planned["tasks"])]


def _with_people(attempts: Iterable[Accepted], people: dict[str, exports.Person],
                 source: StoreSource) -> Iterator[Accepted]:
    """The attempts, their participants looked up into `people` a batch at a time (each participant once), with
    `shared_device` among the flags of those whose participant shared a device or address."""
    shared: set[str] = set()
    for batch in exports.batches(attempts, PEOPLE_BATCH):
        new = sorted({a.participant_id for a in batch}.difference(people))
        if new:
            found = source.people(new)
            people.update(found)
            shared.update(pid for pid, person in found.items() if person.shared_device)
        if not shared:
            yield from batch                # most tasks of a large round
            continue
        for a in batch:
            yield (a._replace(flags=tuple(sorted({*a.flags, SHARED_DEVICE}))) if a.participant_id in shared
                   else a)


def _read(job: dict, source: StoreSource) -> Iterator[Accepted]:
    return source.attempts(job["round_id"], task_keys(job["partitions"], job["tasks"], job["task"]))


@without_cyclic_gc
def count_task(job: dict, source: StoreSource = STORE) -> dict:
    """Pass 1, the only one over the task's attempts: the counts the truth is made of (returned); the attempts
    file's rows, each unit's submissions and each participant's candidates with their details (the workspace)."""
    space, task = Workspace(job["workspace"]), f"{job['task']:04d}"
    people: dict[str, exports.Person] = {}      # filled as the attempts are read; the rows look them up then
    unit_names = source.unit_names()
    rows = exports.AttemptRows(people, unit_names, _zone(job))
    with space.writer(f"{task}.attempts.csv") as csv_out, space.writer(f"{task}.attempts.xlsx") as xlsx_out:
        part = parts.AttemptsPart(rows, csv_out, xlsx_out, job["sheet_rows"] - 1)
        first = first_pass(part.passing(_with_people(_read(job, source), people, source)),
                           frozenset(job["excluded"]))
        laid = part.close()
    with space.writer(f"{task}.candidates") as out:
        parts.write_tuples(out, (a for kept in first.candidates.values() for a in kept))
    with space.writer(f"{task}.people") as out:
        parts.write_tuples(out, ((pid, *astuple(person)) for pid in first.candidates
                                 if (person := people.get(pid)) is not None))
    space.write_json(f"{task}.first.json", {
        "fragments": [list(f) for f in laid], "widths": rows.widths.sizes, "submissions": first.submissions,
        "attempts": first.attempts,
        # every candidate's unit has submissions, so these names are all pass 2's rows need
        "unit_names": {uid: unit_names[uid] for uid in first.submissions if uid in unit_names}})
    return asdict(first.counts)


def truth_of(planned: dict, counts: list[dict], target: str) -> int:
    return total_truth((TruthCounts(**c) for c in counts), target)


@without_cyclic_gc
def reduce_task(job: dict, truth: int) -> dict:
    """Pass 2, over the task's candidates only (with their participants and units, as pass 1 left them): its bests
    in the final order with their ranking rows, and its unit counts (the workspace)."""
    space, task = Workspace(job["workspace"]), f"{job['task']:04d}"
    first = space.read_json(f"{task}.first.json")
    people = {pid: exports.Person(*person) for batch in parts.read_tuples(space.chunks(f"{task}.people"))
              for pid, *person in batch}
    candidates = (Accepted(*row) for batch in parts.read_tuples(space.chunks(f"{task}.candidates")) for row in batch)
    result = final_bests(candidates, truth, first["submissions"])
    ranking, key = exports.RankingRows(people, first["unit_names"], truth, _zone(job)), final_order(truth)
    with space.writer(f"{task}.bests") as out:
        parts.write_tuples(out, (parts.best_of(a, key(a), getattr(people.get(a.participant_id), "full_name", None),
                                               ranking.rest(a)) for a in result.bests))
    space.write_json(f"{task}.meta.json", {
        "fragments": first["fragments"], "widths": {"attempts": first["widths"], "ranking": ranking.widths.sizes},
        "units": {uid: [getattr(t, name) for name in _TALLY] for uid, t in result.units.items()}})
    return {"task": job["task"], "attempts": first["attempts"], "bests": len(result.bests)}


class Summary(Struct):
    """What the merge hands back: the truth, how many were ranked, the snapshots' rows and the unit table."""

    truth: int
    ranked: int = 0
    attempts: int = 0
    top: dict[str, list[dict]] = field(default_factory=dict)
    units: list[UnitStanding] = field(default_factory=list)
    leaders: list[RankedEntry] = field(default_factory=list)     # the head of the ranking the prizes can reach
    places: Places = field(default_factory=Places)                # every ranked participant's place


def _snapshot_row(rank: int, category_rank: int, a: ScoredAttempt, display_name: str, truth: int) -> dict:
    attempt = {name: getattr(a, name) for name in ("attempt_id", "participant_id", "unit_id", "category", "correct",
                                                    "total", "duration_ms", "submitted_at", "prediction")}
    return {"rank": rank, "category_rank": category_rank, "attempt": attempt, "display_name": display_name,
            "distance": abs(a.prediction - truth)}


@without_cyclic_gc
def merge(planned: dict, truth: int, tree: UnitTree, sink: Sink, targets: Targets, prize_depth: int = 0) -> Summary:
    """`prize_depth`: how far down the ranking, overall and in each category, a prize can reach (the number of
    prizes: a person wins at most one, so the k-th award of a category goes within its first k places)."""
    space, tasks = Workspace(planned["workspace"]), range(planned["tasks"])
    summary = Summary(truth, top={"all": [], "official": [], "citizen": []})
    ranked = merge_ranked([parts.read_tuples(space.chunks(f"{t:04d}.bests")) for t in tasks], itemgetter(2))
    head = max(TOP_SNAPSHOT, prize_depth)     # the places at which a row goes to a snapshot or the prizes

    def head_row(rank: int, category_rank: int, a: ScoredAttempt, display_name: str) -> None:
        for part in ("all", a.category):
            if part in summary.top and len(summary.top[part]) < TOP_SNAPSHOT:
                summary.top[part].append(_snapshot_row(rank, category_rank, a, display_name, truth))
        if rank <= prize_depth or category_rank <= prize_depth:
            summary.leaders.append(RankedEntry(rank, category_rank, a))

    def ranking_rows() -> Iterator[list[tuple[int, int, tuple]]]:
        add_place = summary.places.add
        for batch in ranked:
            for rank, category_rank, (_, pid, _, place, _, _) in batch:      # parts.Best
                add_place(rank, category_rank, pid, place)
                if rank <= head or category_rank <= head:
                    head_row(rank, category_rank, Places.attempt(pid, place), place[-1])
            summary.ranked += len(batch)
            yield batch
    metas = [space.read_json(f"{t:04d}.meta.json") for t in tasks]
    # The attempts file is joined from its parts (reads and writes, which let go of the GIL) while the ranking is
    # merged: on another core where there is one.
    with ThreadPoolExecutor(1) as background:
        joined = background.submit(_join_attempts, space, metas, sink, planned)
        with sink("ranking.csv") as csv_out, sink("ranking.xlsx") as xlsx_out, tempfile.TemporaryFile() as spool:
            exports.write_ranked(csv_out, xlsx_out, spool, _widths(exports.RANKING, metas, "ranking"), ranking_rows(),
                                 planned["sheet_rows"])
        own: dict[str, UnitTally] = {}
        for meta in metas:
            add_tallies(own, {uid: UnitTally(*values) for uid, values in meta["units"].items()})
        summary.units = unit_standings(tree, roll_up(tree, own), targets)
        exports.write_both(sink, "units", Layout(exports.UNITS, _zone(planned)),
                           exports.unit_rows(summary.units, tree), planned["sheet_rows"])
        summary.attempts = joined.result()
    return summary


def _join_attempts(space: Workspace, metas: list[dict], sink: Sink, planned: dict) -> int:
    """The attempts file from the tasks' parts as they are (CSV lines, deflated XLSX fragments); its rows."""
    tasks = range(planned["tasks"])
    with sink("attempts.csv") as out:
        exports.join_csv(out, exports.ATTEMPTS, (space.chunks(f"{t:04d}.attempts.csv") for t in tasks))
    pieces = [(space.reader(f"{t:04d}.attempts.xlsx"), sheets.Fragment(*f))
              for t, meta in zip(tasks, metas, strict=True) for f in meta["fragments"]]
    with sink("attempts.xlsx") as out:
        exports.join_xlsx(out, "attempts", exports.ATTEMPTS, pieces, _widths(exports.ATTEMPTS, metas, "attempts"),
                          planned["sheet_rows"])
    return sum(f.rows for _, f in pieces)


def _widths(columns: list, metas: list[dict], name: str) -> Widths:
    """A file's column widths from the samples the tasks measured."""
    widths = Widths(columns)
    for meta in metas:
        widths.add(meta["widths"][name])
    return widths


def _prizes(round_: Round, summary: Summary, tree: UnitTree, sink: Sink, planned: dict) -> None:
    """The round's prizes awarded down the ranking's head and the unit table: the `prizes` file and its snapshot."""
    awards = prize_results.award(round_, summary.leaders, summary.units, tree)
    names = prize_results.Names.of(participant_store.get_many(prize_results.winners(awards)),
                                   {unit.id: unit.name for unit in tree.units()})
    exports.write_both(sink, "prizes", Layout(prize_results.PRIZES, _zone(planned)),
                       prize_results.prize_rows(awards, names), planned["sheet_rows"])
    standing_store.save_final(round_.id, "prizes", [prize_results.snapshot(awards, names)])   # one row
    summary.places.award((a.entry.attempt.participant_id, a.prize) for a in awards.individual)
    for name, document in summary.places.files().items():
        with sink(name) as out:
            out.write(document)
    standing_store.save_final(round_.id, "places", [{"files": summary.places.file_count}])


class _Written:
    """The sink of a round's result files: each file streamed to S3, with the bytes written kept for the check."""

    def __init__(self, round_id: str) -> None:
        self.round_id = round_id
        self.uploads: dict[str, result_store.Upload] = {}

    def __call__(self, filename: str) -> result_store.Upload:
        upload = self.uploads[filename] = result_store.writer(self.round_id, filename)
        return upload

    def check(self) -> None:
        """`finalized` promises files that can be read: each one in the bucket, as long as what was written."""
        result_store.check_stored(self.round_id, {name: u.size for name, u in self.uploads.items()})


def merge_and_publish(round_: Round, planned: dict, truth: int, started: float | None = None) -> Summary:
    """The merge into the round's result files, the prizes, the snapshots the public pages read, then, once every
    file can be read back, the round finalized."""
    tree = UnitTree(unit_store.list_units(fresh=True))
    sink = _Written(round_.id)
    summary = merge(planned, truth, tree, sink, contest_service.settings(fresh=True).targets,
                    total_awards(round_.prizes))
    _prizes(round_, summary, tree, sink, planned)
    for part, rows in summary.top.items():
        standing_store.save_final(round_.id, part, rows)
    standing_store.save_final(round_.id, "units", [asdict(s) for s in summary.units])
    sink.check()
    round_store.set_status(round_.id, "finalized", ("closed",), {"prediction_truth": truth})
    Workspace(planned["workspace"]).clear()
    if started is not None:
        metric("FinalizationDuration", (time.monotonic() - started) * 1000)
    logger.info("round finalized", extra={"round_id": round_.id, "participants": summary.ranked,
                                          "attempts": summary.attempts})
    return summary


Mapper = Callable[..., Iterable[Any]]


@tracer.capture_method
def finalize(round_: Round, mapper: Mapper = map, tasks: int = LOCAL_TASKS,
             sheet_rows: int = sheets.SHEET_ROWS) -> Summary:
    """The whole finalization here and now: the tasks through `mapper` (map, or a process pool's map)."""
    started = time.monotonic()
    with Workspace.temporary() as space:
        planned = plan(round_.id, uuid.uuid4().hex[:12], tasks, space.spec, excluded_of(round_), sheet_rows,
                       contest_service.settings(fresh=True).timezone)
        counts = list(mapper(count_task, jobs(planned)))
        truth = truth_of(planned, counts, round_.prediction_target)
        list(mapper(partial(reduce_task, truth=truth), jobs(planned)))
        return merge_and_publish(round_, planned, truth, started)
