"""Reading the top list costs the same number of DynamoDB calls at 100 and at 5,000 participants."""
import boto3
import pytest
from moto import mock_aws
from pynamodb.connection.base import Connection

from chalicelib import config, store
from chalicelib.contest.ranking import ScoredAttempt
from chalicelib.store import standings
from chalicelib.store.models import StandingModel
from local.schema import create_tables


@pytest.fixture
def moto_tables():
    with mock_aws():
        config.current.cache_clear()
        settings = config.current()
        create_tables(boto3.client("dynamodb", region_name=settings.region), settings.table_prefix)
        store.bind(settings)
        yield


def _fill(round_id: str, participants: int) -> None:
    with StandingModel.batch_write() as batch:
        for p in range(participants):
            attempt = ScoredAttempt(f"a{p}", f"p{p}", "u", "official" if p % 3 else "citizen", p % 21, 20,
                                    10_000 + p * 7 % 5000, 1_000 + p, 0)
            batch.save(standings._best_item(standings.Best(attempt, round_id, f"Người {p}"), 1))


def _calls_for_top(monkeypatch, round_id: str, category=None) -> tuple[int, list]:
    calls = []
    real = Connection._make_api_call

    def counting(self, operation_name, operation_kwargs, *args, **kwargs):
        calls.append(operation_name)
        return real(self, operation_name, operation_kwargs, *args, **kwargs)

    monkeypatch.setattr(Connection, "_make_api_call", counting)
    top = standings.top(round_id, category, 100)
    monkeypatch.undo()
    return len(calls), top


def test_top_list_reads_are_bounded(moto_tables, monkeypatch):
    _fill("small", 100)
    _fill("large", 5000)
    small_calls, small_top = _calls_for_top(monkeypatch, "small")
    large_calls, large_top = _calls_for_top(monkeypatch, "large")
    assert small_calls == large_calls == standings.TOP_SHARDS
    assert len(large_top) == 100
    keys = [standings.rank_key(b.attempt) for b in large_top]
    assert keys == sorted(keys)
    assert large_top[0].attempt.correct == 20
    cat_calls, cat_top = _calls_for_top(monkeypatch, "large", "citizen")
    assert cat_calls == standings.TOP_SHARDS and {b.attempt.category for b in cat_top} == {"citizen"}


def _fill_counters(rounds: int, units: int, hours: int) -> None:
    from chalicelib.contest.rounds import Round
    from chalicelib.store import rounds as round_store

    with StandingModel.batch_write() as batch:
        for slot in range(standings.COUNTER_SLOTS):
            batch.save(StandingModel(f"tally#{standings.CONTEST}#{slot}", standings.CONTEST, submissions=1))
            for h in range(hours):
                batch.save(StandingModel(f"tally#{standings.HOURS}#{slot}", f"2021-10-{1 + h // 24:02d}T{h % 24:02d}",
                                         submissions=1))
            for r in range(rounds):
                batch.save(StandingModel(f"tally#{standings.CONTEST}#{slot}", standings.round_key(f"r{r}"),
                                         submissions=1, participants=1))
                for u in range(units):
                    batch.save(StandingModel(f"tally#r{r}#{slot}", f"u{u}", submissions=1))
    for r in range(rounds):
        round_store.create_round(Round(f"r{r}", "Đợt", 0, 1))


def test_public_totals_read_the_same_few_items_whatever_the_units_and_hours(moto_tables, monkeypatch):
    from chalicelib.services import standings as read_models

    _fill_counters(rounds=3, units=40, hours=72)
    calls, items = [], []
    real = Connection._make_api_call

    def counting(self, operation_name, operation_kwargs, *args, **kwargs):
        answer = real(self, operation_name, operation_kwargs, *args, **kwargs)
        calls.append(operation_name)
        items.append(len(answer.get("Items", [])))
        return answer

    monkeypatch.setattr(Connection, "_make_api_call", counting)
    body = read_models.stats()
    monkeypatch.undo()
    # one query per counter slot for the totals, one scan of the rounds; 1 + 3 items per slot
    assert sorted(calls) == ["Query"] * standings.COUNTER_SLOTS + ["Scan"]
    assert sum(items) == standings.COUNTER_SLOTS * 4 + 3
    assert body["submissions"] == standings.COUNTER_SLOTS
    assert [r["submissions"] for r in body["rounds"]] == [standings.COUNTER_SLOTS] * 3
    admin = read_models.stats(per_unit=True)
    assert sum(h["submissions"] for h in admin["submissions_per_hour"]) == 72 * standings.COUNTER_SLOTS
    assert len(admin["submissions_per_unit"]) == 40
