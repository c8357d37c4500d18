"""Organizers run the contest from the API: settings, Markdown pages, announcements, deleting an unused unit.
Every refusal is the contract's error and changes nothing stored."""
import pytest

from tests.support import HOUR, assert_error

PAGE = {"title": "Thể lệ cuộc thi", "body": "# Thể lệ\n\n**Đối tượng**: mọi người dân.\n\n<script>alert(1)</script>"}


def participant_token(contest) -> str:
    return contest.register()[0]


# --- settings


def test_organizers_change_the_settings_and_everyone_sees_them(api, contest):
    before = api.get("/api/admin/contest", token=contest.admin)
    assert before.status == 200 and before.body["contest"]["min_seconds_per_question"] == 2
    body = {"name": "Cuộc thi tìm hiểu pháp luật năm 2024", "description": "Dòng một.\nDòng hai.",
            "contact": "Sở Tư pháp, 0232 3822 000", "timezone": "Asia/Bangkok", "targets": {"citizen_rate": 0.5},
            "phone_verification": "required", "publication": "review", "min_seconds_per_question": 3,
            "max_accounts_per_device": 5}
    reply = api.put("/api/admin/contest", body, token=contest.admin)
    assert reply.status == 200, reply.text
    saved = reply.body["contest"]
    assert saved["targets"] == {"official_rate": 1.0, "citizen_rate": 0.5}      # the other target kept
    assert {k: saved[k] for k in body if k != "targets"} == {k: v for k, v in body.items() if k != "targets"}
    public = api.get("/api/contest").body
    assert (public["name"], public["timezone"], public["contact"], public["publication"]) == (
        body["name"], "Asia/Bangkok", body["contact"], "review")
    assert public["targets"] == {"official_rate": 1.0, "citizen_rate": 0.5}
    assert api.get("/api/admin/contest", token=contest.admin).body == reply.body
    assert api.put("/api/admin/contest", {"name": "Tên mới"}, token=contest.admin).body["contest"]["publication"] \
        == "review"                                                              # a partial change keeps the rest


@pytest.mark.parametrize("body, field", [
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"timezone": "../../etc/passwd"}, "timezone"),
    ({"timezone": 7}, "timezone"),
    ({"targets": {"official_rate": 1.5}}, "targets"),
    ({"targets": {"citizen_rate": True}}, "targets"),
    ({"targets": {"rate": 0.4}}, "targets"),
    ({"targets": {}}, "targets"),
    ({"publication": "sometimes"}, "publication"),
    ({"phone_verification": "on"}, "phone_verification"),
    ({"name": ""}, "name"),
    ({"min_seconds_per_question": -1}, "min_seconds_per_question"),
    ({"max_accounts_per_device": 0}, "max_accounts_per_device"),
    ({"status": "open"}, "status"),
])
def test_bad_settings_are_refused_and_change_nothing(api, contest, tables, body, field):
    with tables.unchanged():
        assert_error(api.put("/api/admin/contest", body, token=contest.admin), 400, "invalid", {field})


def test_settings_need_an_organizer(api, contest, tables):
    token = participant_token(contest)
    with tables.unchanged():
        assert_error(api.put("/api/admin/contest", {"name": "X"}), 401, "unauthorized")
        assert_error(api.put("/api/admin/contest", {"name": "X"}, token=token), 403, "forbidden")
        assert_error(api.get("/api/admin/contest", token=token), 403, "forbidden")


# --- pages


def test_a_page_is_written_in_markdown_and_shown_as_safe_html(api, contest, clock):
    reply = api.put("/api/admin/pages/the-le", PAGE, token=contest.admin)
    assert reply.status == 200, reply.text
    page = api.get("/api/pages/the-le")
    assert page.status == 200 and page.body == reply.body["page"]
    assert set(page.body) == {"slug", "title", "body", "body_html", "updated_at"}
    assert page.body["body"] == PAGE["body"]
    assert "<h1>Thể lệ</h1>" in page.body["body_html"] and "<strong>Đối tượng</strong>" in page.body["body_html"]
    assert "script" not in page.body["body_html"] and "alert" not in page.body["body_html"]
    api.put("/api/admin/pages/huong-dan", {"title": "Hướng dẫn dự thi", "body": "Bước 1."}, token=contest.admin)
    assert api.get("/api/contest").body["pages"] == [{"slug": "huong-dan", "title": "Hướng dẫn dự thi"},
                                                     {"slug": "the-le", "title": "Thể lệ cuộc thi"}]
    clock.advance(HOUR)
    again = api.put("/api/admin/pages/the-le", {"title": "Thể lệ (sửa đổi)", "body": "Mới."}, token=contest.admin)
    assert again.body["page"]["updated_at"] > page.body["updated_at"]
    assert api.get("/api/pages/the-le").body["body_html"] == "<p>Mới.</p>\n"


