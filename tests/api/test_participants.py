"""Registration, login (with its failure throttle) and the participant's own view."""
import json
import unicodedata

import pytest

from tests.support import HOUR, assert_error, walk

PARTICIPANT_KEYS = {"id", "full_name", "phone", "unit_id", "category", "birth_year", "email", "registered_at",
                    "verified"}
PASSWORD = "mật-khẩu-bí-mật-1"
PHONE_FORMS = ["+84 912 345 678", "84912345678", "0912345678", "+84912345678", "0912.345.678", "(091) 234-5678"]


def registration(**changes) -> dict:
    return {"full_name": "Nguyễn Thị Ánh Tuyết", "phone": "0912345678", "password": PASSWORD,
            "unit_id": "dong-hoi-hai-dinh", "category": "citizen", **changes}


def register(api, **changes):
    return api.post("/api/participants", registration(**changes))


def test_register_answers_201_with_the_participant_and_a_token(api, contest, clock):
    reply = register(api, birth_year=1990, id_number="044201000123", email="Tuyet.Nguyen@Example.vn")
    assert reply.status == 201, reply.text
    assert set(reply.body) == {"participant", "token"}
    participant = reply.body["participant"]
    assert set(participant) == PARTICIPANT_KEYS
    assert participant["full_name"] == "Nguyễn Thị Ánh Tuyết"
    assert participant["phone"] == "0912345678"
    assert (participant["unit_id"], participant["category"]) == ("dong-hoi-hai-dinh", "citizen")
    assert (participant["birth_year"], participant["email"]) == (1990, "tuyet.nguyen@example.vn")
    assert participant["registered_at"].startswith("2021-10-01T00:00:00")
    me = api.get("/api/me", token=reply.body["token"])
    assert me.status == 200 and me.body["participant"] == participant


def test_register_with_a_charset_in_the_content_type(api, contest):
    body = json.dumps(registration(), ensure_ascii=False).encode()
    reply = api.post("/api/participants", raw=body, content_type="application/json; charset=utf-8")
    assert reply.status == 201, reply.text
    assert reply.body["participant"]["full_name"] == "Nguyễn Thị Ánh Tuyết"


def test_register_with_only_the_required_fields(api, contest):
    reply = register(api, category="official", unit_id="so-noi-vu")
    assert reply.status == 201, reply.text
    participant = reply.body["participant"]
    assert (participant["birth_year"], participant["email"]) == (None, None)
    assert participant["category"] == "official"


@pytest.mark.parametrize("form", PHONE_FORMS)
def test_phone_is_normalised_to_the_national_form(api, contest, form):
    reply = register(api, phone=form)
    assert reply.status == 201, reply.text
    assert reply.body["participant"]["phone"] == "0912345678"


def test_one_person_per_phone_whatever_its_form(api, contest, tables):
    assert register(api, phone="+84 912 345 678").status == 201
    for form in ("84912345678", "0912345678", "+84912345678"):
        with tables.unchanged():
            reply = register(api, phone=form, full_name="Người Khác", id_number="044201000999")
        assert_error(reply, 409, "phone_taken")


def test_one_person_per_citizen_id(api, contest, tables):
    assert register(api, id_number="044201000123").status == 201
    with tables.unchanged():
        reply = register(api, phone="0987654321", id_number="044201000123")
    assert_error(reply, 409, "id_number_taken")
    # no claim was left behind by the refused registration: its phone is still free
    assert register(api, phone="0987654321").status == 201


def test_unknown_unit_is_invalid_naming_unit_id(api, contest, tables):
    with tables.unchanged():
        reply = register(api, unit_id="xa-khong-co")
    assert_error(reply, 400, "invalid", {"unit_id"})


def test_invalid_registration_names_every_bad_field(api, contest, tables):
    with tables.unchanged():
        reply = register(api, full_name="A", phone="123", password="ngan", category="khac", birth_year="x")
    error = assert_error(reply, 400, "invalid", {"full_name", "phone", "password", "category", "birth_year"})
    assert all(message for message in error["fields"].values())


