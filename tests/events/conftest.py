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
