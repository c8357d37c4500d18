"""Organizer paths: login, unit and question imports (JSON, CSV with and without BOM, XLSX), rounds and closing.
Refusals without a token, with a bad one, or with a participant's token on every organizer path are in
test_malformed.py (they run against one shared contest there)."""
import pytest

from chalicelib.contest.tables import XLSX_MIME, write_xlsx
from chalicelib.store import rounds as round_store
from tests.support import HOUR, UNITS, assert_error, iso, questions, same_instant

BOM = b"\xef\xbb\xbf"
CSV_UNITS = ("id,name,parent_id,kind,headcount,population\n"
             "so-tu-phap,Sở Tư pháp,,agency,65,\n"
             "quang-trach,Huyện Quảng Trạch,,district,410,105000\n"
             "quang-trach-quang-phu,Xã Quảng Phú,quang-trach,commune,,8200\n")
EXPECTED = {
    "so-tu-phap": {"id": "so-tu-phap", "name": "Sở Tư pháp", "parent_id": None, "kind": "agency",
                   "headcount": 65, "population": None},
    "quang-trach": {"id": "quang-trach", "name": "Huyện Quảng Trạch", "parent_id": None, "kind": "district",
                    "headcount": 410, "population": 105000},
    "quang-trach-quang-phu": {"id": "quang-trach-quang-phu", "name": "Xã Quảng Phú", "parent_id": "quang-trach",
                              "kind": "commune", "headcount": None, "population": 8200},
}
QUESTION_HEADER = ["text", "option_a", "option_b", "option_c", "option_d", "answer"]
QUESTION_ROWS = [
    ["Thủ tục hành chính là gì?", "Trình tự, cách thức", "Một loại thuế", "Một cơ quan", "", "A"],
    ["Cơ chế một cửa liên thông áp dụng ở đâu?", "Chỉ cấp tỉnh", "Mọi cấp chính quyền", "", "", "b"],
    ["Dịch vụ công trực tuyến mức độ cao nhất?", "Mức 1", "Mức 2", "Mức 3", "Toàn trình", "D"],
]
ROUND_KEYS = {"id", "name", "opens_at", "closes_at", "status", "questions_per_attempt", "time_limit_seconds",
              "max_attempts", "grace_seconds", "prediction_question", "prediction_target"}


def questions_csv() -> bytes:
    return ("\n".join(",".join(f'"{cell}"' if "," in cell else cell for cell in row)
                      for row in [QUESTION_HEADER, *QUESTION_ROWS]) + "\n").encode()


def units_by_id(api) -> dict:
    return {u["id"]: u for u in api.get("/api/units").body["units"]}


# --- login


def test_organizer_login(api, contest):
    reply = api.post("/api/admin/sessions", {"username": "btc", "password": "mat-khau-btc-1"})
    assert reply.status == 200 and set(reply.body) == {"token"}
    assert api.post("/api/admin/rounds/khong-co/close", token=reply.body["token"]).status == 404


def test_organizer_login_refusals(api, contest, tables):
    with tables.unchanged(ignore_login=True):
        assert_error(api.post("/api/admin/sessions", {"username": "btc", "password": "sai"}), 401,
                     "bad_credentials")
        assert_error(api.post("/api/admin/sessions", {"username": "ai-do", "password": "mat-khau-btc-1"}), 401,
                     "bad_credentials")


def test_organizer_login_is_throttled_too(api, contest):
    for _ in range(5):
        assert api.post("/api/admin/sessions", {"username": "btc", "password": "sai"}).status == 401
    assert_error(api.post("/api/admin/sessions", {"username": "btc", "password": "mat-khau-btc-1"}), 429,
                 "too_many_attempts")


def test_a_participant_cannot_log_in_as_organizer(api, contest):
    contest.register()
    reply = api.post("/api/admin/sessions", {"username": "0912000001", "password": "mat-khau-123"})
    assert_error(reply, 401, "bad_credentials")


# --- units


