"""Organizer accounts (owner only), the organizer's own account, disabled accounts and changed passwords ending
every earlier token, and the last owner who cannot lock everybody out."""
import pytest

from tests.support import assert_error

PASSWORD = "mat-khau-moi-1"


def login(api, username, password=PASSWORD):
    return api.post("/api/admin/sessions", {"username": username, "password": password})


def create(api, owner_token, username, role, unit_id=None, password=PASSWORD):
    body = {"username": username, "password": password, "role": role}
    if unit_id is not None:
        body["unit_id"] = unit_id
    return api.post("/api/admin/accounts", body, token=owner_token)


def token_of(api, owner_token, username, role, unit_id=None) -> str:
    assert create(api, owner_token, username, role, unit_id).status == 201
    reply = login(api, username)
    assert reply.status == 200, reply.text
    return reply.body["token"]


def test_the_first_owner_sees_their_own_account(api, contest):
    reply = api.get("/api/admin/me", token=contest.admin)
    assert reply.status == 200
    assert reply.body == {"username": "btc", "role": "owner", "unit_id": None}


def test_owner_creates_each_role_and_lists_them(api, contest, clock):
    assert create(api, contest.admin, "dieu-phoi.dh", "coordinator", "dong-hoi").status == 201
    for username, role in (("to-chuc", "organizer"), ("xem", "viewer"), ("chu-2", "owner")):
        reply = create(api, contest.admin, username, role)
        assert reply.status == 201, reply.text
        assert reply.body["account"] == {"username": username, "role": role, "unit_id": None, "disabled": False,
                                         "created_at": "2021-10-01T00:00:00.000Z"}
    accounts = api.get("/api/admin/accounts", token=contest.admin).body["accounts"]
    assert [(a["username"], a["role"], a["unit_id"]) for a in accounts] == [
        ("btc", "owner", None), ("chu-2", "owner", None), ("dieu-phoi.dh", "coordinator", "dong-hoi"),
        ("to-chuc", "organizer", None), ("xem", "viewer", None)]
    assert all("password" not in str(a) for a in accounts)
    coordinator = login(api, "Dieu-Phoi.DH").body["token"]     # usernames are case-insensitive
    assert api.get("/api/admin/me", token=coordinator).body == {
        "username": "dieu-phoi.dh", "role": "coordinator", "unit_id": "dong-hoi"}


@pytest.mark.parametrize("body, fields", [
    ({"username": "dp", "password": PASSWORD, "role": "viewer"}, {"username"}),
    ({"username": "có-dấu", "password": PASSWORD, "role": "viewer"}, {"username"}),
    ({"username": "ngan", "password": "ngan", "role": "viewer"}, {"password"}),
    ({"username": "vai-tro", "password": PASSWORD, "role": "admin"}, {"role"}),
    ({"username": "thieu-dv", "password": PASSWORD, "role": "coordinator"}, {"unit_id"}),
    ({"username": "thua-dv", "password": PASSWORD, "role": "organizer", "unit_id": "dong-hoi"}, {"unit_id"}),
    ({"username": "dv-la", "password": PASSWORD, "role": "coordinator", "unit_id": "khong-co"}, {"unit_id"}),
    ({"username": "thua", "password": PASSWORD, "role": "viewer", "disabled": True}, {"disabled"}),
    ({"password": PASSWORD}, {"username", "role"}),
])
def test_bad_accounts_are_refused_and_nothing_stored(api, contest, tables, body, fields):
    with tables.unchanged():
        assert_error(api.post("/api/admin/accounts", body, token=contest.admin), 400, "invalid", fields)


def test_a_username_is_taken_once(api, contest, tables):
    assert create(api, contest.admin, "to-chuc", "organizer").status == 201
    with tables.unchanged():
        assert_error(create(api, contest.admin, "TO-CHUC", "viewer"), 409, "account_exists")
        assert_error(create(api, contest.admin, "btc", "viewer"), 409, "account_exists")


def test_only_the_owner_manages_accounts(api, contest, tables):
    for role, unit in (("organizer", None), ("coordinator", "dong-hoi"), ("viewer", None)):
        token = token_of(api, contest.admin, f"tk-{role}", role, unit)
        with tables.unchanged():
            assert_error(api.get("/api/admin/accounts", token=token), 403, "forbidden")
            assert_error(create(api, token, "moi", "owner"), 403, "forbidden")
            assert_error(api.put("/api/admin/accounts/btc", {"disabled": True}, token=token), 403, "forbidden")
        assert api.get("/api/admin/me", token=token).body["role"] == role


