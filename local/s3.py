"""The S3 emulator: s3rver from the npm package of that name, on the loopback address, every object a file.

s3rver keeps each object as files under its directory (`<bucket>/<key>._S3rver_object` plus metadata), so
what it has answered 200 for is on disk: nothing to copy, and a kill of any process loses no result file.
local/node/s3rver.js runs it with any access key accepted and with writes that are complete, flushed and in
place before the answer (see there). Presigned links (signature v4) work: s3rver honours their expiry and
their response-content-disposition.

    python -m local.s3 --port 8002 --directory /tmp/objects     # run one in the foreground
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from local.dynamodb import Missing
from local.processes import LocalServer
from local.settings import HOST, REGION, ROOT

LAUNCHER = Path(__file__).resolve().parent / "node" / "s3rver.js"
PACKAGE = ROOT / "node_modules" / "s3rver"


def node() -> str:
    found = shutil.which("node")
    if not found:
        raise Missing("Node.js is missing: the S3 emulator (s3rver) runs on it (Debian: nodejs)")
    if not (PACKAGE / "package.json").exists():
        raise Missing(f"the S3 emulator is missing: no {PACKAGE} (run `npm install`, or `make deps`)")
    return found


def command(port: int, directory: Path) -> list[str]:
    return [node(), str(LAUNCHER), "--directory", str(directory), "--address", HOST, "--port", str(port),
            "--silent", "--no-vhost-buckets"]


class S3rver(LocalServer):
    """One s3rver process keeping its objects in `directory` (a temporary folder when not given)."""

    label = "s3rver"

    def __init__(self, port: int | None = None, directory: Path | None = None, log_path: Path | None = None,
                 what: str = "S3 emulator (s3rver)", variable: str = "") -> None:
        super().__init__(port, log_path, what, variable)
        self.directory = directory if directory is not None else Path(self.child.log_path.parent) / "objects"

    def prepare(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.child.command = command(self.port, self.directory)

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


def count_objects(s3, bucket: str) -> int:
    return sum(page.get("KeyCount", 0) for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.s3", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8002)
    parser.add_argument("--directory", type=Path, required=True, help="where the objects are kept")
    args = parser.parse_args(argv)
    try:
        args.directory.mkdir(parents=True, exist_ok=True)
        return subprocess.call(command(args.port, args.directory))
    except Missing as missing:
        print(missing, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