@pytest.mark.parametrize("form", ["+84 912 345 678", "84912345678", "0912345678"])
def test_login_with_any_form_of_the_phone(api, contest, form):
    registered = register(api, phone="0912345678").body["participant"]
    reply = api.post("/api/sessions", {"phone": form, "password": PASSWORD})
    assert reply.status == 200, reply.text
    assert set(reply.body) == {"participant", "token"}
    assert reply.body["participant"] == registered
    assert api.get("/api/me", token=reply.body["token"]).body["participant"]["id"] == registered["id"]


def test_login_refuses_a_wrong_password_and_an_unknown_phone_alike(api, contest, tables):
    register(api)
    with tables.unchanged(ignore_login=True):
        wrong = api.post("/api/sessions", {"phone": "0912345678", "password": "sai-mat-khau"})
        unknown = api.post("/api/sessions", {"phone": "0987654321", "password": PASSWORD})
    assert_error(wrong, 401, "bad_credentials")
    assert_error(unknown, 401, "bad_credentials")
    assert wrong.body == unknown.body  # nothing tells whether the phone is registered


def test_too_many_failures_for_one_phone_get_429(api, contest, clock, tables):
    register(api)
    for _ in range(5):  # LOGIN_MAX_FAILURES
        assert_error(api.post("/api/sessions", {"phone": "0912345678", "password": "sai-mat-khau"}), 401,
                     "bad_credentials")
    with tables.unchanged():
        locked = api.post("/api/sessions", {"phone": "0912345678", "password": PASSWORD})
    assert_error(locked, 429, "too_many_attempts")
    # the other forms of the number are the same phone, so the same lock
    assert_error(api.post("/api/sessions", {"phone": "+84 912 345 678", "password": PASSWORD}), 429,
                 "too_many_attempts")
    # another phone is not locked
    register(api, phone="0987654321")
    assert api.post("/api/sessions", {"phone": "0987654321", "password": PASSWORD}).status == 200
    # once the window (LOGIN_WINDOW_SECONDS, 900) has passed, the right password works again
    clock.advance(901 * 1000)
    assert api.post("/api/sessions", {"phone": "0912345678", "password": PASSWORD}).status == 200


def test_failures_under_other_forms_of_the_phone_count_together(api, contest):
    register(api)
    for form in ("+84 912 345 678", "84912345678", "0912345678", "+84912345678", "0912 345 678"):
        assert api.post("/api/sessions", {"phone": form, "password": "sai-mat-khau"}).status == 401
    assert_error(api.post("/api/sessions", {"phone": "0912345678", "password": PASSWORD}), 429,
                 "too_many_attempts")


def test_a_successful_login_clears_the_failures(api, contest):
    register(api)
    for _ in range(2):
        for _ in range(4):
            assert api.post("/api/sessions", {"phone": "0912345678", "password": "sai"}).status == 401
        assert api.post("/api/sessions", {"phone": "0912345678", "password": PASSWORD}).status == 200


