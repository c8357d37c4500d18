"""Reading the top list costs the same number of DynamoDB calls at 100 and at 5,000 participants."""
import boto3
import pytest
from moto import mock_aws

from chalicelib import config, store
from chalicelib.contest.ranking import ScoredAttempt
from chalicelib.store import standings as standing_store
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
    bests = [standing_store.Best(ScoredAttempt(f"a{p}", f"p{p}", "u", "official" if p % 3 else "citizen", p % 21,
                                               20, 10_000 + p * 7 % 5000, 1_000 + p, 0), round_id, f"Người {p}")
             for p in range(participants)]
    standing_store.save_bests(bests)


def _calls_for_top(aws_calls, round_id: str, category=None) -> tuple[int, list]:
    aws_calls.clear()
    top = standing_store.top(round_id, category, 100)
    return aws_calls.count(), top


def test_top_list_reads_are_bounded(moto_tables, aws_calls):
    _fill("small", 100)
    _fill("large", 5000)
    small_calls, small_top = _calls_for_top(aws_calls, "small")
    large_calls, large_top = _calls_for_top(aws_calls, "large")
    assert small_calls == large_calls == standing_store.TOP_SHARDS
    assert len(large_top) == 100
    keys = [standing_store.rank_key(b.attempt) for b in large_top]
    assert keys == sorted(keys)
    assert large_top[0].attempt.correct == 20
    cat_calls, cat_top = _calls_for_top(aws_calls, "large", "citizen")
    assert cat_calls == standing_store.TOP_SHARDS and {b.attempt.category for b in cat_top} == {"citizen"}


def _fill_counters(rounds: int, units: int, hours: int) -> None:
    from chalicelib.contest.rounds import Round
    from chalicelib.store import rounds as round_store

    for slot in range(standing_store.COUNTER_SLOTS):
        chunk = standing_store.ChunkWrite()
        chunk.add(standing_store.CONTEST, standing_store.CONTEST, submissions=1)
        for h in range(hours):
            chunk.add(standing_store.HOURS, f"2021-10-{1 + h // 24:02d}T{h % 24:02d}", submissions=1)
        for r in range(rounds):
            chunk.add(standing_store.CONTEST, standing_store.round_key(f"r{r}"), submissions=1, participants=1)
        standing_store.apply(chunk, 0, slot)
        for r in range(rounds):
            chunk = standing_store.ChunkWrite()
            for u in range(units):
                chunk.add(f"r{r}", f"u{u}", submissions=1)
            standing_store.apply(chunk, 0, slot)
    for r in range(rounds):
        round_store.create_round(Round(f"r{r}", "Đợt", 0, 1))


def test_public_totals_read_the_same_few_items_whatever_the_units_and_hours(moto_tables, aws_calls):
    from chalicelib.services import standings as read_models

    _fill_counters(rounds=3, units=40, hours=72)
    aws_calls.clear()
    body = read_models.stats()
    # one query per counter slot for the totals, one scan of the rounds; 1 + 3 items per slot
    assert sorted(aws_calls.operations()) == ["Query"] * standing_store.COUNTER_SLOTS + ["Scan"]
    assert sum(aws_calls.items) == standing_store.COUNTER_SLOTS * 4 + 3
    assert body["submissions"] == standing_store.COUNTER_SLOTS
    assert [r["submissions"] for r in body["rounds"]] == [standing_store.COUNTER_SLOTS] * 3
    admin = read_models.stats(per_unit=True)
    assert sum(h["submissions"] for h in admin["submissions_per_hour"]) == 72 * standing_store.COUNTER_SLOTS
    assert len(admin["submissions_per_unit"]) == 40