def test_units_json_import_creates_then_updates(api, contest):
    body = {"units": [{"id": "so-tu-phap", "name": "Sở Tư pháp", "kind": "agency", "headcount": 65},
                      {**UNITS[0], "headcount": 81}]}
    reply = api.put("/api/admin/units", body, token=contest.admin)
    assert reply.status == 200 and reply.body == {"created": 1, "updated": 1}
    units = units_by_id(api)
    assert units["so-noi-vu"]["headcount"] == 81
    assert units["so-tu-phap"] == EXPECTED["so-tu-phap"]
    assert len(units) == 4


@pytest.mark.parametrize("bom", [b"", BOM], ids=["no-bom", "bom"])
@pytest.mark.parametrize("separator", [",", ";"])
def test_units_csv_import(api, contest, bom, separator):
    body = bom + CSV_UNITS.replace(",", separator).encode("utf-8")
    reply = api.put("/api/admin/units", raw=body, content_type="text/csv", token=contest.admin)
    assert reply.status == 200, reply.text
    assert reply.body == {"created": 3, "updated": 0}
    units = units_by_id(api)
    for unit_id, expected in EXPECTED.items():
        assert units[unit_id] == expected


def test_units_csv_with_charset_and_crlf(api, contest):
    body = BOM + CSV_UNITS.replace("\n", "\r\n").encode()
    reply = api.put("/api/admin/units", raw=body, content_type="text/csv; charset=utf-8", token=contest.admin)
    assert reply.status == 200, reply.text
    assert units_by_id(api)["quang-trach-quang-phu"] == EXPECTED["quang-trach-quang-phu"]


def test_units_xlsx_import(api, contest):
    rows = [[u["id"], u["name"], u["parent_id"], u["kind"], u["headcount"], u["population"]]
            for u in EXPECTED.values()]
    body = write_xlsx("Đơn vị", ["id", "name", "parent_id", "kind", "headcount", "population"], rows)
    reply = api.put("/api/admin/units", raw=body, content_type=XLSX_MIME, token=contest.admin)
    assert reply.status == 200, reply.text
    assert reply.body == {"created": 3, "updated": 0}
    units = units_by_id(api)
    for unit_id, expected in EXPECTED.items():
        assert units[unit_id] == expected


def test_units_import_with_bad_rows_stores_nothing_and_lists_them(api, contest, tables):
    body = ("id,name,parent_id,kind,headcount\n"
            "dv-tot,Đơn vị tốt,,agency,10\n"
            "dv-xau,,,tinh,-3\n"
            "dv-con,Xã Con,dv-tot,commune,\n"
            "dv tot,Trùng dấu cách,,,\n").encode()
    with tables.unchanged():
        reply = api.put("/api/admin/units", raw=body, content_type="text/csv", token=contest.admin)
    error = assert_error(reply, 400, "invalid", {"row 3.name", "row 3.kind", "row 3.headcount", "row 5.id"})
    assert "row 2.id" not in error["fields"] and "row 4.parent_id" not in error["fields"]
    rows = error["rows"]
    assert {(r["row"], r["field"]) for r in rows} >= {(3, "name"), (3, "kind"), (3, "headcount"), (5, "id")}
    assert all(r["message"] for r in rows)


def test_units_import_refuses_a_cycle(api, contest, tables):
    body = {"units": [{"id": "dong-hoi", "name": "Thành phố Đồng Hới", "parent_id": "dong-hoi-hai-dinh"}]}
    with tables.unchanged():
        assert_error(api.put("/api/admin/units", body, token=contest.admin), 400, "invalid", {"row 1.parent_id"})


def test_units_import_between_64_kib_and_1_mib_is_accepted(api, contest):
    rows = "".join(f"dv-{i:04d},Đơn vị số {i} {'x' * 150}\n" for i in range(450))
    body = ("id,name\n" + rows).encode()
    assert 64 * 1024 < len(body) < 1024 * 1024
    reply = api.put("/api/admin/units", raw=body, content_type="text/csv", token=contest.admin)
    assert reply.status == 200, reply.text
    assert reply.body == {"created": 450, "updated": 0}


# --- rounds


