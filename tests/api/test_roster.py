"""Participants for organizers and coordinators: the search (unit with descendants, phone in any form, CCCD,
name prefix without accents, category, status, cursor paging), the card with attempts and signals, profile
changes, disqualification (no new attempt, hidden from the live leaderboard) and the temporary password."""
import pytest

from chalicelib.contest.records import replace
from chalicelib.store import attempts as attempt_store
from chalicelib.store import participants as participant_store
from tests.api.test_organizer_accounts import token_of
from tests.support import assert_error

ADMIN_KEYS = {"id", "full_name", "phone", "unit_id", "category", "birth_year", "email", "registered_at", "verified",
              "status", "disqualified_reason", "signals"}
PEOPLE = [  # name, unit, category, CCCD
    ("Nguyễn Văn An", "so-noi-vu", "official", "044190000001"),
    ("Nguyễn Thị Ánh", "dong-hoi", "official", None),
    ("Trần Thị Bình", "dong-hoi-hai-dinh", "citizen", "044190000003"),
    ("Đặng Văn Đức", "dong-hoi-hai-dinh", "citizen", None),
    ("Lê Hữu Nghĩa", "dong-hoi-hai-dinh", "official", None),
]


@pytest.fixture
def people(contest):
    """The PEOPLE registered through the API: name → (token, participant)."""
    found = {}
    for name, unit, category, cccd in PEOPLE:
        extra = {"id_number": cccd} if cccd else {}
        found[name] = contest.register(name, unit_id=unit, category=category, **extra)
    return found


def search(api, token, **query):
    path = "/api/admin/participants"
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return api.get(path, token=token)


def names(reply) -> list[str]:
    assert reply.status == 200, reply.text
    return [p["full_name"] for p in reply.body["participants"]]


def test_the_whole_contest_unit_by_unit_then_by_name(api, contest, people):
    reply = search(api, contest.admin)
    assert names(reply) == ["Nguyễn Thị Ánh", "Đặng Văn Đức", "Lê Hữu Nghĩa", "Trần Thị Bình", "Nguyễn Văn An"]
    assert reply.body["next"] is None
    assert all(set(p) == ADMIN_KEYS for p in reply.body["participants"])
    first = reply.body["participants"][0]
    assert (first["status"], first["verified"], first["signals"], first["disqualified_reason"]) == (
        "active", False, [], None)


def test_a_unit_includes_its_descendants(api, contest, people):
    assert names(search(api, contest.admin, unit_id="dong-hoi")) == [
        "Nguyễn Thị Ánh", "Đặng Văn Đức", "Lê Hữu Nghĩa", "Trần Thị Bình"]
    assert names(search(api, contest.admin, unit_id="dong-hoi-hai-dinh", category="official")) == ["Lê Hữu Nghĩa"]
    assert names(search(api, contest.admin, unit_id="so-noi-vu")) == ["Nguyễn Văn An"]


@pytest.mark.parametrize("form", ["{phone}", "+84 {rest}", "84{rest}", "{dotted}"])
def test_find_by_phone_in_any_written_form(api, contest, people, form):
    phone = people["Trần Thị Bình"][1]["phone"]
    q = form.format(phone=phone, rest=phone[1:], dotted=f"{phone[:4]}.{phone[4:7]}.{phone[7:]}")
    reply = search(api, contest.admin, q=q.replace("+", "%2B").replace(" ", "%20"))
    assert names(reply) == ["Trần Thị Bình"] and reply.body["next"] is None


def test_find_by_cccd_and_by_the_start_of_a_name(api, contest, people):
    assert names(search(api, contest.admin, q="044190000003")) == ["Trần Thị Bình"]
    assert names(search(api, contest.admin, q="044190000009")) == []
    assert names(search(api, contest.admin, q="nguyen")) == ["Nguyễn Thị Ánh", "Nguyễn Văn An"]
    assert names(search(api, contest.admin, q="NGUYỄN%20V")) == ["Nguyễn Văn An"]
    assert names(search(api, contest.admin, q="dang%20van%20duc")) == ["Đặng Văn Đức"]
    assert names(search(api, contest.admin, q="đặng")) == ["Đặng Văn Đức"]
    assert names(search(api, contest.admin, q="nguyen", unit_id="dong-hoi")) == ["Nguyễn Thị Ánh"]
    assert names(search(api, contest.admin, q="le", category="citizen")) == []


def test_paging_one_at_a_time_sees_everybody_once(api, contest, people):
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": "1", "unit_id": "dong-hoi", **({"cursor": cursor} if cursor else {})}
        reply = search(api, contest.admin, **query)
        seen += names(reply)
        pages += 1
        cursor = reply.body["next"]
        if cursor is None:
            break
    assert seen == ["Nguyễn Thị Ánh", "Đặng Văn Đức", "Lê Hữu Nghĩa", "Trần Thị Bình"]
    assert pages <= 5


