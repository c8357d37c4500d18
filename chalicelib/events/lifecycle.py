"""The round schedule: open, close and finalize. Every step is a conditional status change, so two runs at
once, or one run twice, do each thing once. The write path never relies on these: it checks server time.

A finalization that fails is counted on its round; after MAX_FINALIZE_FAILURES in a row the schedule leaves the
round alone and the `finalization-stopped` alarm fires (README, Operations: fix the cause, then
`restart_finalization`), so a failure that retrying cannot clear never reruns forever."""
from __future__ import annotations

import os

from chalicelib import runtime
from chalicelib.contest.records import replace
from chalicelib.events import finalizer
from chalicelib.observability import logger, metric, metrics_count, tracer
from chalicelib.services import publication
from chalicelib.services import results as result_files
from chalicelib.store import rounds as round_store
from chalicelib.store import workflows

# Finalization waits a little past the last accepted submission, so the index of accepted attempts has caught up
# (FINALIZE_SETTLE_SECONDS: shorter for the local chaos run, on DynamoDB Local, whose indexes never lag).
SETTLE_MS = int(float(os.environ.get("FINALIZE_SETTLE_SECONDS", "30")) * 1000)
MAX_FINALIZE_FAILURES = 3
_local = {"mapper": map}


def use_mapper(mapper) -> None:
    """How local finalizations run their tasks: the builtin map (one process) or a process pool's map."""
    _local["mapper"] = mapper


@tracer.capture_method
def tick(now: int | None = None) -> dict:
    """Opens rounds whose opening time has passed and closes those past `closes_at + grace`."""
    now = runtime.now_ms() if now is None else now
    opened, closed = [], []
    for round_ in round_store.list_rounds(fresh=True):
        last_accept = round_.closes_at + round_.grace_seconds * 1000
        if round_.status in ("scheduled", "open") and now > last_accept:
            if round_store.set_status(round_.id, "closed", ("scheduled", "open")):
                closed.append(round_.id)
                metrics_count("RoundsClosed")
        elif (round_.status == "scheduled" and round_.opens_at <= now < round_.closes_at
              and round_store.set_status(round_.id, "open", ("scheduled",))):
            opened.append(round_.id)
            metrics_count("RoundsOpened")
    if opened or closed:
        logger.info("rounds moved", extra={"opened": opened, "closed": closed})
    return {"opened": opened, "closed": closed}


class FinalizationFailed(Exception):
    """Some due rounds could not be finalized (each failure is counted on its round)."""


@tracer.capture_method
def finalize_due(now: int | None = None) -> dict:
    """Finalizes closed rounds once no submission can still arrive, and finalized rounds again whose result files
    are missing: here (locally), or by starting the state machine (in the cloud); then publishes what
    `publication: automatic` publishes at once. Rounds that failed MAX_FINALIZE_FAILURES times in a row are left
    alone."""
    now = runtime.now_ms() if now is None else now
    done, started, failed = [], [], []
    for round_ in round_store.list_rounds(fresh=True):
        if round_.status == "finalized" and not result_files.readable(round_.id):
            round_ = replace(round_, status="closed")
        due = round_.status == "closed" and now >= round_.closes_at + round_.grace_seconds * 1000 + SETTLE_MS
        if not due or round_.finalize_failures >= MAX_FINALIZE_FAILURES:
            continue
        if workflows.state_machine():
            outcome = workflows.start(round_.id, round_.finalize_failures, round_.finalize_restarts)
            if outcome == "ended":
                record_failure(round_.id, "the finalization ended without finalizing the round")
            elif outcome == "started":
                started.append(round_.id)
            continue
        try:
            finalizer.finalize(round_, mapper=_local["mapper"])
            done.append(round_.id)
        except Exception as error:  # noqa: BLE001 - any failure is counted, the other rounds still go on
            logger.exception("finalization failed", extra={"round_id": round_.id})
            record_failure(round_.id, repr(error))
            failed.append(round_.id)
    publication.publish_due(round_store.list_rounds(fresh=True))    # logs what it published
    if failed:
        raise FinalizationFailed(failed)
    return {"finalized": done, "started": started} if started else {"finalized": done}


def record_failure(round_id: str, error: str) -> int:
    """Counts a failed finalization; at the limit the round is left alone and the alarm fires."""
    failures = round_store.record_finalize_failure(round_id)
    metric("FinalizationFailures")
    if failures >= MAX_FINALIZE_FAILURES:
        metric("FinalizationStopped")
        logger.error("finalization stopped after repeated failures",
                     extra={"round_id": round_id, "failures": failures, "error": error[:500]})
    return failures


def restart_finalization(round_id: str) -> None:
    """After the cause is fixed: the schedule finalizes the round again at its next run."""
    round_store.clear_finalize_failures(round_id)
