"""Exports organizers and coordinators ask for: the registrations of a unit (its descendants included), as CSV
with BOM and XLSX, built asynchronously (chalicelib/events/registrations.py) and fetched by short-lived links."""
from __future__ import annotations

import uuid

from chalicelib import auth, errors, runtime
from chalicelib.contest.export_jobs import KINDS, ExportJob
from chalicelib.contest.ids import plausible
from chalicelib.contest.roles import SCOPED
from chalicelib.contest.times import iso
from chalicelib.fields import one_of, optional, validate
from chalicelib.services import access
from chalicelib.services.participants import REGISTRATION
from chalicelib.store import exports as export_store
from chalicelib.store.results import LINK_SECONDS

REQUEST = {"kind": (one_of(*KINDS, message="Loại dữ liệu xuất không hợp lệ."), True),
           "unit_id": (optional(REGISTRATION["unit_id"][0]), False)}


def _scope(principal: auth.Principal, unit_id: str | None) -> None:
    """A coordinator's export is of their subtree (the whole contest is not theirs to export)."""
    if principal.role in SCOPED:
        access.check_unit(principal, unit_id or "")


def request(principal: auth.Principal, body: dict) -> dict:
    clean = validate(body, REQUEST)
    unit_id = clean.get("unit_id") or (principal.unit_id if principal.role in SCOPED else None)
    _scope(principal, unit_id)
    job = ExportJob(uuid.uuid4().hex, clean["kind"], unit_id, principal.subject, runtime.now_ms())
    export_store.create(job)
    return {"export": {"id": job.id, "status": job.shown_status}}


def _files(job: ExportJob) -> list[dict]:
    expires_at = iso(runtime.now_ms() + LINK_SECONDS * 1000)
    return [{"name": job.kind, "format": extension, "url": export_store.link(job.id, extension,
                                                                            job.filename(extension)),
             "expires_at": expires_at} for extension in export_store.FORMATS]


def status(principal: auth.Principal, export_id: str) -> dict:
    job = export_store.get(export_id) if plausible(export_id) else None
    if job is None:
        raise errors.not_found("export_not_found", "Không tìm thấy yêu cầu xuất dữ liệu.")
    _scope(principal, job.unit_id)
    shown = job.shown_status
    if shown == "ready" and not export_store.stored(job.id):
        shown = "expired"           # the bucket keeps exports 7 days
    return {"id": job.id, "kind": job.kind, "unit_id": job.unit_id, "status": shown, "rows": job.rows,
            "requested_at": iso(job.requested_at), "files": _files(job) if shown == "ready" else []}
