"""The aggregator and lifecycle tests run on DynamoDB Local (its streams are real; the session's instance from
tests/localstack.py) with the results bucket on moto's in-process S3."""
import boto3
import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib import config
from chalicelib.services import admin
from chalicelib.store import results
from tests.support import T0, Api, Clock, Contest, set_clock


@pytest.fixture
def clock():
    clock = Clock(T0)
    set_clock(clock)
    yield clock
    from chalicelib import runtime
    runtime.reset_clock()


@pytest.fixture
def local_aws(local_tables):
    """Tables of this test's own on DynamoDB Local, and a results bucket on moto's S3."""
    with mock_aws():
        settings = config.current()
        boto3.client("s3", region_name=settings.region).create_bucket(
            Bucket=settings.results_bucket, CreateBucketConfiguration={"LocationConstraint": settings.region})
        results.forget_client()
        yield settings
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