def test_me_lists_every_round_with_attempts_and_best(api, contest, clock):
    contest.open_round("dot-1")
    contest.add_round("dot-2", opens_in=10 * 24 * HOUR, n_questions=0)
    token, participant = contest.register()
    reply = api.get("/api/me", token=token)
    assert reply.status == 200
    assert reply.body["participant"] == participant
    assert reply.body["rounds"] == [
        {"round_id": "dot-1", "attempts_used": 0, "attempt_in_progress": None, "best": None, "attempts": []},
        {"round_id": "dot-2", "attempts_used": 0, "attempt_in_progress": None, "best": None, "attempts": []},
    ]
    attempt = contest.start(token)
    first = api.get("/api/me", token=token).body["rounds"][0]
    assert (first["attempts_used"], first["attempt_in_progress"], first["best"]) == (1, attempt["id"], None)

    clock.advance(90 * 1000)
    result = contest.submit(token, attempt, right=2, prediction=7).body["result"]
    first = api.get("/api/me", token=token).body["rounds"][0]
    assert (first["attempts_used"], first["attempt_in_progress"]) == (1, None)
    assert first["best"] == result

    better = contest.start(token)
    clock.advance(60 * 1000)
    better_result = contest.submit(token, better, right=4, prediction=3).body["result"]
    worse = contest.start(token)
    contest.submit(token, worse, right=1)
    first = api.get("/api/me", token=token).body["rounds"][0]
    assert first["attempts_used"] == 3
    assert first["best"] == better_result
    # every attempt of the round, oldest first, with its own result (an extension of the contract)
    assert [(a["id"], a["status"], a["result"]["correct"]) for a in first["attempts"]] == [
        (attempt["id"], "submitted", 2), (better["id"], "submitted", 4), (worse["id"], "submitted", 1)]
    assert first["attempts"][1]["result"] == better_result
    assert all(set(a) == {"id", "started_at", "deadline", "status", "result"} for a in first["attempts"])


def test_me_needs_a_participant_token(api, contest):
    assert_error(api.get("/api/me"), 401, "unauthorized")
    assert_error(api.get("/api/me", token="x.y"), 401, "unauthorized")
    assert_error(api.get("/api/me", token=contest.admin), 403, "forbidden")


def test_the_password_never_comes_back(api, contest):
    contest.open_round()
    token = register(api).body["token"]
    api.post("/api/sessions", {"phone": "+84 912 345 678", "password": PASSWORD})
    api.post("/api/sessions", {"phone": "0912345678", "password": PASSWORD + "x"})
    api.get("/api/me", token=token)
    attempt = contest.start(token)
    api.get(f"/api/attempts/{attempt['id']}", token=token)
    contest.submit(token, attempt)
    register(api, phone="0987654321", password="ngan")  # refused: names the field, not the value
    assert len(api.replies) > 8
    for reply in api.replies:
        assert PASSWORD not in reply.text
        assert "scrypt$" not in reply.text
        for _, key, _ in walk(reply.body):
            assert key is None or "password" not in key.lower() or reply.status == 400


@pytest.mark.parametrize("name", [
    "Nguyễn Thị Ánh Tuyết",
    "Trần Đức Lộc",
    "Hoàng Thị Thu Hằng",
    "Phạm Văn Ưởng",
    unicodedata.normalize("NFD", "Lê Thị Mỹ Duyên"),
])
def test_vietnamese_names_come_back_intact(api, contest, name):
    """Intact, and composed (NFC): a name typed with combining marks is the same name."""
    token = register(api, full_name=name).body["token"]
    assert api.get("/api/me", token=token).body["participant"]["full_name"] == unicodedata.normalize("NFC", name)


def test_a_citizen_id_in_full_width_digits_is_refused(api, contest, tables):
    """"\\d" matches any Unicode digit: "０４４２…" would be a second claim on the same CCCD."""
    assert register(api, id_number="044201000123").status == 201
    wide = "".join(chr(ord("０") + int(d)) for d in "044201000123")
    with tables.unchanged():
        reply = register(api, phone="0987654321", id_number=wide)
    assert_error(reply, 400, "invalid", {"id_number"})


def test_a_phone_with_full_width_digits_is_the_same_person_or_refused(api, contest, tables):
    assert register(api, phone="0912345678").status == 201
    reply = register(api, phone="091234567\uff18", full_name="Người Khác")
    assert reply.status in (400, 409), reply.text
    assert reply.code in ("invalid", "phone_taken")


def test_participant_logins_cannot_lock_out_an_organizer(api, contest):
    """Organizer failures are counted under "admin:<username>"; a participant "phone" must never reach that key."""
    for _ in range(6):
        reply = api.post("/api/sessions", {"phone": "admin:btc", "password": "sai-mat-khau"})
        assert reply.status in (400, 401, 429), reply.text
    assert api.post("/api/admin/sessions", {"username": "btc", "password": "mat-khau-btc-1"}).status == 200
