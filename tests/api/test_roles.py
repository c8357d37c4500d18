"""Every organizer path against every role (RULES.md, Organizer roles): allowed, or 403 `forbidden`. The table
is checked against the routes the app registers, so a new organizer path fails here until it is given its row.

The requests name things that do not exist (a round, a participant, an export `khong-co`) or carry a body with
an unknown field, so an allowed role gets a 2xx, 400 or 404 and nothing changes; a refused role gets 403 before
any of that is looked at."""
from __future__ import annotations

import pytest

from chalicelib.services import organizers
from tests.support import assert_error

ALL = {"owner", "organizer", "coordinator", "viewer"}
OPERATE = {"owner", "organizer"}
PARTICIPANTS = {"owner", "organizer", "coordinator"}
READ_RESULTS = {"owner", "organizer", "viewer"}

# (method, path) → the roles that may use it
ALLOWED: dict[tuple[str, str], set[str]] = {
    ("GET", "/api/admin/me"): ALL,
    ("GET", "/api/admin/accounts"): {"owner"},
    ("POST", "/api/admin/accounts"): {"owner"},
    ("PUT", "/api/admin/accounts/{username}"): {"owner"},
    ("GET", "/api/admin/audit"): OPERATE,
    ("PUT", "/api/admin/units"): OPERATE,
    ("POST", "/api/admin/rounds"): OPERATE,
    ("PUT", "/api/admin/rounds/{round_id}"): OPERATE,
    ("PUT", "/api/admin/rounds/{round_id}/questions"): OPERATE,
    ("POST", "/api/admin/rounds/{round_id}/close"): OPERATE,
    ("GET", "/api/admin/rounds/{round_id}/results"): READ_RESULTS,
    ("GET", "/api/admin/stats"): READ_RESULTS,
    ("GET", "/api/admin/participants"): PARTICIPANTS,
    ("GET", "/api/admin/participants/{participant_id}"): PARTICIPANTS,
    ("PUT", "/api/admin/participants/{participant_id}"): OPERATE,
    ("POST", "/api/admin/participants/{participant_id}/disqualify"): OPERATE,
    ("POST", "/api/admin/participants/{participant_id}/reinstate"): OPERATE,
    ("POST", "/api/admin/participants/{participant_id}/password"): OPERATE,
    ("POST", "/api/admin/exports"): PARTICIPANTS,
    ("GET", "/api/admin/exports/{export_id}"): PARTICIPANTS,
    ("GET", "/api/admin/contest"): OPERATE,
    ("PUT", "/api/admin/contest"): OPERATE,
    ("PUT", "/api/admin/pages/{slug}"): OPERATE,
    ("POST", "/api/admin/previews"): OPERATE,
    ("POST", "/api/admin/announcements"): OPERATE,
    ("DELETE", "/api/admin/announcements/{announcement_id}"): OPERATE,
    ("DELETE", "/api/admin/units/{unit_id}"): OPERATE,
    ("GET", "/api/admin/rounds/{round_id}/questions"): OPERATE,
    ("POST", "/api/admin/rounds/{round_id}/finalize"): OPERATE,
    ("POST", "/api/admin/rounds/{round_id}/publish"): OPERATE,
    ("GET", "/api/admin/rounds/{round_id}/prizes"): READ_RESULTS,
}
PASSWORD = "mat-khau-vai-tro-1"


def organizer_routes() -> set[tuple[str, str]]:
    from app import app

    return {(method, path) for path, entries in app.routes.items() for method in entries
            if path.startswith("/api/admin/") and path != "/api/admin/sessions"}


@pytest.fixture(scope="module")
def staff(world):
    """A token per role; the coordinator's unit is the district dong-hoi."""
    tokens = {"owner": world.admin}
    for role, unit_id in (("organizer", None), ("coordinator", "dong-hoi"), ("viewer", None)):
        organizers.create_account({"username": f"tk-{role}", "password": PASSWORD, "role": role,
                                   **({"unit_id": unit_id} if unit_id else {})})
        reply = world.api.post("/api/admin/sessions", {"username": f"tk-{role}", "password": PASSWORD})
        assert reply.status == 200, reply.text
        tokens[role] = reply.body["token"]
    return tokens


def test_every_organizer_path_is_in_the_table():
    routes = organizer_routes()
    assert routes - set(ALLOWED) == set(), "give these organizer paths their roles in ALLOWED"
    assert set(ALLOWED) - routes == set(), "ALLOWED names paths the app does not have"


def test_the_table_follows_the_rules():
    assert all(roles <= ALL and "owner" in roles for roles in ALLOWED.values())
    assert {path for (_, path), roles in ALLOWED.items() if "coordinator" in roles} <= {
        "/api/admin/me", "/api/admin/participants", "/api/admin/participants/{participant_id}",
        "/api/admin/exports", "/api/admin/exports/{export_id}"}, "a coordinator changes nothing of the contest"
    assert all(method == "GET" for (method, _), roles in ALLOWED.items() if "viewer" in roles)


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize("method, path", sorted(ALLOWED))
def test_role_against_path(w, staff, role, method, path):
    concrete = path
    for name in ("username", "round_id", "participant_id", "export_id", "slug", "announcement_id", "unit_id"):
        concrete = concrete.replace("{" + name + "}", "khong-co")
    body = None if method in ("GET", "DELETE") or concrete.endswith(
        ("/close", "/reinstate", "/password", "/finalize", "/publish")) else {
        "khong-co-truong": 1}
    reply = w.api.call(method, concrete, body, token=staff[role])
    if role in ALLOWED[(method, path)]:
        assert reply.status in (200, 400, 404), (role, method, path, reply.status, reply.text[:300])
    else:
        assert_error(reply, 403, "forbidden")


def test_a_coordinator_is_refused_outside_their_subtree(w, staff):
    coordinator = staff["coordinator"]
    inside = w.api.get("/api/admin/participants?unit_id=dong-hoi-hai-dinh", token=coordinator)
    assert inside.status == 200 and [p["id"] for p in inside.body["participants"]] == [w.b["id"]]
    for reply in (w.api.get("/api/admin/participants?unit_id=so-noi-vu", token=coordinator),
                  w.api.get(f"/api/admin/participants/{w.a['id']}", token=coordinator),
                  w.api.post("/api/admin/exports", {"kind": "registrations", "unit_id": "so-noi-vu"},
                             token=coordinator)):
        assert_error(reply, 403, "forbidden")
    assert w.api.get(f"/api/admin/participants/{w.b['id']}", token=coordinator).status == 200