def test_create_round_with_defaults(api, contest, clock):
    body = {"name": "Đợt 2: Tìm hiểu cải cách hành chính", "opens_at": "2021-10-02T00:00:00+07:00",
            "closes_at": "2021-10-20T23:59:59+07:00"}
    reply = api.post("/api/admin/rounds", body, token=contest.admin)
    assert reply.status == 201, reply.text
    round_ = reply.body["round"]
    assert set(round_) >= ROUND_KEYS
    assert round_["id"]
    assert round_["name"] == body["name"]
    assert (round_["questions_per_attempt"], round_["time_limit_seconds"], round_["max_attempts"],
            round_["grace_seconds"], round_["prediction_target"]) == (20, 1200, 5, 30, "perfect_participants")
    assert round_["opens_at"].startswith("2021-10-01T17:00:00")
    assert round_["status"] == "scheduled"
    listed = api.get("/api/contest").body["rounds"]
    assert [r["id"] for r in listed] == [round_["id"]]


def test_create_round_with_every_rule(api, contest):
    body = {"id": "dot-3", "name": "Đợt 3", "opens_at": iso(contest.clock.now + HOUR),
            "closes_at": iso(contest.clock.now + 2 * HOUR), "questions_per_attempt": 10, "time_limit_seconds": 900,
            "max_attempts": None, "grace_seconds": 0, "prediction_question": "Có bao nhiêu bài thi?",
            "prediction_target": "submissions"}
    reply = api.post("/api/admin/rounds", body, token=contest.admin)
    assert reply.status == 201, reply.text
    round_ = reply.body["round"]
    for name in ("id", "name", "questions_per_attempt", "time_limit_seconds", "max_attempts", "grace_seconds",
                 "prediction_question", "prediction_target"):
        assert round_[name] == body[name]


def test_round_exists(api, contest, tables):
    sent = contest.add_round("dot-1")
    with tables.unchanged():
        reply = api.post("/api/admin/rounds", {k: v for k, v in sent.items() if k != "questions_per_attempt"},
                         token=contest.admin)
    assert_error(reply, 409, "round_exists")


def test_update_rules_before_opening(api, contest):
    contest.add_round("dot-1")
    change = {"questions_per_attempt": 8, "time_limit_seconds": 300, "max_attempts": 2, "grace_seconds": 10,
              "name": "Đợt thi đã đổi tên", "prediction_target": "participants"}
    reply = api.put("/api/admin/rounds/dot-1", change, token=contest.admin)
    assert reply.status == 200, reply.text
    assert {k: reply.body["round"][k] for k in change} == change
    assert {k: api.get("/api/contest").body["rounds"][0][k] for k in change} == change


@pytest.mark.parametrize("change", [
    {"questions_per_attempt": 6}, {"time_limit_seconds": 900}, {"max_attempts": 9}, {"max_attempts": None},
    {"grace_seconds": 60}, {"prediction_question": "Câu hỏi khác?"}, {"prediction_target": "submissions"},
    {"opens_at": "2021-10-01T00:30:00Z"}, {"name": "Tên mới", "time_limit_seconds": 900},
], ids=lambda change: "+".join(change))
def test_rules_are_frozen_once_open(api, contest, tables, change):
    contest.open_round("dot-1")
    with tables.unchanged():
        reply = api.put("/api/admin/rounds/dot-1", change, token=contest.admin)
    assert_error(reply, 409, "round_started")


def test_rules_frozen_by_the_clock_even_if_the_status_lags(api, contest, clock, tables):
    contest.add_round("dot-1")
    clock.advance(HOUR)  # no scheduler ran: the stored status is still "scheduled"
    with tables.unchanged():
        assert_error(api.put("/api/admin/rounds/dot-1", {"max_attempts": 1}, token=contest.admin), 409,
                     "round_started")


