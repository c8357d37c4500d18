"""The aggregator fed with real stream records from DynamoDB Local, delivered the ways Lambda may deliver them."""
import random

import pytest

from app import aggregate_attempts, count_registrations
from chalicelib.store import standings, tops
from tests.events.recompute import derived, expected
from tests.streams import events, stream_records
from tests.support import HOUR


def _play(api, contest, seed: int, people: int = 12) -> None:
    """Registrations and several accepted attempts each, with many ties on correct; some on a device of their
    own, some on a shared one, some without a device id (their first attempts marked in different markers)."""
    rng = random.Random(seed)
    contest.open_round()
    units = [("so-noi-vu", "official"), ("dong-hoi", "citizen"), ("dong-hoi-hai-dinh", "official"),
             ("dong-hoi-hai-dinh", "citizen")]
    for i in range(people):
        unit_id, category = rng.choice(units)
        token, _ = contest.register(name=f"Người Thi {i}", unit_id=unit_id, category=category)
        device = rng.choice((f"may-rieng-{i}", "may-chung-1", "may-chung-2", None))
        for _ in range(rng.randint(0, 3)):
            attempt = api.post("/api/rounds/dot-1/attempts", token=token,
                               headers={"x-device-id": device} if device else None).body["attempt"]
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
    from chalicelib.store import attempts as attempt_store

    # first attempts on a device: in the device's marker
    firsts = [a for a in attempt_store.every_attempt() if a.progress and a.progress.first and a.device_hash]
    markers = standings.read_markers({standings.device_marker(a.round_id, a.device_hash) for a in firsts})
    users = {key: marker.done | marker.pend_entries for key, marker in markers.items()}
    assert all(a.participant_id in users[standings.device_marker(a.round_id, a.device_hash)] for a in firsts)
    assert max(len(u) for u in users.values()) > 1                      # a shared device's marker


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


def _fail_after(monkeypatch, module, name: str, calls: int, then=None):
    """Makes `module.name` raise (a crash, a timeout) from its `calls`+1-th call on; `then(real, *args)` runs
    instead of the real function where given (to fail after it)."""
    real, seen = getattr(module, name), []

    def failing(*args, **kwargs):
        seen.append(args)
        if len(seen) > calls:
            if then is not None:
                then(real, *args, **kwargs)
            raise RuntimeError("function timed out")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, failing)
    return real


def _crash_then_redeliver(api, monkeypatch, attempts, people, module, name: str, calls: int, then=None):
    monkeypatch.setattr("chalicelib.events.aggregator._chunks",            # several chunks in one batch
                        lambda records: [records[i:i + 4] for i in range(0, len(records), 4)])
    real = _fail_after(monkeypatch, module, name, calls, then)
    with pytest.raises(RuntimeError):
        aggregate_attempts(events(attempts, 100)[0], None)
    assert derived(api, "dot-1") != expected("dot-1")           # part applied
    monkeypatch.setattr(module, name, real)
    _deliver(aggregate_attempts, events(attempts, 100))
    _deliver(count_registrations, events(people, 100))
    _assert_matches(api)


def test_crash_between_the_participants_writes_then_retry(api, played, monkeypatch):
    attempts, people = played
    _crash_then_redeliver(api, monkeypatch, attempts, people, standings, "write_marker", 7)


def test_crash_before_the_commit_then_retry(api, played, monkeypatch):
    attempts, people = played
    _crash_then_redeliver(api, monkeypatch, attempts, people, standings, "commit", 1)


def test_commit_applied_but_its_answer_lost_then_retry(api, played, monkeypatch):
    attempts, people = played
    _crash_then_redeliver(api, monkeypatch, attempts, people, standings, "commit", 1,
                          then=lambda real, *args, **kwargs: real(*args, **kwargs))


def test_crash_before_the_top_lists_then_retry(api, played, monkeypatch):
    attempts, people = played
    _crash_then_redeliver(api, monkeypatch, attempts, people, tops, "place", 0)


def test_a_concurrent_delivery_aborts_the_token_before_the_commit(api, played, monkeypatch):
    """Another invocation with the same records reads the markers first and aborts the token in flight: the
    first one's commit fails, it counts again, and everything still counts once."""
    attempts, people = played
    real_commit = standings.commit

    def raced(token, *args, **kwargs):
        standings.resolve([token], 0)            # what a concurrent reader of the markers does
        return real_commit(token, *args, **kwargs)

    monkeypatch.setattr(standings, "commit", raced)
    monkeypatch.setattr("chalicelib.events.aggregator.TRIES", 2)
    response = aggregate_attempts(events(attempts, 100)[0], None)
    assert response["batchItemFailures"]                      # every try was raced: nothing counted, all retried
    monkeypatch.setattr(standings, "commit", real_commit)
    _deliver(aggregate_attempts, events(attempts, 100))
    _deliver(count_registrations, events(people, 100))
    _assert_matches(api)


