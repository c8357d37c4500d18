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
