"""The live place before publication, from the aggregator's read models on DynamoDB Local: exact within the live
top list, and beyond it the best place the score allows (the live bests counted by score), said to be an estimate.
A replayed batch changes nothing."""
from app import aggregate_attempts
from chalicelib.services import own_standing
from tests.streams import events, stream_records


def test_live_places_inside_and_beyond_the_top_list(api, contest, local_aws, monkeypatch):
    contest.open_round()
    people = []
    for i, right in enumerate((5, 4, 3, 2, 1, 3)):          # the last one ties the third on score, slower
        token, me = contest.register(name=f"Người Thi {i}")
        attempt = contest.start(token)
        contest.clock.advance(10_000 * (i + 1))
        assert contest.submit(token, attempt, right=right).status == 200
        people.append(token)
    token, _ = contest.register(name="Người Thi Lại")       # a better second attempt moves a best up the scores
    first = contest.start(token)
    assert contest.submit(token, first, right=0).status == 200
    second = contest.start(token)
    contest.clock.advance(1000)
    assert contest.submit(token, second, right=4).status == 200
    people.append(token)
    batches = events(stream_records(local_aws.table_name("attempts"), local_aws.dynamodb_endpoint), 3)
    for batch in batches + batches:                          # each batch twice: counted once
        assert aggregate_attempts(batch, None) == {"batchItemFailures": []}

    def place(token):
        body = api.get("/api/me/rounds/dot-1/standing", token=token).body
        return body["rank"], body["rank_exact"], body["final"]

    assert [place(t) for t in people] == [(1, True, False), (3, True, False), (4, True, False), (6, True, False),
                                          (7, True, False), (5, True, False), (2, True, False)]
    monkeypatch.setattr(own_standing, "TOP", 2)              # a top list of two: the rest are estimated
    assert [place(t) for t in people] == [(1, True, False), (3, False, False), (4, False, False),
                                          (6, False, False), (7, False, False), (4, False, False),
                                          (2, True, False)]


def test_an_attempts_signals_reach_its_participant_in_the_organizers_list(api, contest, local_aws):
    contest.open_round()
    token, me = contest.register(name="Người Dò Đáp Án")
    attempt = contest.start(token)
    contest.clock.advance(60_000)
    one = dict(list(contest.answers(attempt).items())[:1])          # one answer of five: a probe
    assert api.post(f"/api/attempts/{attempt['id']}/submission", {"answers": one, "prediction": 1},
                    token=token).status == 200
    for batch in events(stream_records(local_aws.table_name("attempts"), local_aws.dynamodb_endpoint), 10) * 2:
        assert aggregate_attempts(batch, None) == {"batchItemFailures": []}
    listed = api.get("/api/admin/participants?q=nguoi do", token=contest.admin).body["participants"]
    assert [(p["id"], p["signals"]) for p in listed] == [(me["id"], ["probe"])]



def test_a_device_or_address_shared_by_more_accounts_than_allowed_flags_them_all(api, contest, local_aws):
    from chalicelib.contest.attempts import Progress
    from chalicelib.contest.records import replace
    from chalicelib.store import attempts as attempt_store
    from chalicelib.store import participants as participant_store
    from tests.seed import person, submitted

    assert api.put("/api/admin/contest", {"max_accounts_per_device": 2}, token=contest.admin).status == 200
    contest.open_round()
    uses = [("may-1", "nha-1"), ("may-1", "nha-2"), ("may-1", "nha-3"),      # one device, three accounts
            ("may-2", "nha-4"), ("may-3", "nha-4"), ("may-4", "nha-4"),      # one address, three accounts
            ("may-5", "nha-5"), ("may-6", "nha-6")]                          # two accounts on their own
    people = [person(f"p{i}", "so-noi-vu", phone=f"0988{i:06d}") for i in range(len(uses))]
    participant_store.save_all(people)
    attempt_store.save_all([replace(submitted(1, p.id, "dot-1", "so-noi-vu", correct=2,
                                              progress=Progress(True, True, 2, "yes")),
                                    device_hash=device, address_hash=address)
                            for p, (device, address) in zip(people, uses, strict=True)])
    for batch in events(stream_records(local_aws.table_name("attempts"), local_aws.dynamodb_endpoint), 3) * 2:
        assert aggregate_attempts(batch, None) == {"batchItemFailures": []}
    marked = participant_store.signals_of(p.id for p in people)
    flagged = ["shared_device" in marked.get(p.id, ()) for p in people]
    assert flagged == [True, True, True, True, True, True, False, False]
    # ... and the attempts file says so in its flags column
    import boto3

    from app import finalize_rounds
    from chalicelib.events import lifecycle
    from tests.support import scheduled_event

    assert api.post("/api/admin/rounds/dot-1/close", token=contest.admin).status == 202
    contest.clock.advance(lifecycle.SETTLE_MS + 30_000)
    assert finalize_rounds(scheduled_event(), None) == {"finalized": ["dot-1"]}
    body = boto3.client("s3", region_name=local_aws.region).get_object(
        Bucket=local_aws.results_bucket, Key="results/dot-1/attempts.csv")["Body"].read().decode("utf-8-sig")
    rows = {line.split(",")[1]: line for line in body.splitlines()[1:]}
    assert [("Dùng chung thiết bị" in rows[p.id]) for p in people] == flagged


def test_an_address_shared_by_very_many_keeps_only_so_many_users_and_flags_every_newcomer(api, contest, local_aws,
                                                                                        monkeypatch):
    """A carrier's address may carry thousands of participants: its users item stops growing at USERS_KEPT (over
    any limit an organizer may set), and everyone after is flagged all the same, replays included."""
    from chalicelib.contest.attempts import Progress
    from chalicelib.contest.records import replace
    from chalicelib.store import attempts as attempt_store
    from chalicelib.store import cache
    from chalicelib.store import guards as guard_store
    from chalicelib.store import participants as participant_store
    from tests.seed import person, submitted

    monkeypatch.setattr("chalicelib.events.aggregator.USERS_KEPT", 3)
    assert api.put("/api/admin/contest", {"max_accounts_per_device": 2}, token=contest.admin).status == 200
    contest.open_round()
    people = [person(f"p{i}", "so-noi-vu", phone=f"0988{i:06d}") for i in range(6)]
    participant_store.save_all(people)
    attempt_store.save_all([replace(submitted(1, p.id, "dot-1", "so-noi-vu", correct=2,
                                              progress=Progress(True, True, 2, "yes")),
                                    device_hash=f"may-{i}", address_hash="nha-mang")
                            for i, p in enumerate(people)])
    for batch in events(stream_records(local_aws.table_name("attempts"), local_aws.dynamodb_endpoint), 1) * 2:
        assert aggregate_attempts(batch, None) == {"batchItemFailures": []}
    marked = participant_store.signals_of(p.id for p in people)
    assert all("shared_device" in marked.get(p.id, ()) for p in people)
    cache.forget_all()                         # no longer known full in this process: the item itself refuses
    assert guard_store.note_users("uses#dot-1#address#nha-mang", {"p-moi"}, 0, 60, 3) is None
