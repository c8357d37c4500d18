"""Pytest fixtures over the local stack's pieces, shared by every test folder (imported by tests/conftest.py):

- `dynamodb_local` (session): DynamoDB Local in memory on a free loopback port, started once (about 2 s);
  yields its endpoint URL.
- `local_tables`: the project's tables under a prefix of their own for this test, the store bound to them
  (DYNAMODB_ENDPOINT and TABLE_PREFIX set, config and caches cleared); yields the app's Config.
- `s3_server` (session): the local stack's S3 emulator (s3rver, objects as files in a temporary folder) on a
  free loopback port; yields its endpoint URL.
- `local_bucket`: a results bucket of its own on that server, S3_ENDPOINT and RESULTS_BUCKET set.
"""
from __future__ import annotations

import itertools
import os
import uuid

import pytest

_prefixes = itertools.count(1)

from local.speed import share_botocore_loader  # noqa: E402

share_botocore_loader()


@pytest.fixture(scope="session")
def dynamodb_local():
    from local.dynamodb import DynamoDBLocal, Missing

    try:
        server = DynamoDBLocal().start()
    except Missing as missing:
        pytest.fail(f"{missing}", pytrace=False)
    try:
        yield server.endpoint
    finally:
        server.stop()


@pytest.fixture(scope="session")
def s3_server():
    from local.s3 import S3rver

    server = S3rver().start()
    try:
        yield server.endpoint
    finally:
        server.stop()


def bind_local_store(endpoint: str, prefix: str):
    """Points the app at DynamoDB Local under `prefix` (tables created if missing); returns the Config."""
    import boto3

    from chalicelib import config, store
    from local.schema import create_tables

    os.environ["DYNAMODB_ENDPOINT"] = endpoint
    os.environ["TABLE_PREFIX"] = prefix
    config.current.cache_clear()
    settings = config.current()
    create_tables(boto3.client("dynamodb", endpoint_url=endpoint, region_name=settings.region), prefix)
    store.bind(settings)
    return settings


@pytest.fixture
def local_tables(dynamodb_local, monkeypatch):
    from chalicelib import config

    prefix = f"it{os.getpid()}x{next(_prefixes)}-"
    monkeypatch.setenv("DYNAMODB_ENDPOINT", dynamodb_local)    # monkeypatch puts the environment back after
    monkeypatch.setenv("TABLE_PREFIX", prefix)
    settings = bind_local_store(dynamodb_local, prefix)
    yield settings
    config.current.cache_clear()


@pytest.fixture
def local_bucket(s3_server, monkeypatch):
    """A results bucket of this test's own on the S3 emulator (S3_ENDPOINT and RESULTS_BUCKET set)."""
    from chalicelib import config, store
    from local.s3 import client, ensure_bucket

    bucket = f"results-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("S3_ENDPOINT", s3_server)
    monkeypatch.setenv("RESULTS_BUCKET", bucket)
    config.current.cache_clear()
    store.reset()
    ensure_bucket(client(s3_server), bucket)
    yield bucket
    config.current.cache_clear()
    store.reset()
