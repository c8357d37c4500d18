"""The store's conditional writes and transactions on real DynamoDB Local (moto does not check every
condition and transaction rule the way DynamoDB does)."""
from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from chalicelib.contest.attempts import Attempt, DrawnQuestion
from chalicelib.contest.codes import Code
from chalicelib.contest.participants import Participant
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


def attempt(participant_id: str, started_at: int = NOW, round_id: str = "dot-1") -> Attempt:
    return Attempt(uuid.uuid4().hex, participant_id=participant_id, round_id=round_id, unit_id="so-noi-vu",
                   category="official", display_name="Nguyễn V. A.", started_at=started_at,
                   deadline=started_at + 10 * MINUTE, accept_until=started_at + 10 * MINUTE + 30_000,
                   bank_version="v1", total=2,
                   questions=(DrawnQuestion("q1", ("a", "b")), DrawnQuestion("q2", ("c", "d"))))


def submitted(item: Attempt, answers: dict, correct: int, prediction: int, duration_ms: int, at: int) -> Attempt:
    return replace(item, status="submitted", answers=answers, correct=correct, prediction=prediction,
                   duration_ms=duration_ms, submitted_at=at)


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


def test_start_allows_one_attempt_in_progress_and_counts_against_the_limit(local_tables):
    pid = uuid.uuid4().hex
    first = attempt(pid)
    attempt_store.start(first, max_attempts=2, now=NOW)

    second = attempt(pid, NOW + MINUTE)
    with pytest.raises(attempt_store.StartRefused):          # the first is still in progress
        attempt_store.start(second, max_attempts=2, now=NOW + MINUTE)
    assert attempt_store.get(second.id) is None      # the transaction wrote nothing

    assert attempt_store.submit(submitted(first, {"q1": "a"}, 1, 3, MINUTE, NOW + MINUTE), NOW + MINUTE)
    attempt_store.start(second, max_attempts=2, now=NOW + 2 * MINUTE, finished=first.id)
    assert attempt_store.submit(submitted(second, {"q1": "a"}, 1, 3, MINUTE, NOW + 3 * MINUTE), NOW + 3 * MINUTE)

    third = attempt(pid, NOW + 4 * MINUTE)
    with pytest.raises(attempt_store.StartRefused):          # the limit of 2 is reached
        attempt_store.start(third, max_attempts=2, now=NOW + 4 * MINUTE, finished=second.id)
    entry = attempt_store.get_entry(pid, "dot-1")
    assert (entry.attempts_used, entry.in_progress) == (2, second.id)
    assert sorted(a["attempt_id"] for a in scan(local_tables, "attempts", participant_id=pid)) == \
        sorted([first.id, second.id])


def test_an_abandoned_attempt_frees_the_entry_once_its_time_is_over(local_tables):
    pid = uuid.uuid4().hex
    first = attempt(pid)
    attempt_store.start(first, max_attempts=None, now=NOW)
    late = first.accept_until + 1
    second = attempt(pid, late)
    attempt_store.start(second, max_attempts=None, now=late)   # in_progress_until < now: free again
    assert attempt_store.get_entry(pid, "dot-1").attempts_used == 2


def test_submission_is_one_conditional_write(local_tables):
    pid = uuid.uuid4().hex
    item = attempt(pid)
    attempt_store.start(item, max_attempts=5, now=NOW)
    assert attempt_store.submit(submitted(item, {"q1": "a", "q2": "c"}, 2, 7, 5 * MINUTE, NOW + 5 * MINUTE),
                                NOW + 5 * MINUTE)
    # The same attempt again, even with other answers: refused, the stored result stays.
    assert not attempt_store.submit(submitted(item, {"q1": "b"}, 0, 1, 6 * MINUTE, NOW + 6 * MINUTE),
                                    NOW + 6 * MINUTE)
    stored = attempt_store.get(item.id)
    assert (stored.status, stored.correct, stored.prediction, stored.answers) == \
        ("submitted", 2, 7, {"q1": "a", "q2": "c"})
    (raw,) = scan(local_tables, "attempts", attempt_id=item.id)
    assert raw["rs"].startswith("dot-1#")
    assert [a.attempt_id for a in attempt_store.accepted_in_round("dot-1")] == [item.id]


def test_submission_after_the_accept_window_is_refused(local_tables):
    item = attempt(uuid.uuid4().hex)
    attempt_store.start(item, max_attempts=5, now=NOW)
    assert not attempt_store.submit(submitted(item, {}, 0, 0, 10 * MINUTE, item.accept_until + 1),
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