@pytest.mark.parametrize("query, field", [
    ({"q": "0912"}, "q"), ({"q": "a"}, "q"), ({"limit": "0"}, "limit"), ({"limit": "201"}, "limit"),
    ({"category": "ca-hai"}, "category"), ({"status": "xoa"}, "status"), ({"unit_id": "khong-co"}, "unit_id"),
    ({"cursor": "khong-phai-con-tro"}, "cursor"), ({"cursor": "eyJ1IjoxfQ"}, "cursor"),
])
def test_bad_searches_are_refused(api, contest, people, query, field):
    assert_error(search(api, contest.admin, **query), 400, "invalid", {field})


def test_a_cursor_of_another_search_is_refused(api, contest, people):
    cursor = search(api, contest.admin, q="nguyen", limit="1").body["next"]
    assert cursor
    assert names(search(api, contest.admin, q="nguyen", limit="1", cursor=cursor)) == ["Nguyễn Văn An"]
    assert_error(search(api, contest.admin, q="tran", cursor=cursor), 400, "invalid", {"cursor"})


def test_a_coordinator_sees_their_subtree_only(api, contest, people):
    coordinator = token_of(api, contest.admin, "dp-dong-hoi", "coordinator", "dong-hoi")
    assert names(search(api, coordinator)) == ["Nguyễn Thị Ánh", "Đặng Văn Đức", "Lê Hữu Nghĩa", "Trần Thị Bình"]
    assert names(search(api, coordinator, unit_id="dong-hoi-hai-dinh")) == [
        "Đặng Văn Đức", "Lê Hữu Nghĩa", "Trần Thị Bình"]
    assert names(search(api, coordinator, q="nguyen")) == ["Nguyễn Thị Ánh"]
    outsider = people["Nguyễn Văn An"][1]
    assert names(search(api, coordinator, q=outsider["phone"])) == []
    assert_error(search(api, coordinator, unit_id="so-noi-vu"), 403, "forbidden")
    assert_error(search(api, coordinator, unit_id="khong-co"), 403, "forbidden")
    assert_error(api.get(f"/api/admin/participants/{outsider['id']}", token=coordinator), 403, "forbidden")
    inside = people["Trần Thị Bình"][1]
    assert api.get(f"/api/admin/participants/{inside['id']}", token=coordinator).status == 200
    for method, suffix, body in (("PUT", "", {"full_name": "Trần Bình"}), ("POST", "/disqualify", {"reason": "thi hộ"}),
                                 ("POST", "/reinstate", None), ("POST", "/password", None)):
        reply = api.call(method, f"/api/admin/participants/{inside['id']}{suffix}", body, token=coordinator)
        assert_error(reply, 403, "forbidden")


def test_the_card_shows_attempts_per_round_with_their_signals(api, contest, people, clock):
    contest.open_round("dot-1")
    token, me = people["Trần Thị Bình"]
    attempt = contest.start(token)
    assert contest.submit(token, attempt, right=3, prediction=7).status == 200
    second = contest.start(token)
    stored = attempt_store.get(attempt["id"])
    attempt_store.save_all([replace(stored, flags=("too_fast", "probe"))])
    reply = api.get(f"/api/admin/participants/{me['id']}", token=contest.admin)
    assert reply.status == 200, reply.text
    assert reply.body["participant"]["signals"] == ["probe", "too_fast"]
    (round_,) = reply.body["rounds"]
    assert round_["round_id"] == "dot-1"
    first, other = sorted(round_["attempts"], key=lambda a: a["status"], reverse=True)
    assert (first["attempt_id"], first["status"], first["correct"], first["total"], first["prediction"]) == (
        attempt["id"], "submitted", 3, 5, 7)
    assert first["signals"] == ["probe", "too_fast"] and first["started_at"]
    assert (other["attempt_id"], other["status"], other["correct"], other["signals"]) == (
        second["id"], "in_progress", None, [])
    assert_error(api.get("/api/admin/participants/khong-co", token=contest.admin), 404, "participant_not_found")


def test_profile_changes_follow_into_the_search(api, contest, people, clock):
    _, me = people["Đặng Văn Đức"]
    reply = api.put(f"/api/admin/participants/{me['id']}", {"full_name": "Đặng Minh Đức", "unit_id": "so-noi-vu",
                                                            "category": "official"}, token=contest.admin)
    assert reply.status == 200, reply.text
    assert {k: reply.body["participant"][k] for k in ("full_name", "unit_id", "category")} == {
        "full_name": "Đặng Minh Đức", "unit_id": "so-noi-vu", "category": "official"}
    assert names(search(api, contest.admin, q="dang%20minh")) == ["Đặng Minh Đức"]
    assert names(search(api, contest.admin, q="dang%20van")) == []
    assert "Đặng Minh Đức" in names(search(api, contest.admin, unit_id="so-noi-vu"))


