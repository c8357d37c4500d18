"""Result files in the private results bucket, handed out through short-lived presigned links; written as
streams (multipart uploads, so no file of a round needs to fit in memory or on disk) and read back in ranges."""
from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from chalicelib import config
from chalicelib.store.cache import remembered

PREFIX = "results"
CERTIFICATES = "certificates"   # one PDF per participant and published round, made on first request
LINK_SECONDS = 600          # links expire well within the 15 minutes the contract allows
PART_BYTES = 16 * 2**20     # a multipart upload's parts (S3: at least 5 MiB but the last, at most 10,000 parts)
NAMES = ("ranking", "units", "attempts", "prizes")     # the result files of the contract, each as CSV and XLSX
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


class Upload(io.RawIOBase):
    """A binary file that becomes the object `key`: one PutObject when small, a multipart upload otherwise.
    Nothing is stored unless it is closed without an error (`with Upload(...)`: an error aborts it)."""

    def __init__(self, key: str, content_type: str = "application/octet-stream") -> None:
        super().__init__()
        self._key, self._type = key, content_type
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict] = []
        self.size = 0            # bytes written: what the stored object must hold once closed

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._buffer += data
        self.size += len(data)
        if len(self._buffer) >= PART_BYTES:
            self._send_part()
        return len(data)

    def _send_part(self) -> None:
        bucket = config.current().results_bucket
        if self._upload_id is None:
            self._upload_id = _client().create_multipart_upload(Bucket=bucket, Key=self._key,
                                                                ContentType=self._type)["UploadId"]
        number = len(self._parts) + 1
        reply = _client().upload_part(Bucket=bucket, Key=self._key, UploadId=self._upload_id, PartNumber=number,
                                      Body=bytes(self._buffer))
        self._parts.append({"PartNumber": number, "ETag": reply["ETag"]})
        self._buffer.clear()

    def __exit__(self, kind, error, trace) -> None:
        if kind is not None and self._upload_id is not None:
            _client().abort_multipart_upload(Bucket=config.current().results_bucket, Key=self._key,
                                             UploadId=self._upload_id)
            self._upload_id = None
        elif kind is None:
            self._finish()
        super().close()

    def _finish(self) -> None:
        bucket = config.current().results_bucket
        if self._upload_id is None:
            _client().put_object(Bucket=bucket, Key=self._key, Body=bytes(self._buffer), ContentType=self._type)
            return
        if self._buffer:
            self._send_part()
        _client().complete_multipart_upload(Bucket=bucket, Key=self._key, UploadId=self._upload_id,
                                            MultipartUpload={"Parts": self._parts})


def writer(round_id: str, filename: str) -> Upload:
    """A result file of the round, written as a stream (its content type from its name)."""
    return Upload(key(round_id, filename), CONTENT_TYPES.get(Path(filename).suffix, "application/octet-stream"))


def read_range(object_key: str, offset: int, size: int) -> Iterator[bytes]:
    if size <= 0:
        return
    body = _client().get_object(Bucket=config.current().results_bucket, Key=object_key,
                                Range=f"bytes={offset}-{offset + size - 1}")["Body"]
    yield from body.iter_chunks(1 << 20)


def size(object_key: str) -> int:
    return int(_client().head_object(Bucket=config.current().results_bucket, Key=object_key)["ContentLength"])


@remembered(maxsize=64)
def published_json(round_id: str, filename: str) -> Any:
    """A JSON file of a published round's results, parsed (None if absent); kept in memory: a published
    round's files never change (finalizing again is refused once published)."""
    data = _object_or_none(key(round_id, filename))
    return None if data is None else json.loads(data)


def certificate_key(round_id: str, participant_id: str) -> str:
    return f"{CERTIFICATES}/{round_id}/{participant_id}.pdf"


def load_certificate(round_id: str, participant_id: str) -> bytes | None:
    """A certificate made before (None if none was)."""
    return _object_or_none(certificate_key(round_id, participant_id))


def _object_or_none(object_key: str) -> bytes | None:
    """An object's bytes, or None when it is not there (or not ours to read: `_ABSENT`)."""
    try:
        body = _client().get_object(Bucket=config.current().results_bucket, Key=object_key)["Body"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _ABSENT:
            return None
        raise
    return body.read()


def save_certificate(round_id: str, participant_id: str, pdf: bytes) -> None:
    _client().put_object(Bucket=config.current().results_bucket, Key=certificate_key(round_id, participant_id),
                         Body=pdf, ContentType="application/pdf")


def read_lines(object_key: str) -> Iterator[bytes]:
    body = _client().get_object(Bucket=config.current().results_bucket, Key=object_key)["Body"]
    yield from body.iter_lines(chunk_size=1 << 16, keepends=True)


def delete_prefix(prefix: str) -> None:
    """Deletes every object under the prefix (a finalization's partial results once its files are written)."""
    bucket = config.current().results_bucket
    for page in _client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:
            _client().delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})


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


def check_stored(round_id: str, sizes: Mapping[str, int]) -> None:
    """Raises NotStored unless each file (name → bytes written) is in the bucket with that size, and every result
    file is there: what was written can be read."""
    wrong = [name for name, size in sizes.items() if _stored_size(round_id, name) != size]
    wrong += [name for name in missing(round_id) if name not in sizes]
    if wrong:
        raise NotStored(f"result files of round {round_id} not readable back: {', '.join(sorted(wrong))}")
