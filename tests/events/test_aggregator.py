"""The aggregator fed with real stream records from DynamoDB Local, delivered the ways Lambda may deliver them."""
import random

import pytest

from app import aggregate_attempts, count_registrations
from chalicelib.store import standings
from tests.events.recompute import derived, expected
from tests.streams import events, stream_records


def _play(api, contest, seed: int, people: int = 12) -> None:
    """Registrations and several accepted attempts each, with many ties on correct."""
    rng = random.Random(seed)
    contest.open_round()
    units = [("so-noi-vu", "official"), ("dong-hoi", "citizen"), ("dong-hoi-hai-dinh", "official"),
             ("dong-hoi-hai-dinh", "citizen")]
    for i in range(people):
        unit_id, category = rng.choice(units)
        token, _ = contest.register(name=f"Người Thi {i}", unit_id=unit_id, category=category)
        for _ in range(rng.randint(0, 3)):
            attempt = api.post("/api/rounds/dot-1/attempts", token=token).body["attempt"]
            contest.clock.advance(rng.randint(1000, 30000))
            answers = {q["id"]: rng.choice(q["options"])["id"] for q in attempt["questions"]}
            reply = api.post(f"/api/attempts/{attempt['id']}/submission",
                             {"answers": answers, "prediction": rng.randint(0, 20)}, token=token)
            assert reply.status == 200, reply.text


def _records(settings):
    return (stream_records(settings.table_name("attempts"), settings.dynamodb_endpoint),
            stream_records(settings.table_name("participants"), settings.dynamodb_endpoint))


def _deliver(handler, batches) -> list[dict]:
    return [handler(batch, None) for batch in batches]


@pytest.fixture
def played(api, contest, local_aws):
    _play(api, contest, seed=7)
    return _records(local_aws)


def _assert_matches(api):
    assert derived(api, "dot-1") == expected("dot-1")


def test_one_delivery_matches_recomputation(api, played):
    attempts, people = played
    responses = _deliver(aggregate_attempts, events(attempts, 100)) + _deliver(count_registrations, events(people, 100))
    assert all(r == {"batchItemFailures": []} for r in responses)
    _assert_matches(api)
    assert api.get("/api/stats").body["registered"] == 12


def test_every_batch_delivered_twice(api, played):
    attempts, people = played
    for batch in events(attempts, 5):
        _deliver(aggregate_attempts, [batch, batch])
    for batch in events(people, 4):
        _deliver(count_registrations, [batch, batch])
    _assert_matches(api)


def test_rebatched_differently(api, played):
    attempts, people = played
    _deliver(aggregate_attempts, events(attempts, 7))
    _deliver(aggregate_attempts, events(attempts, 3))
    _deliver(aggregate_attempts, events(list(reversed(attempts)), 11))
    _deliver(count_registrations, events(people, 5) + events(people, 2))
    _assert_matches(api)


def test_crash_half_way_then_retry(api, played, monkeypatch):
    attempts, people = played
    real_apply, calls = standings.apply, []

    def crashing_apply(chunk, now):
        calls.append(chunk)
        if len(calls) == 2:
            raise RuntimeError("function timed out")
        real_apply(chunk, now)

    monkeypatch.setattr(standings, "apply", crashing_apply)
    batch = events(attempts, 100)[0]
    monkeypatch.setattr("chalicelib.events.aggregator.CHUNK", 4)
    with pytest.raises(RuntimeError):
        aggregate_attempts(batch, None)
    assert derived(api, "dot-1") != expected("dot-1")  # half applied
    monkeypatch.setattr(standings, "apply", real_apply)
    _deliver(aggregate_attempts, events(attempts, 100))
    _deliver(count_registrations, events(people, 100))
    _assert_matches(api)


def test_malformed_record_is_reported_and_the_rest_applied(api, played):
    attempts, people = played
    submitted = [r for r in attempts if r["dynamodb"]["NewImage"]["status"]["S"] == "submitted"]
    bad = {**submitted[0], "eventID": "poison", "dynamodb": {**submitted[0]["dynamodb"],
           "SequenceNumber": "1", "NewImage": {**submitted[0]["dynamodb"]["NewImage"], "cor": {"S": "x"}}}}
    batch = {"Records": attempts[:3] + [bad] + attempts[3:]}
    response = aggregate_attempts(batch, None)
    assert response == {"batchItemFailures": [{"itemIdentifier": "1"}]}
    _deliver(count_registrations, events(people, 100))
    _assert_matches(api)
