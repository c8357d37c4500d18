"""The store's conditional writes and transactions on real DynamoDB Local (moto does not check every
condition and transaction rule the way DynamoDB does)."""
from __future__ import annotations

import uuid

import pytest

from chalicelib.contest.attempts import Attempt, DrawnQuestion, Progress
from chalicelib.contest.codes import Code
from chalicelib.contest.participants import Participant
from chalicelib.contest.records import replace
from chalicelib.contest.throttle import Tally
from chalicelib.store import attempts as attempt_store
from chalicelib.store import guards as guard_store
from chalicelib.store import participants as participant_store
from tests.integration.conftest import scan

NOW = 1_700_000_000_000
MINUTE = 60_000


def person(phone: str, id_number: str | None = None) -> Participant:
    return Participant(uuid.uuid4().hex, full_name="Nguyễn Văn An", phone=phone, unit_id="so-noi-vu",
                       category="official", id_number=id_number, password_hash="scrypt$1$x$y", registered_at=NOW)


def attempt(participant_id: str, number: int = 1, started_at: int = NOW, round_id: str = "dot-1") -> Attempt:
    return Attempt(participant_id=participant_id, number=number, round_id=round_id, unit_id="so-noi-vu",
                   category="official", display_name="Nguyễn V. A.", started_at=started_at,
                   deadline=started_at + 10 * MINUTE, accept_until=started_at + 10 * MINUTE + 30_000,
                   bank_version="v1", total=2, questions=(DrawnQuestion(7, (1, 0)), DrawnQuestion(3, (0, 1))))


def submitted(item: Attempt, answers: tuple, correct: int, prediction: int, duration_ms: int, at: int) -> Attempt:
    return replace(item, status="submitted", answers=answers, correct=correct, prediction=prediction,
                   duration_ms=duration_ms, submitted_at=at,
                   progress=Progress(first=item.number == 1, best=True, gain=correct, contest_first=None))


def test_registration_claims_phone_and_id_number_in_one_transaction(local_tables):
    first = person("0912000001", "012345678901")
    participant_store.register(first)

    with pytest.raises(participant_store.AlreadyClaimed) as same_phone:
        participant_store.register(person("0912000001"))
    assert same_phone.value.field == "phone"

    other_phone = person("0912000002", "012345678901")
    with pytest.raises(participant_store.AlreadyClaimed) as same_id:
        participant_store.register(other_phone)
    assert same_id.value.field == "id_number"

    # The refused transaction wrote nothing: not the participant, not its (free) phone claim.
    assert participant_store.get(other_phone.id) is None
    assert sorted(g["key"] for g in scan(local_tables, "guards")) == ["id_number#012345678901", "phone#0912000001"]
    assert [p["participant_id"] for p in scan(local_tables, "participants")] == [first.id]
    assert participant_store.find_by_phone("0912000001").id == first.id


def test_a_start_takes_the_next_number_and_a_racing_start_loses(local_tables):
    pid = uuid.uuid4().hex
    first = attempt(pid)
    attempt_store.start(first)
    with pytest.raises(attempt_store.NumberTaken):                # a concurrent start drew the same number
        attempt_store.start(replace(first, started_at=NOW + 1))
    assert attempt_store.get(first.id).started_at == NOW         # the refused Put wrote nothing
    second = attempt(pid, 2, NOW + MINUTE, round_id="dot-2")
    attempt_store.start(second)
    assert [(a.number, a.round_id) for a in attempt_store.of_participant(pid)] == [(1, "dot-1"), (2, "dot-2")]
    assert sorted(a["attempt_id"] for a in scan(local_tables, "attempts", participant_id=pid)) == \
        sorted([first.id, second.id])


def test_an_attempt_id_that_is_no_attempt_never_reaches_dynamodb(local_tables, aws_calls):
    for bad in ("", "x" * 65, "no-number", f"{uuid.uuid4().hex}.abc"):
        assert attempt_store.get(bad) is None
    assert attempt_store.get(f"{uuid.uuid4().hex}.1") is None
    assert aws_calls.count() == 1


def test_submission_is_one_conditional_write_of_a_compact_item(local_tables):
    pid = uuid.uuid4().hex
    item = attempt(pid)
    attempt_store.start(item)
    assert attempt_store.submit(submitted(item, (1, None), 1, 7, 5 * MINUTE, NOW + 5 * MINUTE), NOW + 5 * MINUTE)
    # The same attempt again, even with other answers: refused, the stored result stays.
    assert not attempt_store.submit(submitted(item, (0, 0), 0, 1, 6 * MINUTE, NOW + 6 * MINUTE), NOW + 6 * MINUTE)
    stored = attempt_store.get(item.id)
    assert (stored.status, stored.correct, stored.prediction, stored.answers) == ("submitted", 1, 7, (1, None))
    assert stored.questions == item.questions and stored.progress == Progress(True, True, 1, None)
    (raw,) = scan(local_tables, "attempts", attempt_id=item.id)
    assert (raw["questions"], raw["answers"]) == ("7:10,3:01", "1-")
    assert raw["rs"] == attempt_store.round_shard("dot-1", pid)
    assert [a.attempt_id for a in attempt_store.accepted_in_round("dot-1")] == [item.id]


def test_submission_after_the_accept_window_is_refused(local_tables):
    item = attempt(uuid.uuid4().hex)
    attempt_store.start(item)
    assert not attempt_store.submit(submitted(item, (None, None), 0, 0, 10 * MINUTE, item.accept_until + 1),
                                    item.accept_until + 1)
    assert attempt_store.get(item.id).status == "in_progress"
    (raw,) = scan(local_tables, "attempts", attempt_id=item.id)
    assert "rs" not in raw
    assert list(attempt_store.accepted_in_round("dot-1")) == []


def test_tallies_are_written_only_over_the_version_read(local_tables):
    key = "login#0912000009"
    (read,) = guard_store.read([key]).values()
    assert read == guard_store.Stored(Tally())
    assert guard_store.write([(key, read, Tally(1, NOW))], NOW, {key: 60})
    assert not guard_store.write([(key, read, Tally(1, NOW))], NOW, {key: 60})   # someone wrote in between
    again = guard_store.read([key])[key]
    assert again.tally == Tally(1, NOW) and again.version == 1
    guard_store.clear(key)
    assert scan(local_tables, "guards", key=key) == []


def test_counts_by_atomic_add_never_below_zero(local_tables):
    key = "login#ip:x#0"
    assert [guard_store.count_up(key, NOW) for _ in range(3)] == [1, 2, 3]
    for _ in range(4):
        guard_store.count_down(key)
    assert guard_store.count_up(key, NOW) == 1


def test_a_code_is_tried_a_limited_number_of_times_and_used_once(local_tables):
    guard_store.save_code("login", "0912000009", Code("digest", NOW + 600_000))
    for tries in (1, 2):
        assert guard_store.try_code("login", "0912000009", NOW, max_tries=2) == Code("digest", NOW + 600_000, tries)
    assert guard_store.try_code("login", "0912000009", NOW, max_tries=2) is None      # tries used up
    assert not guard_store.use_code("login", "0912000009", "other")
    assert guard_store.use_code("login", "0912000009", "digest")
    assert not guard_store.use_code("login", "0912000009", "digest")                  # once only
    guard_store.save_code("reset", "0912000009", Code("d2", NOW))
    assert guard_store.try_code("reset", "0912000009", NOW, max_tries=5) is None      # expired
