"""The round schedule: open, close and finalize. Every step is a conditional status change, so two runs at
once, or one run twice, do each thing once. The write path never relies on these: it checks server time."""
from __future__ import annotations

import os
from dataclasses import replace

from chalicelib import runtime
from chalicelib.events import finalizer
from chalicelib.observability import logger, metrics_count, tracer
from chalicelib.services import publication
from chalicelib.services import results as result_files
from chalicelib.store import participants as participant_store
from chalicelib.store import rounds as round_store

# Finalization waits a little past the last accepted submission, so the index of accepted attempts has caught up
# (FINALIZE_SETTLE_SECONDS: shorter for the local chaos run, on DynamoDB Local, whose indexes never lag).
SETTLE_MS = int(float(os.environ.get("FINALIZE_SETTLE_SECONDS", "30")) * 1000)


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


@tracer.capture_method
def finalize_due(now: int | None = None) -> dict:
    """Finalizes closed rounds once no submission can still arrive (leaving out the disqualified participants),
    and finalized rounds again whose result files are missing; then publishes what `publication: automatic`
    publishes at once."""
    now = runtime.now_ms() if now is None else now
    done = []
    excluded: frozenset[str] | None = None
    for round_ in round_store.list_rounds(fresh=True):
        if round_.status == "finalized" and not result_files.readable(round_.id):
            round_ = replace(round_, status="closed")
        if round_.status == "closed" and now >= round_.closes_at + round_.grace_seconds * 1000 + SETTLE_MS:
            excluded = participant_store.disqualified_ids() if excluded is None else excluded
            finalizer.finalize(round_, excluded)
            done.append(round_.id)
    publication.publish_due(round_store.list_rounds(fresh=True))    # logs what it published
    return {"finalized": done}
