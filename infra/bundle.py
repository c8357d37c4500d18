"""The Lambda bundle without the AWS SDK for Python: boto3 and everything only it needs come with the Python
runtime, so `chalice package`'s deployment.zip drops them (16 of its 28 MB, mostly botocore's service models).

    python infra/bundle.py build/package/deployment.zip

The code, the tests and the local stack use the pinned boto3 of requirements.txt; the deployed functions use the
runtime's, which AWS keeps current. Nothing here needs an API newer than the runtime's SDK has had for years
(DynamoDB transactions, S3 presigned links, SSM parameters)."""
from __future__ import annotations

import argparse
import re
import shutil
import zipfile
from pathlib import Path

# The distributions boto3 pulls in (boto3's own requirement closure; tests/infra checks it is that exactly),
# with the top-level names they install.
RUNTIME_SDK = {
    "boto3": ("boto3",),
    "botocore": ("botocore",),
    "s3transfer": ("s3transfer",),
    "jmespath": ("jmespath",),
    "python-dateutil": ("dateutil",),
    "six": ("six",),
    "urllib3": ("urllib3",),
}
_DIST_INFO = re.compile(r"^(?P<name>[A-Za-z0-9_.]+)-[^/]+\.dist-info$")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def dropped(top: str) -> bool:
    """Whether a top-level entry of the bundle belongs to the runtime's SDK."""
    modules = {m for names in RUNTIME_SDK.values() for m in names}
    if top.removesuffix(".py") in modules:
        return True
    match = _DIST_INFO.match(top)
    return bool(match) and _normal(match.group("name")) in RUNTIME_SDK


def slim(bundle: Path) -> tuple[int, int]:
    """Rewrites the zip without the SDK; (bytes before, bytes after)."""
    before = bundle.stat().st_size
    slimmed = bundle.with_suffix(".slim.zip")
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(slimmed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if not dropped(info.filename.split("/", 1)[0]):
                target.writestr(info, source.read(info))
    shutil.move(slimmed, bundle)
    return before, bundle.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path)
    before, after = slim(parser.parse_args().bundle)
    print(f"deployment.zip without the runtime's AWS SDK: {before / 2**20:.1f} MB -> {after / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
