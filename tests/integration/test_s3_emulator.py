"""The local stack's S3 emulator (s3rver, local/s3.py) does what the app asks of S3, over real HTTP with
signature v4: uploads (one request, and multipart for big files), reads, listings, heads, presigned links that
expire; it listens on the loopback address only; and an object it answered for survives a SIGKILL."""
from __future__ import annotations

import os
import signal
import time

import pytest
import requests
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from local.s3 import S3rver, ensure_bucket
from local.settings import REGION
from tests.integration.test_local_stack import LOOPBACK, listening_addresses

MULTIPART = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)


def app_client(endpoint: str):
    """A client as the app makes one (chalicelib/store/results.py), with the tests' fake credentials."""
    import boto3

    return boto3.session.Session().client("s3", endpoint_url=endpoint, region_name=REGION,
                                          config=Config(signature_version="s3v4"))


@pytest.fixture
def bucket(s3_server):
    s3 = app_client(s3_server)
    name = f"emulator-{os.getpid()}-{time.monotonic_ns() % 10**9}"
    ensure_bucket(s3, name)
    return s3, name


def test_uploads_reads_listings_heads_and_presigned_links(bucket, tmp_path):
    s3, name = bucket
    small = tmp_path / "ranking.csv"
    small.write_bytes("\ufeffHạng,Họ và tên\n1,Nguyễn Thị Hoa\n".encode())
    big = tmp_path / "attempts.xlsx"
    big.write_bytes(os.urandom(12 * 1024 * 1024 + 123))
    s3.upload_file(str(small), name, "results/dot-1/ranking.csv", ExtraArgs={"ContentType": "text/csv; charset=utf-8"})
    s3.upload_file(str(big), name, "results/dot-1/attempts.xlsx", Config=MULTIPART)

    got = s3.get_object(Bucket=name, Key="results/dot-1/ranking.csv")
    assert got["Body"].read() == small.read_bytes() and got["ContentType"] == "text/csv; charset=utf-8"
    assert s3.get_object(Bucket=name, Key="results/dot-1/attempts.xlsx")["Body"].read() == big.read_bytes()
    listed = s3.list_objects_v2(Bucket=name, Prefix="results/dot-1/")["Contents"]
    assert {(o["Key"], o["Size"]) for o in listed} == {("results/dot-1/ranking.csv", small.stat().st_size),
                                                        ("results/dot-1/attempts.xlsx", big.stat().st_size)}
    assert s3.head_object(Bucket=name, Key="results/dot-1/attempts.xlsx")["ContentLength"] == big.stat().st_size
    with pytest.raises(ClientError) as missing:
        s3.head_object(Bucket=name, Key="results/dot-1/units.csv")
    assert missing.value.response["Error"]["Code"] == "404"

    url = s3.generate_presigned_url("get_object", ExpiresIn=600, Params={
        "Bucket": name, "Key": "results/dot-1/ranking.csv",
        "ResponseContentDisposition": 'attachment; filename="dot-1-ranking.csv"'})
    download = requests.get(url, timeout=10)
    assert download.status_code == 200 and download.content == small.read_bytes()
    assert download.headers["Content-Disposition"] == 'attachment; filename="dot-1-ranking.csv"'
    short = s3.generate_presigned_url("get_object", ExpiresIn=1,
                                      Params={"Bucket": name, "Key": "results/dot-1/ranking.csv"})
    time.sleep(2.1)
    assert requests.get(short, timeout=10).status_code == 403          # expired


def test_listens_on_the_loopback_address_only(s3_server):
    addresses = listening_addresses(int(s3_server.rsplit(":", 1)[1]))
    assert addresses and addresses <= LOOPBACK, addresses


def test_an_object_answered_for_survives_a_sigkill_right_after(tmp_path):
    directory = tmp_path / "objects"
    body = os.urandom(3 * 1024 * 1024)
    server = S3rver(directory=directory).start()
    try:
        s3 = app_client(server.endpoint)
        ensure_bucket(s3, "kept")
        for n in range(5):
            s3.put_object(Bucket="kept", Key=f"results/dot-1/file-{n}.bin", Body=body)
        os.killpg(server.child.pid, signal.SIGKILL)          # no time to finish anything after the answers
        server.child.process.wait(10)
    finally:
        server.stop()
    again = S3rver(port=server.port, directory=directory).start()
    try:
        s3 = app_client(again.endpoint)
        for n in range(5):
            assert s3.get_object(Bucket="kept", Key=f"results/dot-1/file-{n}.bin")["Body"].read() == body
        assert not list(directory.rglob("*.partial"))
    finally:
        again.stop()
