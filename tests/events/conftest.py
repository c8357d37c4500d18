"""The aggregator and lifecycle tests run on DynamoDB Local (its streams are real; the session's instance from
tests/localstack.py) with the results bucket on moto's in-process S3."""
import boto3
import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib import config, store
from tests.support import Api, organizer_contest


@pytest.fixture
def local_aws(local_tables):
    """Tables of this test's own on DynamoDB Local, and a results bucket on moto's S3."""
    with mock_aws():
        settings = config.current()
        boto3.client("s3", region_name=settings.region).create_bucket(
            Bucket=settings.results_bucket, CreateBucketConfiguration={"LocationConstraint": settings.region})
        store.reset()
        yield settings
    store.reset()


@pytest.fixture
def api(local_aws, clock):
    from app import app

    with Client(app) as client:
        yield Api(client.http)


@pytest.fixture
def contest(api, clock):
    return organizer_contest(api, clock)


@pytest.fixture(scope="module")
def moto_contest():
    """moto's DynamoDB and S3 for a test module: the tables, the results bucket, the units of tests/support."""
    from chalicelib.contest.units import Unit
    from chalicelib.store import units as unit_store
    from local.schema import create_tables
    from tests.support import UNITS

    with mock_aws():
        config.current.cache_clear()
        settings = config.current()
        create_tables(boto3.client("dynamodb", region_name=settings.region), settings.table_prefix)
        boto3.client("s3", region_name=settings.region).create_bucket(
            Bucket=settings.results_bucket, CreateBucketConfiguration={"LocationConstraint": settings.region})
        store.bind(settings)
        unit_store.save_units([Unit(u["id"], u["name"], u["parent_id"], u["kind"], u.get("headcount"),
                                    u.get("population")) for u in UNITS])
        yield settings
        store.reset()