def test_a_disabled_account_is_locked_out_at_once(api, contest, tables):
    token = token_of(api, contest.admin, "to-chuc", "organizer")
    assert api.get("/api/admin/stats", token=token).status == 200
    reply = api.put("/api/admin/accounts/to-chuc", {"disabled": True}, token=contest.admin)
    assert reply.status == 200 and reply.body["account"]["disabled"] is True
    with tables.unchanged(ignore_login=True):
        for reply in (api.get("/api/admin/stats", token=token), api.get("/api/admin/me", token=token),
                      api.put("/api/admin/units", {"units": []}, token=token)):
            assert_error(reply, 401, "unauthorized")
        assert_error(login(api, "to-chuc"), 403, "account_disabled")
        assert_error(login(api, "to-chuc", "sai-mat-khau"), 401, "bad_credentials")
    # enabled again: the tokens of before stay dead, a new login works
    assert api.put("/api/admin/accounts/to-chuc", {"disabled": False}, token=contest.admin).status == 200
    assert_error(api.get("/api/admin/stats", token=token), 401, "unauthorized")
    fresh = login(api, "to-chuc").body["token"]
    assert api.get("/api/admin/stats", token=fresh).status == 200


def test_a_new_password_ends_earlier_sessions(api, contest):
    token = token_of(api, contest.admin, "to-chuc", "organizer")
    assert api.put("/api/admin/accounts/to-chuc", {"password": "mat-khau-khac-2"}, token=contest.admin).status == 200
    assert_error(api.get("/api/admin/me", token=token), 401, "unauthorized")
    assert_error(login(api, "to-chuc"), 401, "bad_credentials")
    assert login(api, "to-chuc", "mat-khau-khac-2").status == 200


def test_a_changed_role_applies_to_the_tokens_already_out(api, contest):
    token = token_of(api, contest.admin, "to-chuc", "organizer")
    assert api.get("/api/admin/stats", token=token).status == 200
    reply = api.put("/api/admin/accounts/to-chuc", {"role": "coordinator", "unit_id": "dong-hoi"},
                    token=contest.admin)
    assert reply.status == 200 and reply.body["account"]["unit_id"] == "dong-hoi"
    assert api.get("/api/admin/me", token=token).body == {"username": "to-chuc", "role": "coordinator",
                                                          "unit_id": "dong-hoi"}
    assert_error(api.get("/api/admin/stats", token=token), 403, "forbidden")
    # back to viewer: the unit goes with the coordinator role
    reply = api.put("/api/admin/accounts/to-chuc", {"role": "viewer"}, token=contest.admin)
    assert reply.body["account"]["unit_id"] is None
    assert api.get("/api/admin/stats", token=token).status == 200


def test_account_changes_are_checked(api, contest, tables):
    assert create(api, contest.admin, "to-chuc", "organizer").status == 201
    with tables.unchanged():
        assert_error(api.put("/api/admin/accounts/to-chuc", {"role": "coordinator"}, token=contest.admin), 400,
                     "invalid", {"unit_id"})
        assert_error(api.put("/api/admin/accounts/to-chuc", {"unit_id": "dong-hoi"}, token=contest.admin), 400,
                     "invalid", {"unit_id"})
        assert_error(api.put("/api/admin/accounts/to-chuc", {"disabled": "yes", "username": "x"},
                             token=contest.admin), 400, "invalid", {"disabled", "username"})
        assert_error(api.put("/api/admin/accounts/khong-co", {"disabled": True}, token=contest.admin), 404,
                     "account_not_found")
        assert_error(api.put("/api/admin/accounts/" + "x" * 300, {"disabled": True}, token=contest.admin), 404,
                     "account_not_found")


def test_the_last_owner_cannot_lock_everybody_out(api, contest, tables):
    with tables.unchanged():
        assert_error(api.put("/api/admin/accounts/btc", {"disabled": True}, token=contest.admin), 409, "last_owner")
        assert_error(api.put("/api/admin/accounts/btc", {"role": "organizer"}, token=contest.admin), 409,
                     "last_owner")
    token_of(api, contest.admin, "chu-2", "owner")
    assert api.put("/api/admin/accounts/btc", {"role": "organizer"}, token=contest.admin).status == 200
    # btc is an organizer now: it may no longer manage accounts
    assert_error(api.get("/api/admin/accounts", token=contest.admin), 403, "forbidden")


def test_account_changes_are_audited_without_passwords(api, contest):
    assert create(api, contest.admin, "to-chuc", "organizer").status == 201
    assert api.put("/api/admin/accounts/to-chuc", {"password": "mat-khau-khac-2", "disabled": True},
                   token=contest.admin).status == 200
    entries = api.get("/api/admin/audit", token=contest.admin).body["entries"]
    update, created = entries[0], entries[1]
    assert (update["action"], update["target"], update["username"]) == ("account.update", "account:to-chuc", "btc")
    assert update["details"] == {"password": "***", "disabled": True}
    assert (created["action"], created["details"]["role"], created["details"]["password"]) == (
        "account.create", "organizer", "***")
    assert PASSWORD not in str(entries) and "mat-khau-khac-2" not in str(entries)
