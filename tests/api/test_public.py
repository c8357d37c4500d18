"""Public read paths: health, the contest with its rounds, the unit tree."""
from tests.support import HOUR, UNITS, assert_error, iso, same_instant

ROUND_KEYS = {"id", "name", "opens_at", "closes_at", "status", "questions_per_attempt", "time_limit_seconds",
              "max_attempts", "grace_seconds", "prediction_question", "prediction_target"}
UNIT_KEYS = {"id", "name", "parent_id", "kind", "headcount", "population"}


def test_health(api):
    reply = api.get("/api/health")
    assert reply.status == 200
    assert reply.body == {"status": "ok"}


def test_answers_are_json_in_utf8(api):
    response = api.http.request("GET", "/api/units", headers={})
    assert response.headers["Content-Type"].lower().replace(" ", "") == "application/json;charset=utf-8"


def test_contest_without_rounds(api):
    reply = api.get("/api/contest")
    assert reply.status == 200
    body = reply.body
    assert {"name", "description", "timezone", "targets", "rounds"} <= set(body)
    assert body["name"] == "Cuộc thi trực tuyến tìm hiểu về cải cách hành chính"
    assert "cán bộ, công chức, viên chức" in body["description"]
    assert body["timezone"] == "Asia/Ho_Chi_Minh"
    assert body["targets"] == {"official_rate": 1.0, "citizen_rate": 0.4}
    assert (body["contact"], body["phone_verification"], body["publication"]) == ("", "off", "automatic")
    assert body["rounds"] == []


def test_saved_settings_override_the_environments_defaults(api, clock):
    from chalicelib.contest.records import replace
    from chalicelib.contest.units import Targets
    from chalicelib.services import contest as contest_service
    from chalicelib.store import settings as settings_store

    saved = replace(contest_service.defaults(), name="Cuộc thi tìm hiểu pháp luật", targets=Targets(0.9, 0.3),
                    phone_verification="required")
    settings_store.save_contest(saved, clock.now)
    body = api.get("/api/contest").body
    assert body["name"] == "Cuộc thi tìm hiểu pháp luật" and body["phone_verification"] == "required"
    assert body["targets"] == {"official_rate": 0.9, "citizen_rate": 0.3}
    assert contest_service.settings(fresh=True) == saved


def test_contest_lists_rounds_with_their_rules_and_moving_status(api, contest, clock):
    sent = contest.add_round("dot-1", max_attempts=3, grace_seconds=45)
    contest.add_round("dot-2", opens_in=30 * 24 * HOUR, max_attempts=None)
    rounds = api.get("/api/contest").body["rounds"]
    assert [r["id"] for r in rounds] == ["dot-1", "dot-2"]  # by opening time
    first = rounds[0]
    assert set(first) >= ROUND_KEYS
    assert first["name"] == "Đợt thi dot-1"
    assert same_instant(first["opens_at"], sent["opens_at"]) and same_instant(first["closes_at"], sent["closes_at"])
    assert (first["questions_per_attempt"], first["time_limit_seconds"], first["max_attempts"],
            first["grace_seconds"]) == (5, 600, 3, 45)
    assert first["prediction_target"] == "perfect_participants"
    assert first["prediction_question"].startswith("Theo bạn, sẽ có bao nhiêu người")
    assert rounds[1]["max_attempts"] is None
    assert first["status"] == "scheduled"

    clock.advance(HOUR)  # the clock alone opens it, whatever the scheduler did
    assert api.get("/api/contest").body["rounds"][0]["status"] == "open"
    clock.advance(20 * 24 * HOUR)
    assert api.get("/api/contest").body["rounds"][0]["status"] == "closed"
    assert api.get("/api/contest").body["rounds"][1]["status"] == "scheduled"


def test_closed_by_the_organizer_shows_closed(api, contest):
    contest.open_round()
    assert api.post("/api/admin/rounds/dot-1/close", token=contest.admin).status == 202
    assert api.get("/api/contest").body["rounds"][0]["status"] == "closed"


def test_units_come_back_whole_and_in_vietnamese(api, contest):
    reply = api.get("/api/units")
    assert reply.status == 200
    units = {u["id"]: u for u in reply.body["units"]}
    assert all(set(u) == UNIT_KEYS for u in units.values())
    for sent in UNITS:
        expected = {"parent_id": None, "headcount": None, "population": None, **sent}
        assert units[sent["id"]] == expected
    assert "Sở Nội vụ" in reply.text or "S\\u1edf N\\u1ed9i v\\u1ee5" in reply.text


def test_units_empty_before_any_import(api):
    assert api.get("/api/units").body == {"units": []}


def test_unknown_method_is_an_error_in_the_contract_shape(api):
    assert_error(api.call("DELETE", "/api/health"), 405, "method_not_allowed")
    assert_error(api.call("PUT", "/api/contest"), 405, "method_not_allowed")


def test_iso_times_carry_a_zone(api, contest):
    contest.add_round("dot-1")
    round_ = api.get("/api/contest").body["rounds"][0]
    for name in ("opens_at", "closes_at"):
        assert round_[name].endswith("Z") or round_[name][-6] in "+-"
    assert same_instant(round_["opens_at"], iso(contest.clock.now + HOUR))


def test_read_models_treat_an_overlong_round_id_as_no_round(api, contest, aws_calls):
    # DynamoDB refuses keys over 2 KB: such an id must never be looked up
    for path in ("leaderboard", "units"):
        aws_calls.clear()
        reply = api.get(f"/api/rounds/{'d' * 65}/{path}")
        assert (reply.status, reply.code) == (404, "round_not_found")
        assert "GetItem" not in aws_calls.operations(), "an overlong round id reached DynamoDB"