def test_closes_at_and_name_may_move_while_open(api, contest, clock):
    sent = contest.open_round("dot-1")
    later = iso(clock.now + 30 * 24 * HOUR)
    reply = api.put("/api/admin/rounds/dot-1", {"closes_at": later, "name": "Đợt 1 (gia hạn)"},
                    token=contest.admin)
    assert reply.status == 200, reply.text
    assert reply.body["round"]["name"] == "Đợt 1 (gia hạn)"
    assert reply.body["round"]["status"] == "open"
    rounds = api.get("/api/contest").body["rounds"]
    assert rounds[0]["closes_at"] != sent["closes_at"]
    clock.advance(25 * 24 * HOUR)  # past the old closes_at, before the new one
    token, _ = contest.register()
    assert contest.start(token)["status"] == "in_progress"


def test_update_unknown_round(api, contest, tables):
    with tables.unchanged():
        assert_error(api.put("/api/admin/rounds/dot-9", {"name": "x"}, token=contest.admin), 404, "round_not_found")


def test_a_closed_round_cannot_change(api, contest, tables):
    contest.open_round("dot-1")
    api.post("/api/admin/rounds/dot-1/close", token=contest.admin)
    with tables.unchanged():
        reply = api.put("/api/admin/rounds/dot-1", {"closes_at": iso(contest.clock.now + HOUR)},
                        token=contest.admin)
    assert reply.status == 409 and reply.code in ("round_closed", "round_started")


# --- questions


def stored_bank(round_id="dot-1") -> dict:
    version = round_store.get_round(round_id, fresh=True).bank_version
    return {q.text: q for q in round_store.load_bank(round_id, version)}


def correct_text(question) -> str:
    return dict(question.options)[question.answer]


def test_questions_json_import(api, contest):
    contest.add_round("dot-1", n_questions=0)
    reply = api.put("/api/admin/rounds/dot-1/questions", {"questions": questions(8)}, token=contest.admin)
    assert reply.status == 200 and reply.body == {"count": 8, "warning": None}
    bank = stored_bank()
    assert len(bank) == 8
    for sent in questions(8):
        stored = bank[sent["text"]]
        assert stored.id == sent["id"]
        assert [text for _, text in stored.options] == sent["options"]
        assert correct_text(stored) == sent["options"][sent["answer"]]
    assert api.get("/api/contest").body["rounds"][0]["status"] == "scheduled"


@pytest.mark.parametrize("bom", [b"", BOM], ids=["no-bom", "bom"])
def test_questions_csv_import_with_letter_answers(api, contest, bom):
    contest.add_round("dot-1", n_questions=0)
    reply = api.put("/api/admin/rounds/dot-1/questions", raw=bom + questions_csv(), content_type="text/csv",
                    token=contest.admin)
    assert reply.status == 200, reply.text
    assert reply.body["count"] == 3 and "ít hơn số câu mỗi bài thi (5)" in reply.body["warning"]
    bank = stored_bank()
    assert correct_text(bank["Thủ tục hành chính là gì?"]) == "Trình tự, cách thức"
    assert correct_text(bank["Cơ chế một cửa liên thông áp dụng ở đâu?"]) == "Mọi cấp chính quyền"
    assert len(bank["Cơ chế một cửa liên thông áp dụng ở đâu?"].options) == 2
    assert correct_text(bank["Dịch vụ công trực tuyến mức độ cao nhất?"]) == "Toàn trình"


def test_questions_xlsx_import(api, contest):
    contest.add_round("dot-1", n_questions=0)
    body = write_xlsx("Câu hỏi", QUESTION_HEADER, QUESTION_ROWS)
    reply = api.put("/api/admin/rounds/dot-1/questions", raw=body, content_type=XLSX_MIME, token=contest.admin)
    assert reply.status == 200, reply.text
    assert reply.body["count"] == 3 and "ít hơn số câu mỗi bài thi (5)" in reply.body["warning"]
    assert correct_text(stored_bank()["Dịch vụ công trực tuyến mức độ cao nhất?"]) == "Toàn trình"


def test_questions_reimport_replaces_the_bank_before_opening(api, contest, clock):
    contest.add_round("dot-1", questions_per_attempt=1)  # 8 questions
    body = {"questions": [{"text": "Câu duy nhất?", "options": ["Đúng", "Sai"], "answer": 1}]}
    assert api.put("/api/admin/rounds/dot-1/questions", body, token=contest.admin).body["count"] == 1
    assert list(stored_bank()) == ["Câu duy nhất?"]
    clock.advance(HOUR)
    token, _ = contest.register()
    attempt = contest.start(token)
    assert [q["text"] for q in attempt["questions"]] == ["Câu duy nhất?"]


