"""The registrations export, built by the `build_exports` schedule (every minute): each job waiting is claimed
with a lease, its unit's participants (descendants included) are read from the `by_unit` index page by page and
written as CSV (UTF-8 with BOM) and XLSX together, one pass, streamed to disk: memory stays flat whatever the
number of rows. Then both files go to the bucket and the job is ready. A failed build is tried again by the next
run (three times at most); a run that died is taken over once its lease has passed.

Why the schedule and not an asynchronous invocation: the same code runs locally (the local scheduler calls it),
a job survives a crashed or timed-out run (the lease), and no function needs the right to invoke another; the
cost is up to a minute before the build starts, small beside building a large unit's file."""
from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from chalicelib import runtime
from chalicelib.contest.export_jobs import LEASE_MS, MAX_TRIES, ExportJob
from chalicelib.contest.layout import Column, Layout, write_both
from chalicelib.contest.participants import Participant
from chalicelib.contest.units import UnitTree
from chalicelib.events.exports import CATEGORY_NAMES
from chalicelib.observability import logger, tracer
from chalicelib.services import contest as contest_service
from chalicelib.store import exports as export_store
from chalicelib.store import roster
from chalicelib.store import units as unit_store

COLUMNS = [Column(label) for label in ("Mã thí sinh", "Họ và tên", "Số điện thoại", "Mã đơn vị", "Đơn vị",
                                       "Đối tượng", "Năm sinh", "Email")] + [
    Column("Thời điểm đăng ký", "time"), Column("Đã xác thực số điện thoại"), Column("Trạng thái"),
    Column("Lý do loại")]
SHEET_TITLE = "Đăng ký"
STATUS_NAMES = {"active": "Đang dự thi", "disqualified": "Bị loại"}
START_WITHIN_SECONDS = 300      # a run starts no new build after this: a Lambda has 15 minutes in all


def rows(people: Iterator[Participant], unit_names: dict[str, str]) -> Iterator[list]:
    """The rows as plain values (the registration time in ms: `Layout` writes it in the contest's zone)."""
    for p in people:
        yield [p.id, p.full_name, p.phone, p.unit_id, unit_names.get(p.unit_id, p.unit_id),
               CATEGORY_NAMES.get(p.category, p.category), p.birth_year, p.email, p.registered_at,
               "Có" if p.verified else "Không", STATUS_NAMES.get(p.status, p.status), p.disqualified_reason]


def _people(units: list[str]) -> Iterator[Participant]:
    for unit_id in units:
        yield from roster.everyone_in_unit(unit_id)


@tracer.capture_method
def build(job: ExportJob) -> int:
    """Writes the job's two files to the bucket; returns the number of rows."""
    tree = UnitTree(unit_store.list_units(fresh=True))
    units = tree.subtree(job.unit_id) if job.unit_id is None or job.unit_id in tree else []
    layout = Layout(COLUMNS, contest_service.settings(fresh=True).timezone)
    names = {unit.id: unit.name for unit in tree.units()}
    with tempfile.TemporaryDirectory() as tmp:
        csv_path, xlsx_path = Path(tmp) / "registrations.csv", Path(tmp) / "registrations.xlsx"
        with open(csv_path, "wb") as csv_out, open(xlsx_path, "wb") as xlsx_out, tempfile.TemporaryFile() as spool:
            count = write_both(csv_out, xlsx_out, spool, SHEET_TITLE, layout, rows(_people(units), names))
        for path in (csv_path, xlsx_path):
            export_store.upload(job.id, path)
    return count


def build_due() -> dict:
    """Builds the jobs waiting, oldest first, while the run is young enough to finish one more."""
    started = time.monotonic()
    built, failed = [], []
    for job in export_store.waiting():
        if time.monotonic() - started > START_WITHIN_SECONDS:
            break
        now = runtime.now_ms()
        if not job.claimable(now) or not export_store.claim(job, now, now + LEASE_MS):
            continue
        try:
            count = build(job)
        except Exception:  # noqa: BLE001 - the job is given back (or failed for good); the next job still runs
            logger.exception("export failed", extra={"export_id": job.id, "try": job.tries + 1})
            export_store.give_back(job.id, failed=job.tries + 1 >= MAX_TRIES, now=runtime.now_ms())
            failed.append(job.id)
            continue
        export_store.finish(job.id, count, runtime.now_ms())
        logger.info("export built", extra={"export_id": job.id, "rows": count, "unit_id": job.unit_id})
        built.append(job.id)
    return {"built": built, "failed": failed}