def test_unit_and_category_are_fixed_after_an_accepted_attempt(api, contest, people, clock, tables):
    contest.open_round("dot-1")
    token, me = people["Lê Hữu Nghĩa"]
    assert contest.submit(token, contest.start(token)).status == 200
    path = f"/api/admin/participants/{me['id']}"
    with tables.unchanged():
        assert_error(api.put(path, {"unit_id": "so-noi-vu"}, token=contest.admin), 409, "participant_has_attempts")
        assert_error(api.put(path, {"category": "citizen"}, token=contest.admin), 409, "participant_has_attempts")
        assert_error(api.put(path, {"full_name": "x"}, token=contest.admin), 400, "invalid", {"full_name"})
        assert_error(api.put(path, {"phone": "0912345678"}, token=contest.admin), 400, "invalid", {"phone"})
        assert_error(api.put(path, {"unit_id": "khong-co"}, token=contest.admin), 400, "invalid", {"unit_id"})
    assert api.put(path, {"full_name": "Lê Hữu Nghị", "unit_id": me["unit_id"]}, token=contest.admin).status == 200


def live_bests(*attempt_ids):
    from chalicelib.store import standings as standing_store
    from chalicelib.store import tops

    stored = [attempt_store.get(attempt_id) for attempt_id in attempt_ids]
    tops.place(stored[0].round_id, [standing_store.Best(a.scored(), a.round_id, a.display_name) for a in stored])


def test_a_disqualified_participant_starts_nothing_and_leaves_the_live_leaderboard(api, contest, people, clock,
                                                                                    tables):
    contest.open_round("dot-1")
    token, me = people["Nguyễn Văn An"]
    other_token, other = people["Trần Thị Bình"]
    mine, theirs = contest.start(token), contest.start(other_token)
    assert contest.submit(token, mine, right=5).status == 200
    assert contest.submit(other_token, theirs, right=2).status == 200
    live_bests(mine["id"], theirs["id"])     # what the stream aggregator would store
    board = api.get("/api/rounds/dot-1/leaderboard").body["entries"]
    assert [e["participant_id"] for e in board] == [me["id"], other["id"]]

    path = f"/api/admin/participants/{me['id']}"
    with tables.unchanged():
        assert_error(api.post(path + "/disqualify", {}, token=contest.admin), 400, "invalid", {"reason"})
        assert_error(api.post("/api/admin/participants/khong-co/disqualify", {"reason": "thi hộ"},
                              token=contest.admin), 404, "participant_not_found")
    reply = api.post(path + "/disqualify", {"reason": "Thi hộ người khác"}, token=contest.admin)
    assert reply.status == 200, reply.text
    assert (reply.body["participant"]["status"], reply.body["participant"]["disqualified_reason"]) == (
        "disqualified", "Thi hộ người khác")
    with tables.unchanged():
        assert_error(api.post("/api/rounds/dot-1/attempts", token=token), 403, "disqualified")
    board = api.get("/api/rounds/dot-1/leaderboard").body["entries"]
    assert [(e["rank"], e["participant_id"]) for e in board] == [(1, other["id"])]
    assert names(search(api, contest.admin, status="disqualified")) == ["Nguyễn Văn An"]
    assert "Nguyễn Văn An" not in names(search(api, contest.admin, status="active"))
    assert participant_store.disqualified_ids() == {me["id"]}

    reply = api.post(path + "/reinstate", token=contest.admin)
    assert reply.status == 200 and reply.body["participant"]["status"] == "active"
    assert reply.body["participant"]["disqualified_reason"] is None
    assert names(search(api, contest.admin, status="disqualified")) == []
    assert api.post("/api/rounds/dot-1/attempts", token=token).status == 201
    board = api.get("/api/rounds/dot-1/leaderboard").body["entries"]
    assert [e["participant_id"] for e in board] == [me["id"], other["id"]]


def test_a_temporary_password_replaces_the_old_one_and_moves_the_token_version(api, contest, people):
    token, me = people["Nguyễn Thị Ánh"]
    before = participant_store.get(me["id"], consistent=True).token_version
    reply = api.post(f"/api/admin/participants/{me['id']}/password", token=contest.admin)
    assert reply.status == 200 and set(reply.body) == {"temporary_password"}
    temporary = reply.body["temporary_password"]
    assert len(temporary) == 10 and temporary.isalnum()
    assert participant_store.get(me["id"], consistent=True).token_version == before + 1
    assert_error(api.post("/api/sessions", {"phone": me["phone"], "password": "mat-khau-123"}), 401,
                 "bad_credentials")
    assert api.post("/api/sessions", {"phone": me["phone"], "password": temporary}).status == 200
    entry = api.get("/api/admin/audit", token=contest.admin).body["entries"][0]
    assert (entry["action"], entry["target"]) == ("participant.password", f"participant:{me['id']}")
    assert temporary not in str(entry)
