import boto3
import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib import auth, config, store
from chalicelib.services import admin
from chalicelib.store import rounds as round_store
from chalicelib.store import units as unit_store
from chalicelib.store.schema import create_tables
from tests.support import T0, Api, Clock, Contest, set_clock


@pytest.fixture
def clock():
    clock = Clock(T0)
    set_clock(clock)
    yield clock
    from chalicelib import runtime
    runtime.reset_clock()


@pytest.fixture
def aws():
    with mock_aws():
        config.current.cache_clear()
        settings = config.current()
        create_tables(boto3.client("dynamodb", region_name=settings.region), settings.table_prefix)
        store.bind(settings)
        round_store.forget_caches()
        unit_store.forget_cache()
        yield settings


@pytest.fixture
def api(aws, clock):
    from app import app

    with Client(app) as client:
        yield Api(client.http)


@pytest.fixture
def contest(api, clock):
    admin.create_organizer("btc", "mat-khau-btc-1")
    reply = api.post("/api/admin/sessions", {"username": "btc", "password": "mat-khau-btc-1"})
    assert reply.status == 200, reply.text
    contest = Contest(api, clock, reply.body["token"])
    contest.add_units()
    return contest
