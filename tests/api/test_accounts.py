"""Accounts (API.md, Accounts (extensions)): SMS codes, registration with `phone_verification: required`, code
login, password reset and change, logout, the profile, and token versions ending earlier sessions."""
from __future__ import annotations

import pytest

from chalicelib.contest.records import replace
from tests.support import HOUR, assert_error

PASSWORD = "mat-khau-123"
MINUTE = 60 * 1000


def require_verification(clock) -> None:
    from chalicelib.services import contest as contest_service
    from chalicelib.store import settings as settings_store

    settings_store.save_contest(replace(contest_service.defaults(), phone_verification="required"), clock.now)


def request_code(api, phone: str, purpose: str = "register"):
    return api.post("/api/verifications", {"phone": phone, "purpose": purpose})


def body(phone: str, **extra) -> dict:
    return {"full_name": "Nguyễn Thị Ánh Tuyết", "phone": phone, "password": PASSWORD, "unit_id": "so-noi-vu",
            "category": "citizen", **extra}


# --- registration with phone_verification: required


def test_required_verification_refuses_no_code_and_a_wrong_one(api, contest, clock, tables, sms_outbox):
    require_verification(clock)
    with tables.unchanged():
        assert_error(api.post("/api/participants", body("0912345678")), 400, "invalid", {"code"})
    assert request_code(api, "0912345678").status == 202
    right = sms_outbox.code("0912345678", "register")
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    assert_error(api.post("/api/participants", body("0912345678", code=wrong)), 400, "bad_code", {"code"})
    assert_error(api.post("/api/participants", body("0912345678", code="12ab56")), 400, "bad_code")


def test_a_good_code_registers_a_verified_participant_once(api, contest, clock, sms_outbox):
    require_verification(clock)
    reply = request_code(api, "+84 912 345 678")
    assert reply.status == 202 and reply.body["expires_at"].endswith("Z")
    code = sms_outbox.code("0912345678", "register")
    created = api.post("/api/participants", body("0912345678", code=code))
    assert created.status == 201, created.text
    assert created.body["participant"]["verified"] is True
    assert api.get("/api/me", token=created.body["token"]).body["participant"]["verified"] is True
    # the code is used up
    assert_error(api.post("/api/participants", body("0987654321", code=code)), 400, "bad_code")


def test_without_verification_a_participant_is_not_verified(api, contest):
    created = api.post("/api/participants", body("0912345678"))
    assert created.status == 201 and created.body["participant"]["verified"] is False


def test_a_code_is_good_for_its_own_phone_and_purpose_only(api, contest, clock, sms_outbox):
    require_verification(clock)
    request_code(api, "0912345678")
    code = sms_outbox.code("0912345678")
    assert_error(api.post("/api/participants", body("0912345679", code=code)), 400, "bad_code")
    assert_error(api.post("/api/sessions", {"phone": "0912345678", "code": code}), 400, "bad_code")


def test_a_code_expires_after_ten_minutes(api, contest, clock, sms_outbox):
    require_verification(clock)
    request_code(api, "0912345678")
    clock.advance(10 * MINUTE)
    assert_error(api.post("/api/participants", body("0912345678", code=sms_outbox.code("0912345678"))), 400,
                 "bad_code")


def test_five_tries_then_even_the_right_code_is_refused(api, contest, clock, sms_outbox):
    require_verification(clock)
    request_code(api, "0912345678")
    code = sms_outbox.code("0912345678")
    for _ in range(5):
        assert_error(api.post("/api/participants", body("0912345678", code="000000" if code != "000000"
                                                        else "111111")), 400, "bad_code")
    assert_error(api.post("/api/participants", body("0912345678", code=code)), 400, "bad_code")


def test_codes_are_stored_hashed(api, contest, tables, sms_outbox):
    request_code(api, "0912345678")
    code = sms_outbox.code("0912345678")
    stored = tables.snapshot()
    assert any("code#register#0912345678" in item for item in stored["test-guards"])
    assert not any(code in item for items in stored.values() for item in items)


def test_a_fourth_code_within_fifteen_minutes_is_429(api, contest, clock, tables, sms_outbox):
    for _ in range(3):
        assert request_code(api, "0912345678").status == 202
        clock.advance(MINUTE)
    with tables.unchanged():
        refused = request_code(api, "0912345678", "login")
    assert_error(refused, 429, "too_many_codes")
    assert int(refused.headers["retry-after"]) == 12 * 60    # the first of the three was 3 minutes ago
    assert len(sms_outbox.messages()) == 3
    assert request_code(api, "0987654321").status == 202      # another phone is not held up
    clock.advance(12 * MINUTE)
    assert request_code(api, "0912345678").status == 202


def test_the_answer_does_not_tell_whether_a_phone_is_registered(api, contest, sms_outbox):
    _, participant = contest.register()
    for purpose in ("reset", "login"):
        known = request_code(api, participant["phone"], purpose)
        unknown = request_code(api, "0987654321", purpose)
        assert (known.status, set(known.body)) == (unknown.status, set(unknown.body)) == (202, {"expires_at"})
    assert {m["to"] for m in sms_outbox.messages()} == {participant["phone"]}   # no SMS to a stranger


