"""Result files in the private results bucket, handed out through short-lived presigned links."""
from __future__ import annotations

from pathlib import Path

from botocore.exceptions import ClientError

from chalicelib import config
from chalicelib.store.cache import remembered

PREFIX = "results"
LINK_SECONDS = 600          # links expire well within the 15 minutes the contract allows
NAMES = ("ranking", "units", "attempts")     # the result files of the contract, each as CSV and XLSX
CONTENT_TYPES = {".csv": "text/csv; charset=utf-8",
                 ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@remembered(maxsize=1)
def _client():
    import boto3  # only the functions that hand out or store files need it
    from botocore.config import Config

    settings = config.current()
    return boto3.client("s3", region_name=settings.region, endpoint_url=settings.s3_endpoint,
                        config=Config(signature_version="s3v4"))


def files() -> list[tuple[str, str]]:
    """(name, format) of every result file, in the order they are listed."""
    return [(name, suffix[1:]) for name in NAMES for suffix in CONTENT_TYPES]


def key(round_id: str, filename: str) -> str:
    return f"{PREFIX}/{round_id}/{filename}"


def upload(round_id: str, path: Path) -> None:
    _client().upload_file(str(path), config.current().results_bucket, key(round_id, path.name),
                          ExtraArgs={"ContentType": CONTENT_TYPES[path.suffix]})


def link(round_id: str, filename: str) -> str:
    return _client().generate_presigned_url(
        "get_object", ExpiresIn=LINK_SECONDS,
        Params={"Bucket": config.current().results_bucket, "Key": key(round_id, filename),
                "ResponseContentDisposition": f'attachment; filename="{round_id}-{filename}"'})


class NotStored(Exception):
    """Result files that cannot be read back as they were written."""


# A missing object answers HeadObject with 404, or with 403 when the caller may not list the bucket (the
# functions may not: the policy grants objects under results/ only). Both mean "not there to hand out".
_ABSENT = {"404", "NoSuchKey", "NotFound", "403", "AccessDenied", "Forbidden"}


def _stored_size(round_id: str, filename: str) -> int | None:
    try:
        head = _client().head_object(Bucket=config.current().results_bucket, Key=key(round_id, filename))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _ABSENT:
            return None
        raise
    return head["ContentLength"]


def missing(round_id: str) -> list[str]:
    """The round's result files that are not in the bucket (every file of `files()` is checked)."""
    return [filename for filename in (f"{name}.{fmt}" for name, fmt in files())
            if _stored_size(round_id, filename) is None]


def check_stored(round_id: str, paths: list[Path]) -> None:
    """Raises NotStored unless each of `paths` is in the bucket with its size: what was uploaded can be read."""
    wrong = [path.name for path in paths if _stored_size(round_id, path.name) != path.stat().st_size]
    if wrong:
        raise NotStored(f"result files of round {round_id} not readable back: {', '.join(wrong)}")