def test_a_batch_too_big_for_one_commit_is_counted_in_chunks(api, played, monkeypatch):
    """Every unit on a page of its own and commits of at most 4 items: a batch takes several chunks."""
    from chalicelib.events import aggregator

    attempts, people = played
    chunked = []
    real_chunks = aggregator._chunks
    monkeypatch.setattr(aggregator, "MAX_ITEMS", 4)
    monkeypatch.setattr("chalicelib.store.tallies.UNITS_PER_PAGE", 1)
    monkeypatch.setattr(aggregator, "_chunks", lambda records: chunked.append(real_chunks(records)) or chunked[-1])
    _deliver(aggregate_attempts, events(attempts, 100))
    assert len(chunked[0]) > 1 and sum(len(c) for c in chunked[0]) == len(
        [r for r in attempts if r["dynamodb"]["NewImage"]["status"]["S"] == "submitted"])
    _deliver(count_registrations, events(people, 100))
    _assert_matches(api)


def test_a_skipped_batch_replayed_after_the_later_ones(api, played):
    """Lambda gave up on a batch and went on; the on-failure replay brings it back later, out of order."""
    attempts, people = played
    batches = events(attempts, 6)
    skipped = batches.pop(len(batches) // 2)
    _deliver(aggregate_attempts, batches + [skipped] + batches[:2])
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


def _record(attempt, n: int) -> dict:
    """A Lambda-shaped stream record of an accepted attempt (seeded, not from the table)."""
    from chalicelib.store import attempts as attempt_store

    return {"eventID": f"seeded-{n}", "eventName": "MODIFY", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
            "awsRegion": "ap-southeast-1", "eventSourceARN": "arn:aws:dynamodb:ap-southeast-1:0:table/x/stream/1",
            "dynamodb": {"Keys": {}, "NewImage": attempt_store.image(attempt), "SequenceNumber": f"{n:021d}",
                         "SizeBytes": 500, "StreamViewType": "NEW_IMAGE"}}


def test_the_contest_counts_a_person_once_with_attempts_open_in_two_rounds(api, contest, local_aws):
    """Two rounds open at once: each submission knows whether the person's other round may count first."""
    contest.add_round("dot-1")
    contest.add_round("dot-2")
    contest.clock.advance(HOUR)
    both, one_after_other = contest.register(name="Người Hai Đợt")[0], contest.register(name="Người Lần Lượt")[0]
    open_2 = contest.start(both, "dot-2")
    assert contest.submit(both, contest.start(both, "dot-1")).status == 200     # the other may still count first
    assert contest.submit(both, open_2).status == 200                          # the first already counted
    assert contest.submit(one_after_other, contest.start(one_after_other, "dot-1")).status == 200
    assert contest.submit(one_after_other, contest.start(one_after_other, "dot-2")).status == 200
    attempts, _ = _records(local_aws)
    firsts = [r["dynamodb"]["NewImage"].get("contest_first", {}).get("S") for r in attempts
              if r["dynamodb"]["NewImage"]["status"]["S"] == "submitted"]
    assert sorted(f or "-" for f in firsts) == ["-", "-", "maybe", "yes"]
    _deliver(aggregate_attempts, events(attempts, 2) * 2)
    stats = api.get("/api/stats").body
    assert (stats["participants"], stats["submissions"]) == (2, 4)
    assert [(r["participants"], r["submissions"]) for r in stats["rounds"]] == [(2, 2), (2, 2)]


def test_two_maybes_of_one_person_count_once(api, contest):
    """Submitted in two rounds at the same moment, each saw the other still open: the person marker decides."""
    from chalicelib.contest.attempts import Progress
    from tests.seed import submitted

    maybe = Progress(first=True, best=True, gain=2, contest_first="maybe")
    records = [_record(submitted(n, "p-both", round_id, "so-noi-vu", correct=2, progress=maybe), n)
               for n, round_id in ((1, "dot-1"), (2, "dot-2"))]
    for batch in ([records[0]], [records[1]], records):
        assert aggregate_attempts({"Records": batch}, None) == {"batchItemFailures": []}
    assert api.get("/api/stats").body["participants"] == 1