def test_the_sms_says_what_the_code_is_for_in_one_message(api, contest, sms_outbox):
    _, participant = contest.register()
    request_code(api, participant["phone"], "reset")
    (sms,) = sms_outbox.messages()
    assert set(sms) == {"to", "text", "code", "purpose", "at"}
    assert sms["code"] in sms["text"] and "đặt lại mật khẩu" in sms["text"]
    assert len(sms["text"]) <= 70      # one SMS in UCS-2 (Vietnamese needs it)


# --- code login, reset, change, logout: every earlier token stops working


def paths_of(api, contest, token: str, attempt: dict) -> list:
    return [api.get("/api/me", token=token), api.get(f"/api/attempts/{attempt['id']}", token=token),
            api.post("/api/rounds/dot-1/attempts", token=token),
            contest.submit(token, attempt), api.put("/api/me", {"full_name": "Tên Mới"}, token=token),
            api.put("/api/me/password", {"password": PASSWORD, "new_password": "mat-khau-moi-1"}, token=token),
            api.call("DELETE", "/api/sessions/current", token=token)]


@pytest.fixture
def playing(contest):
    contest.open_round("dot-1")
    token, participant = contest.register()
    attempt = contest.start(token)
    return token, participant, attempt


def test_a_reset_ends_every_earlier_token_and_the_new_one_can_submit(api, contest, playing, sms_outbox, tables):
    token, participant, attempt = playing
    other_device = api.post("/api/sessions", {"phone": participant["phone"], "password": PASSWORD}).body["token"]
    request_code(api, participant["phone"], "reset")
    reset = api.post("/api/password-resets", {"phone": participant["phone"], "new_password": "mat-khau-moi-1",
                                              "code": sms_outbox.code(participant["phone"], "reset")})
    assert reset.status == 200, reset.text
    assert reset.body["participant"]["verified"] is True
    for old in (token, other_device):
        with tables.unchanged():
            for reply in paths_of(api, contest, old, attempt):
                assert_error(reply, 401, "unauthorized")
    new = reset.body["token"]
    assert api.get(f"/api/attempts/{attempt['id']}", token=new).status == 200
    assert contest.submit(new, attempt).status == 200       # the attempt in progress goes on with the new token
    assert api.post("/api/sessions", {"phone": participant["phone"], "password": PASSWORD}).status == 401
    assert api.post("/api/sessions", {"phone": participant["phone"], "password": "mat-khau-moi-1"}).status == 200


def test_a_change_ends_every_other_token(api, contest, playing, tables):
    token, participant, attempt = playing
    other = api.post("/api/sessions", {"phone": participant["phone"], "password": PASSWORD}).body["token"]
    assert_error(api.put("/api/me/password", {"password": "sai-mat-khau", "new_password": "mat-khau-moi-1"},
                         token=token), 401, "bad_credentials")
    changed = api.put("/api/me/password", {"password": PASSWORD, "new_password": "mat-khau-moi-1"}, token=token)
    assert changed.status == 200 and set(changed.body) == {"token"}
    for old in (token, other):
        with tables.unchanged():
            assert_error(api.get("/api/me", token=old), 401, "unauthorized")
            assert_error(contest.submit(old, attempt), 401, "unauthorized")
    assert contest.submit(changed.body["token"], attempt).status == 200


def test_logout_ends_the_token(api, contest, playing, tables):
    token, _, attempt = playing
    reply = api.call("DELETE", "/api/sessions/current", token=token)
    assert reply.status == 204 and reply.text == ""
    with tables.unchanged():
        for answer in paths_of(api, contest, token, attempt):
            assert_error(answer, 401, "unauthorized")


def test_end_sessions_for_the_organizers_side(api, contest, playing):
    """What an organizer's temporary password or a disabled account calls: every token ends, a new password
    (given as its hash) holds."""
    from chalicelib import auth
    from chalicelib.services import sessions

    token, participant, attempt = playing
    moved = sessions.end_sessions(participant["id"], auth.hash_password("tam-thoi-123"))
    assert moved.token_version == 1
    assert_error(contest.submit(token, attempt), 401, "unauthorized")
    assert api.post("/api/sessions", {"phone": participant["phone"], "password": "tam-thoi-123"}).status == 200
    assert contest.submit(sessions.token_for(moved), attempt).status == 200


def test_a_code_login_is_not_held_up_by_others_failures(api, contest, sms_outbox):
    _, participant = contest.register()
    phone = participant["phone"]
    for _ in range(5):
        assert api.post("/api/sessions", {"phone": phone, "password": "sai-mat-khau"}).status == 401
    locked = api.post("/api/sessions", {"phone": phone, "password": PASSWORD})
    assert_error(locked, 429, "too_many_attempts")
    assert locked.headers["retry-after"] == "30"
    request_code(api, phone, "login")
    logged_in = api.post("/api/sessions", {"phone": phone, "code": sms_outbox.code(phone, "login")})
    assert logged_in.status == 200 and logged_in.body["participant"]["verified"] is True
    assert api.post("/api/sessions", {"phone": phone, "password": PASSWORD}).status == 200   # failures cleared