def test_unknown_pages_and_bad_slugs(api, contest, tables):
    token = participant_token(contest)
    with tables.unchanged():
        assert_error(api.get("/api/pages/khong-co"), 404, "page_not_found")
        assert_error(api.get("/api/pages/The_Le"), 404, "page_not_found")
        assert_error(api.put("/api/admin/pages/The_Le", PAGE, token=contest.admin), 400, "invalid", {"slug"})
        assert_error(api.put("/api/admin/pages/" + "a" * 41, PAGE, token=contest.admin), 400, "invalid", {"slug"})
        assert_error(api.put("/api/admin/pages/the-le", {"body": "x"}, token=contest.admin), 400, "invalid",
                     {"title"})
        assert_error(api.put("/api/admin/pages/the-le", PAGE, token=token), 403, "forbidden")


def test_the_preview_renders_without_saving(api, contest, tables):
    with tables.unchanged():
        reply = api.post("/api/admin/previews", {"body": "*nghiêng* <img src=x onerror=alert(1)>"},
                         token=contest.admin)
    assert reply.status == 200 and "<em>nghiêng</em>" in reply.body["body_html"]
    assert "onerror" not in reply.body["body_html"]
    assert_error(api.post("/api/admin/previews", {"body": "x"}), 401, "unauthorized")


# --- announcements


def test_announcements_newest_first_and_deleted(api, contest, clock, tables):
    assert api.get("/api/announcements").body == {"announcements": []}
    first = api.post("/api/admin/announcements", {"title": "Khai mạc", "body": "Đợt 1 **mở**."}, token=contest.admin)
    assert first.status == 201, first.text
    clock.advance(1000)
    second = api.post("/api/admin/announcements", {"title": "Gia hạn", "body": "Thêm 1 ngày."}, token=contest.admin)
    listed = api.get("/api/announcements").body["announcements"]
    assert [a["title"] for a in listed] == ["Gia hạn", "Khai mạc"]
    assert set(listed[0]) == {"id", "title", "body_html", "published_at"}
    assert listed[1]["body_html"] == "<p>Đợt 1 <strong>mở</strong>.</p>\n"
    token = participant_token(contest)
    reply = api.call("DELETE", f"/api/admin/announcements/{second.body['announcement']['id']}", token=contest.admin)
    assert reply.status == 204 and reply.text == ""
    assert [a["title"] for a in api.get("/api/announcements").body["announcements"]] == ["Khai mạc"]
    with tables.unchanged():
        assert_error(api.call("DELETE", f"/api/admin/announcements/{second.body['announcement']['id']}",
                              token=contest.admin), 404, "announcement_not_found")
        assert_error(api.call("DELETE", "/api/admin/announcements/" + "x" * 65, token=contest.admin), 404,
                     "announcement_not_found")
        assert_error(api.post("/api/admin/announcements", {"title": "Thiếu nội dung"}, token=contest.admin), 400,
                     "invalid", {"body"})
        assert_error(api.call("DELETE", f"/api/admin/announcements/{first.body['announcement']['id']}",
                              token=token), 403, "forbidden")


# --- deleting a unit


def test_only_an_unused_unit_is_deleted(api, contest, tables, aws_calls):
    contest.register(unit_id="so-noi-vu")
    with tables.unchanged():
        aws_calls.clear()
        assert_error(api.call("DELETE", "/api/admin/units/so-noi-vu", token=contest.admin), 409, "unit_in_use")
        assert aws_calls.count("Scan") <= 1          # the units (cached list); never the participants
        assert_error(api.call("DELETE", "/api/admin/units/dong-hoi", token=contest.admin), 409, "unit_in_use")
        assert_error(api.call("DELETE", "/api/admin/units/khong-co", token=contest.admin), 404, "unit_not_found")
    reply = api.call("DELETE", "/api/admin/units/dong-hoi-hai-dinh", token=contest.admin)
    assert reply.status == 204
    assert "dong-hoi-hai-dinh" not in {u["id"] for u in api.get("/api/units").body["units"]}
    assert api.call("DELETE", "/api/admin/units/dong-hoi", token=contest.admin).status == 204  # no child left
    assert_error(api.call("DELETE", "/api/admin/units/dong-hoi", token=contest.admin), 404, "unit_not_found")
