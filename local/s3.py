"""moto's server as the S3 emulator, on the loopback address.

moto keeps objects in memory only, so the launcher copies the results bucket to .local/s3/ when it stops
(and after each finalization run) and puts it back when it starts: result files survive a restart too.
"""
from __future__ import annotations

import json
import mimetypes
import sys
from pathlib import Path

from local.processes import LocalServer
from local.settings import HOST, REGION

MANIFEST = ".manifest.json"


class MotoS3(LocalServer):
    label = "moto-s3"

    def __init__(self, port: int | None = None, log_path: Path | None = None, what: str = "S3 emulator (moto)",
                 variable: str = "") -> None:
        super().__init__(port, log_path, what, variable)
        self.child.command = [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(self.port)]

    def client(self):
        return client(self.endpoint)


def client(endpoint: str):
    import boto3

    return boto3.session.Session().client("s3", endpoint_url=endpoint, region_name=REGION,
                                          aws_access_key_id="local", aws_secret_access_key="local")


def ensure_bucket(s3, bucket: str) -> bool:
    """Creates the bucket if missing; True when it was created."""
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if bucket in existing:
        return False
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    return True


def _objects(s3, bucket: str):
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        yield from page.get("Contents", [])


def _safe_path(root: Path, key: str) -> Path | None:
    path = (root / key).resolve()
    return path if root.resolve() in path.parents else None


def save_bucket(s3, bucket: str, directory: Path) -> int:
    """Copies every object of `bucket` into `directory` (with a manifest of content types); returns the count.
    Objects already saved with the same ETag are not downloaded again."""
    directory.mkdir(parents=True, exist_ok=True)
    manifest_path = directory / MANIFEST
    try:
        old = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    manifest = {}
    for item in _objects(s3, bucket):
        key = item["Key"]
        target = _safe_path(directory, key)
        if target is None:
            continue
        etag = item.get("ETag", "")
        if old.get(key, {}).get("etag") == etag and target.exists():
            manifest[key] = old[key]
            continue
        response = s3.get_object(Bucket=bucket, Key=key)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(response["Body"].read())
        manifest[key] = {"etag": etag, "content_type": response.get("ContentType"),
                         "metadata": response.get("Metadata") or {}}
    for key in set(old) - set(manifest):
        target = _safe_path(directory, key)
        if target is not None and target.exists():
            target.unlink()
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(manifest)


def restore_bucket(s3, bucket: str, directory: Path) -> int:
    """Puts back what `save_bucket` kept; returns the number of objects uploaded."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    restored = 0
    for key, info in manifest.items():
        source = _safe_path(directory, key)
        if source is None or not source.exists():
            continue
        content_type = info.get("content_type") or mimetypes.guess_type(key)[0] or "application/octet-stream"
        s3.put_object(Bucket=bucket, Key=key, Body=source.read_bytes(), ContentType=content_type,
                      Metadata=info.get("metadata") or {})
        restored += 1
    return restored