def test_delays_double_with_each_failure_up_to_fifteen_minutes(api, contest, clock):
    _, participant = contest.register()
    wrong = {"phone": participant["phone"], "password": "sai-mat-khau"}
    for _ in range(5):
        assert api.post("/api/sessions", wrong).status == 401
    waits = []
    for _ in range(7):
        refused = api.post("/api/sessions", wrong)
        assert refused.status == 429
        waits.append(int(refused.headers["retry-after"]))
        clock.advance(waits[-1] * 1000)
        assert api.post("/api/sessions", wrong).status == 401
    assert waits == [30, 60, 120, 240, 480, 900, 900]


def test_login_wants_exactly_one_of_password_and_code(api, contest):
    for extra in ({}, {"password": PASSWORD, "code": "123456"}):
        assert_error(api.post("/api/sessions", {"phone": "0912000001", **extra}), 400, "invalid", {"password"})


# --- the profile


def test_profile_changes_and_unit_is_fixed_once_an_attempt_started(api, contest, clock):
    contest.open_round("dot-1")
    token, participant = contest.register()
    changed = api.put("/api/me", {"full_name": "  Trần   Văn  Bình ", "email": "binh@example.vn",
                                  "unit_id": "dong-hoi", "category": "citizen"}, token=token)
    assert changed.status == 200, changed.text
    assert {k: changed.body["participant"][k] for k in ("full_name", "email", "unit_id", "category")} == {
        "full_name": "Trần Văn Bình", "email": "binh@example.vn", "unit_id": "dong-hoi", "category": "citizen"}
    assert api.put("/api/me", {"email": None}, token=token).body["participant"]["email"] is None
    attempt = contest.start(token)
    assert_error(api.put("/api/me", {"unit_id": "so-noi-vu"}, token=token), 409, "participant_has_attempts")
    assert contest.submit(token, attempt).status == 200
    assert_error(api.put("/api/me", {"category": "official"}, token=token), 409, "participant_has_attempts")
    assert api.put("/api/me", {"unit_id": "dong-hoi", "full_name": "Trần Văn Bình"}, token=token).status == 200
    assert api.get("/api/me", token=token).body["participant"]["unit_id"] == "dong-hoi"


@pytest.mark.parametrize("name", ["\u200b\u200b\u200b", "\u3164\u3164", "A\u0301", "An\u0000h", "\u202e\u202e"])
def test_blank_invisible_or_control_names_are_refused(api, contest, name):
    assert_error(api.post("/api/participants", body("0912345678", full_name=name)), 400, "invalid", {"full_name"})


def test_format_characters_are_removed_from_names(api, contest):
    created = api.post("/api/participants", body("0912345678", full_name="Lê\u200b Văn\u00ad An"))
    assert created.body["participant"]["full_name"] == "Lê Văn An"


# --- signals and hashes stored on the attempt


def test_the_attempt_keeps_hashed_device_and_address_and_its_signals(api, contest, clock, tables):
    from chalicelib.store import attempts as attempt_store

    contest.open_round("dot-1")
    token, _ = contest.register()
    reply = api.post("/api/rounds/dot-1/attempts", token=token, headers={"x-device-id": "thiet-bi-0001"})
    attempt = reply.body["attempt"]
    clock.advance(3000)                                    # 3 s for 5 questions: faster than 2 s each
    assert contest.submit(token, attempt, right=2).status == 200
    stored = attempt_store.get(attempt["id"])
    assert stored.flags == ("too_fast",)
    assert stored.device_hash and stored.address_hash and stored.device_hash != stored.address_hash
    assert not any("thiet-bi-0001" in item for items in tables.snapshot().values() for item in items)

    second = contest.start(token)
    clock.advance(HOUR // 6)
    one = {second["questions"][0]["id"]: second["questions"][0]["options"][0]["id"]}
    assert api.post(f"/api/attempts/{second['id']}/submission", {"answers": one, "prediction": 1},
                    token=token).status == 200
    assert attempt_store.get(second["id"]).flags == ("probe",)


def test_one_address_is_held_up_after_its_own_limit_of_failures(api, contest, monkeypatch, tables):
    from chalicelib import config

    monkeypatch.setenv("LOGIN_ADDRESS_MAX_FAILURES", "3")
    config.current.cache_clear()
    phones = [contest.register(f"Người Thứ {i}")[1]["phone"] for i in range(5)]
    for phone in phones[:3]:
        assert api.post("/api/sessions", {"phone": phone, "password": "sai-mat-khau"}).status == 401
    with tables.unchanged():      # a refused try changes nothing
        refused = api.post("/api/sessions", {"phone": phones[3], "password": PASSWORD})
    assert_error(refused, 429, "too_many_attempts")
    assert 0 < int(refused.headers["retry-after"]) <= 3600
    config.current.cache_clear()
