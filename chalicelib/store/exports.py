"""Export jobs (the `exports` table; the `waiting` index lists those still to build) and their files in the
results bucket under `exports/<id>/`, handed out by short-lived presigned links. The bucket's lifecycle
deletes exports after 7 days: they hold phone numbers."""
from __future__ import annotations

from pathlib import Path

from botocore.exceptions import ClientError
from pynamodb.exceptions import UpdateError

from chalicelib import config
from chalicelib.contest.export_jobs import ExportJob
from chalicelib.store.admin_models import ExportModel
from chalicelib.store.items import condition_failed, get_or_none
from chalicelib.store.results import _ABSENT, CONTENT_TYPES, LINK_SECONDS, _client

PREFIX = "exports"
WAITING = "waiting"
FORMATS = ("csv", "xlsx")


def _number(value) -> int | None:
    return None if value is None else int(value)


def _to_job(item: ExportModel) -> ExportJob:
    return ExportJob(item.export_id, item.kind, item.unit_id, item.requested_by, int(item.requested_at),
                     item.status, _number(item.lease_until), int(item.tries or 0), _number(item.rows),
                     _number(item.finished_at))


def create(job: ExportJob) -> None:
    ExportModel(job.id, kind=job.kind, unit_id=job.unit_id, status=job.status, requested_by=job.requested_by,
                requested_at=job.requested_at, queue=WAITING).save(condition=ExportModel.export_id.does_not_exist())


def get(export_id: str) -> ExportJob | None:
    item = get_or_none(ExportModel, export_id)
    return None if item is None else _to_job(item)


def waiting() -> list[ExportJob]:
    """The jobs still to build (or being built), oldest first."""
    return [_to_job(item) for item in ExportModel.waiting.query(WAITING)]


def claim(job: ExportJob, now: int, lease_until: int) -> bool:
    """Takes the job for this run, unless another run took it first."""
    condition = (ExportModel.status == "pending") | (
        (ExportModel.status == "building") & (ExportModel.lease_until < now))
    try:
        ExportModel(job.id).update(actions=[ExportModel.status.set("building"),
                                            ExportModel.lease_until.set(lease_until), ExportModel.tries.add(1)],
                                   condition=condition & (ExportModel.tries == job.tries))
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True


def finish(export_id: str, rows: int, now: int) -> None:
    ExportModel(export_id).update(actions=[ExportModel.status.set("ready"), ExportModel.rows.set(rows),
                                           ExportModel.finished_at.set(now), ExportModel.queue.remove(),
                                           ExportModel.lease_until.remove()])


def give_back(export_id: str, failed: bool, now: int) -> None:
    """After a failed build: waiting again, or failed for good (out of the queue)."""
    if failed:
        actions = [ExportModel.status.set("failed"), ExportModel.finished_at.set(now), ExportModel.queue.remove()]
    else:
        actions = [ExportModel.status.set("pending")]
    ExportModel(export_id).update(actions=[*actions, ExportModel.lease_until.remove()])


def key(export_id: str, extension: str) -> str:
    return f"{PREFIX}/{export_id}/registrations.{extension}"


def upload(export_id: str, path: Path) -> None:
    extension = path.suffix
    _client().upload_file(str(path), config.current().results_bucket, key(export_id, extension[1:]),
                          ExtraArgs={"ContentType": CONTENT_TYPES[extension]})


def stored(export_id: str) -> bool:
    """Whether both files are in the bucket (they expire after 7 days)."""
    for extension in FORMATS:
        try:
            _client().head_object(Bucket=config.current().results_bucket, Key=key(export_id, extension))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _ABSENT:
                return False
            raise
    return True


def link(export_id: str, extension: str, download_name: str) -> str:
    return _client().generate_presigned_url(
        "get_object", ExpiresIn=LINK_SECONDS,
        Params={"Bucket": config.current().results_bucket, "Key": key(export_id, extension),
                "ResponseContentDisposition": f'attachment; filename="{download_name}"'})
