"""Integration tests: the app on DynamoDB Local (fixtures in tests/localstack.py), over real HTTP served by
the local stack's API server in a thread, with the real clock (movable forward: `LiveClock.advance`)."""
from __future__ import annotations

import threading
import time

import pytest

from tests.support import Api, Clock, UrlHttp, organizer_contest


class LiveClock(Clock):
    """Real time plus an offset: `advance` moves the app's clock forward without waiting."""

    def __init__(self) -> None:
        self.offset = 0

    @property
    def now(self) -> int:
        return int(time.time() * 1000) + self.offset

    @now.setter
    def now(self, value: int) -> None:
        self.offset = value - int(time.time() * 1000)

    def advance(self, ms: int) -> None:
        self.offset += ms


@pytest.fixture
def live_clock():
    from chalicelib import runtime

    clock = LiveClock()
    runtime.set_clock(clock)
    yield clock
    runtime.reset_clock()


@pytest.fixture
def server(local_tables):
    """The app served over HTTP on a free loopback port (the local stack's own server); yields its URL."""
    from app import app
    from local.api import ApiServer

    with ApiServer(app, 0) as api_server:
        yield api_server.url


@pytest.fixture
def api(server):
    return Api(UrlHttp(server))   # its reply log is a list: appends from many threads are safe


@pytest.fixture
def contest(api, live_clock):
    """An organizer and the test units (tests.support.UNITS), acting over HTTP."""
    return organizer_contest(api, live_clock)


def together(n: int, action) -> list:
    """Runs `action(i)` in n threads released at the same instant; returns the results in order."""
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list = []

    def run(i: int) -> None:
        try:
            barrier.wait(10)
            results[i] = action(i)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def scan(settings, logical: str, **filters) -> list[dict]:
    """Every item of one of this test's tables (plain boto3, independent of the store), filtered by equality."""
    import boto3
    from boto3.dynamodb.conditions import Attr

    table = boto3.resource("dynamodb", endpoint_url=settings.dynamodb_endpoint,
                           region_name=settings.region).Table(settings.table_name(logical))
    kwargs = {"ConsistentRead": True}
    if filters:
        condition = None
        for name, value in filters.items():
            term = Attr(name).eq(value)
            condition = term if condition is None else condition & term
        kwargs["FilterExpression"] = condition
    items, start = [], None
    while True:
        if start:
            kwargs["ExclusiveStartKey"] = start
        page = table.scan(**kwargs)
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return items
