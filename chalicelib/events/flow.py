"""The cloud's finalization: each state of the Step Functions state machine (infra/template/finalization.py)
invokes `finalize_step` with one of these steps; the reduce steps run in a Distributed Map over the tasks,
each its own Lambda invocation, their partial results in the results bucket (`results/<round>/parts/<run>/`).
The functions are those `finalizer.finalize()` runs locally."""
from __future__ import annotations

import os
from typing import Any

from chalicelib import errors
from chalicelib.contest.rounds import Round
from chalicelib.events import finalizer, lifecycle
from chalicelib.events.workspace import Workspace
from chalicelib.services import contest as contest_service
from chalicelib.store import rounds as round_store

# Reduce tasks of a finalization in the cloud; each reads every TASKS-th partition of the accepted-attempts index.
CLOUD_TASKS = int(os.environ.get("FINALIZE_TASKS", "64"))


def _round(round_id: str) -> Round:
    round_ = round_store.get_round(round_id, fresh=True)
    if round_ is None:
        raise errors.NotFound("round_not_found", round_id)
    return round_


def handle(event: dict) -> Any:
    step = event.get("step")
    if step == "plan":
        round_ = _round(event["round_id"])
        planned = finalizer.plan(round_.id, event["run"], CLOUD_TASKS,
                                 Workspace.bucket(round_.id, event["run"]).spec, finalizer.excluded_of(round_),
                                 timezone=contest_service.settings(fresh=True).timezone)
        return {**planned, "jobs": finalizer.jobs(planned)}
    if step == "count":
        return finalizer.count_task(event["job"])
    if step == "truth":
        return {"truth": finalizer.truth_of(event["plan"], event["counts"],
                                            _round(event["round_id"]).prediction_target)}
    if step == "reduce":
        return finalizer.reduce_task(event["job"], int(event["truth"]))
    if step == "merge":
        planned = {k: v for k, v in event["plan"].items() if k != "jobs"}
        summary = finalizer.merge_and_publish(_round(event["round_id"]), planned, int(event["truth"]))
        return {"round_id": event["round_id"], "participants": summary.ranked, "attempts": summary.attempts}
    if step == "failed":
        failures = lifecycle.record_failure(event["round_id"], str(event.get("error")))
        return {"round_id": event["round_id"], "failures": failures}
    raise ValueError(f"unknown finalization step: {step!r}")