def test_questions_with_bad_rows_store_nothing(api, contest, tables):
    contest.add_round("dot-1")
    before = stored_bank()
    body = {"questions": [questions(1)[0],
                          {"text": "Câu hai?", "options": ["Có"], "answer": 0},
                          {"text": "Câu ba?", "options": ["Có", "Không"], "answer": 5}]}
    with tables.unchanged():
        reply = api.put("/api/admin/rounds/dot-1/questions", body, token=contest.admin)
    error = assert_error(reply, 400, "invalid", {"row 2.options", "row 3.answer"})
    assert {r["row"] for r in error["rows"]} == {2, 3}
    assert stored_bank() == before


@pytest.mark.parametrize("kind", ["json", "csv", "xlsx"])
def test_questions_frozen_once_open(api, contest, tables, kind):
    contest.open_round("dot-1")
    if kind == "json":
        sent = {"body": {"questions": questions(8)}}
    elif kind == "csv":
        sent = {"raw": questions_csv(), "content_type": "text/csv"}
    else:
        sent = {"raw": write_xlsx("q", QUESTION_HEADER, QUESTION_ROWS), "content_type": XLSX_MIME}
    with tables.unchanged():
        reply = api.call("PUT", "/api/admin/rounds/dot-1/questions", token=contest.admin, **sent)
    assert_error(reply, 409, "round_started")


def test_questions_unknown_round(api, contest, tables):
    with tables.unchanged():
        reply = api.put("/api/admin/rounds/dot-9/questions", {"questions": questions(2)}, token=contest.admin)
    assert_error(reply, 404, "round_not_found")


# --- closing


def test_close_is_202_idempotent_and_stops_new_attempts(api, contest, clock):
    contest.open_round("dot-1")
    token, _ = contest.register()
    clock.advance(HOUR)
    first = api.post("/api/admin/rounds/dot-1/close", token=contest.admin)
    assert first.status == 202, first.text
    assert set(first.body) == {"round"} and first.body["round"]["status"] == "closed"
    assert first.body["round"]["closes_at"].startswith(iso(clock.now)[:19])
    clock.advance(HOUR)
    second = api.post("/api/admin/rounds/dot-1/close", token=contest.admin)
    assert second.status == 202
    assert second.body["round"] == first.body["round"]
    assert_error(api.post("/api/rounds/dot-1/attempts", token=token), 409, "round_not_open")


def test_close_after_closes_at_keeps_closes_at(api, contest, clock):
    sent = contest.open_round("dot-1", length=2 * HOUR)
    clock.advance(3 * HOUR)
    reply = api.post("/api/admin/rounds/dot-1/close", token=contest.admin)
    assert reply.status == 202
    assert same_instant(reply.body["round"]["closes_at"], sent["closes_at"])


def test_close_unknown_round(api, contest, tables):
    with tables.unchanged():
        assert_error(api.post("/api/admin/rounds/dot-9/close", token=contest.admin), 404, "round_not_found")


def test_a_file_full_of_bad_rows_gets_a_bounded_answer(api, contest, tables):
    """Every bad row listed would make a 0.8 MB upload answer 16 MB, more than Lambda can send (6 MB)."""
    body = b"id,name,kind,headcount\n" + b"".join(b"x %d,,zz,-%d\n" % (i, i) for i in range(45000))
    assert len(body) < 1024 * 1024
    with tables.unchanged():
        reply = api.put("/api/admin/units", raw=body, content_type="text/csv", token=contest.admin)
    error = assert_error(reply, 400, "invalid", {"row 2.id", "row 2.name", "row 2.kind", "row 2.headcount"})
    assert len(reply.text) < 100 * 1024
    assert 0 < len(error["rows"]) <= 200 and len(error["fields"]) <= 200
    assert "180000" in error["message"]  # how many errors there are in all
