from contextlib import ExitStack, contextmanager

import boto3
import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib import config, runtime, store
from local.schema import create_tables
from tests.support import T0, Api, Clock, Tables, organizer_contest, set_clock


@contextmanager
def backend():
    """Moto DynamoDB with the project's tables (prefix "test-"), the store bound to them, caches empty."""
    with mock_aws():
        config.current.cache_clear()
        settings = config.current()
        client = boto3.client("dynamodb", region_name=settings.region)
        create_tables(client, settings.table_prefix)
        store.bind(settings)
        yield Tables(client, settings.table_prefix)


@contextmanager
def chalice_api():
    from app import app

    with Client(app) as client:
        yield Api(client.http)


@pytest.fixture
def tables(clock):
    with backend() as tables:
        yield tables


@pytest.fixture
def aws(tables):
    return config.current()


@pytest.fixture
def api(aws, clock):
    with chalice_api() as api:
        yield api


@pytest.fixture
def contest(api, clock):
    return organizer_contest(api, clock)


class World:
    """One contest shared by a module's tests that change nothing (each checks so): an open round "dot-1"
    (6 questions, 5 per attempt), a scheduled round "dot-2" with no bank yet, participants A and B, and an
    attempt of A in progress. Kept small: every check scans every table twice."""

    def __init__(self, api: Api, clock: Clock, tables: Tables) -> None:
        self.api, self.clock, self.tables = api, clock, tables
        tables.generation = lambda: len(api.replies)  # every change here goes through the API
        self.contest = organizer_contest(api, clock)
        self.admin = self.contest.admin
        self.contest.open_round("dot-1", n_questions=6)
        self.contest.add_round("dot-2", opens_in=10 * 24 * 3600 * 1000, n_questions=0)
        self.token_a, self.a = self.contest.register("Nguyễn Văn An")
        self.token_b, self.b = self.contest.register("Trần Thị Bình", unit_id="dong-hoi-hai-dinh",
                                                     category="citizen")
        self.attempt = self.contest.start(self.token_a)
        self.clock.advance(60 * 1000)

    def bank(self) -> dict:
        return self.contest.bank("dot-1")


@pytest.fixture(scope="module")
def world():
    with ExitStack() as stack:
        clock = Clock(T0)
        set_clock(clock)
        stack.callback(runtime.reset_clock)
        tables = stack.enter_context(backend())
        api = stack.enter_context(chalice_api())
        yield World(api, clock, tables)


@pytest.fixture
def w(world):
    """The shared world with its clock in charge; the clock is put back after the test."""
    saved = world.clock.now
    set_clock(world.clock)
    yield world
    world.clock.now = saved
