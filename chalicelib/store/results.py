"""Result files in the private results bucket, handed out through short-lived presigned links."""
from __future__ import annotations

from pathlib import Path

import boto3
from botocore.config import Config

from chalicelib import config
from chalicelib.store.cache import remembered

PREFIX = "results"
LINK_SECONDS = 600          # links expire well within the 15 minutes the contract allows
NAMES = ("ranking", "units", "attempts")     # the result files of the contract, each as CSV and XLSX
CONTENT_TYPES = {".csv": "text/csv; charset=utf-8",
                 ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@remembered(maxsize=1)
def _client():
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
