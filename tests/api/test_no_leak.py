"""No answer of a participant path tells which option is correct (before the round is finalized).

Option ids are random per import, so the real correct ids are read from the store. A correct option's id must
appear only where every option's id appears (an attempt's questions[].options[].id), never anywhere else, and no
key of any answer talks about answers."""
from collections import Counter, defaultdict

from tests.support import HOUR, walk

MINUTE = 60 * 1000


def is_option_id(path: tuple) -> bool:
    """…questions[i].options[j].id"""
    return (len(path) >= 5 and path[-5] == "questions" and isinstance(path[-4], int) and path[-3] == "options"
            and isinstance(path[-2], int) and path[-1] == "id")


def full_flow(api, contest, clock):
    """Register, log in, start, read, submit (well, badly, twice, too late), me, contest, units, close."""
    contest.open_round(max_attempts=None)
    first = len(api.replies)
    token_a, _ = contest.register("Nguyễn Văn An")
    token_b, _ = contest.register("Trần Thị Bình", unit_id="dong-hoi-hai-dinh", category="citizen")
    api.post("/api/sessions", {"phone": "0912000001", "password": "mat-khau-123"})
    api.get("/api/contest")
    api.get("/api/units")
    for round_number in range(3):
        for token in (token_a, token_b):
            attempt = contest.start(token)
            api.post("/api/rounds/dot-1/attempts", token=token)  # resumed: 200 with the same attempt
            api.get(f"/api/attempts/{attempt['id']}", token=token)
            api.get("/api/me", token=token)
            clock.advance(MINUTE)
            right = (round_number * 2) % 6
            contest.submit(token, attempt, right=right, prediction=round_number)
            contest.submit(token, attempt, right=right, prediction=round_number)  # retry: same result
            contest.submit(token, attempt, right=5 - right, prediction=round_number)  # already_submitted
            api.get(f"/api/attempts/{attempt['id']}", token=token)
            api.get("/api/me", token=token)
    late = contest.start(token_a)
    clock.advance(HOUR)
    contest.submit(token_a, late)  # deadline_passed
    api.get(f"/api/attempts/{late['id']}", token=token_a)
    api.post(f"/api/attempts/{late['id']}/submission", {"answers": {"khong-co": "x"}, "prediction": 1},
             token=token_a)  # invalid
    api.get("/api/contest")
    api.get("/api/me", token=token_a)
    # the round closes; it is not finalized yet, so still nothing may show the answers
    last = contest.start(token_b)
    api.post("/api/admin/rounds/dot-1/close", token=contest.admin)
    api.get(f"/api/attempts/{last['id']}", token=token_b)
    api.get("/api/me", token=token_b)
    api.get("/api/contest")
    return api.replies[first:]


def test_no_reply_of_a_full_flow_tells_the_correct_option(api, contest, clock):
    replies = full_flow(api, contest, clock)
    bank = contest.bank()
    correct_ids_appear_only_as_options(replies, bank)
    options_carry_nothing_but_id_and_text_and_are_shuffled(replies, bank)


def correct_ids_appear_only_as_options(replies, bank):
    correct_ids = {q.answer for q in bank.values()}
    assert len(correct_ids) == len(bank) == 8
    statuses = Counter(reply.status for reply in replies)
    assert {200, 201, 400, 409} <= set(statuses), statuses

    seen_option_ids = 0
    for reply in replies:
        placed = Counter()
        for path, key, value in walk(reply.body):
            if key is not None and not (len(path) >= 2 and path[:2] == ("error", "fields")):
                assert "answer" not in key.lower(), (key, reply.text[:300])
                assert key.lower() not in ("is_correct", "correct_option", "key", "solution"), key
                assert key != "correct" or path[-2] in ("result", "best"), path
            if isinstance(key, str):
                assert not any(cid in key for cid in correct_ids), (path, reply.text[:300])
            if isinstance(value, str) and any(cid in value for cid in correct_ids):
                assert is_option_id(path) and value in correct_ids, (path, value)
                placed[value] += 1
        # the raw text holds a correct id exactly as often as option lists do: nowhere else, in no form
        for cid in correct_ids:
            assert reply.text.count(cid) == placed[cid], (cid, reply.text[:300])
        seen_option_ids += sum(placed.values())
    assert seen_option_ids > 0  # the check did look at attempts


def options_carry_nothing_but_id_and_text_and_are_shuffled(replies, bank):
    positions = defaultdict(set)  # question id → positions the correct option was shown at
    bank_order = 0
    shown = 0
    for reply in replies:
        for _path, key, value in walk(reply.body):
            if key == "questions" and isinstance(value, list):
                for question in value:
                    assert set(question) == {"id", "text", "options"}
                    assert all(set(option) == {"id", "text"} for option in question["options"])
                    ids = [option["id"] for option in question["options"]]
                    stored = bank[question["id"]]
                    positions[question["id"]].add(ids.index(stored.answer))
                    bank_order += ids == [oid for oid, _ in stored.options]
                    shown += 1
    assert shown >= 20
    # over this many draws the correct option sits at more than one place, and options are not in bank order
    assert len(set().union(*positions.values())) > 1
    assert bank_order < shown
