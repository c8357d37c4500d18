"""Malformed requests to the account paths, and the bad input of issue 10 that reached a 500 (a '²' limit, a
5,000-digit spreadsheet cell, names of zero-width spaces, control characters in names and imported texts): each
gets the contract's 4xx code in the error shape, and nothing stored changes. Same world and checks as
test_malformed.py."""
from __future__ import annotations

import pytest

from chalicelib.contest.tables import XLSX_MIME, write_xlsx
from tests.api.test_malformed import BAD_TOKENS, DROP, KIB, Bad, reg, round_body, send, submission
from tests.support import assert_error

VERIFY, RESET, PASSWORD, ME, LOGOUT = ("/api/verifications", "/api/password-resets", "/api/me/password",
                                       "/api/me", "/api/sessions/current")
BOARD = "/api/rounds/dot-1/leaderboard"


def code_request(**changes) -> dict:
    body = {"phone": "0987000001", "purpose": "register", **changes}
    return {k: v for k, v in body.items() if v is not DROP}


def reset(**changes) -> dict:
    body = {"phone": "0912000001", "code": "123456", "new_password": "mat-khau-moi-1", **changes}
    return {k: v for k, v in body.items() if v is not DROP}


def change(**changes) -> dict:
    body = {"password": "mat-khau-123", "new_password": "mat-khau-moi-1", **changes}
    return {k: v for k, v in body.items() if v is not DROP}


def units_csv(cell: str) -> bytes:
    return f"id,name,headcount\ndv-moi,Đơn vị mới,{cell}\n".encode()


def question(**changes) -> dict:
    return {"questions": [{"text": "Câu hỏi?", "options": ["Có", "Không"], "answer": 0, **changes}]}


CASES = [
    # POST /api/verifications
    Bad("code-empty-object", "POST", VERIFY, {}, token=None, fields={"phone", "purpose"}),
    Bad("code-purpose-unknown", "POST", VERIFY, code_request(purpose="doi-mat-khau"), token=None,
        fields={"purpose"}),
    Bad("code-purpose-missing", "POST", VERIFY, code_request(purpose=DROP), token=None, fields={"purpose"}),
    Bad("code-purpose-null", "POST", VERIFY, code_request(purpose=None), token=None, fields={"purpose"}),
    Bad("code-phone-landline", "POST", VERIFY, code_request(phone="0232 3822 123"), token=None, fields={"phone"}),
    Bad("code-phone-number-type", "POST", VERIFY, code_request(phone=987000001), token=None, fields={"phone"}),
    Bad("code-phone-too-short", "POST", VERIFY, code_request(phone="+84 987"), token=None, fields={"phone"}),
    Bad("code-unknown-field", "POST", VERIFY, code_request(code="123456"), token=None, fields={"code"}),
    Bad("code-json-array", "POST", VERIFY, [code_request()], token=None, fields={"body"}),
    Bad("code-invalid-json", "POST", VERIFY, b'{"phone": ', token=None, fields={"body"}),
    Bad("code-oversized", "POST", VERIFY, code_request(purpose="x" * (65 * KIB)), token=None, status=413,
        code="payload_too_large"),
    Bad("code-text-plain", "POST", VERIFY, b"phone=0987000001", token=None, content_type="text/plain",
        status=415, code="unsupported_media_type"),
    # POST /api/password-resets
    Bad("reset-empty-object", "POST", RESET, {}, token=None, fields={"phone", "code", "new_password"}),
    Bad("reset-new-password-short", "POST", RESET, reset(new_password="1234567"), token=None,
        fields={"new_password"}),
    Bad("reset-code-missing", "POST", RESET, reset(code=DROP), token=None, fields={"code"}),
    Bad("reset-code-number", "POST", RESET, reset(code=123456), token=None, fields={"code"}),
    Bad("reset-code-too-long", "POST", RESET, reset(code="1" * 40), token=None, fields={"code"}),
    Bad("reset-code-wrong", "POST", RESET, reset(), token=None, code="bad_code", fields={"code"}),
    Bad("reset-code-letters", "POST", RESET, reset(code="abcdef"), token=None, code="bad_code"),
    Bad("reset-code-full-width", "POST", RESET, reset(code="１２３４５６"), token=None, code="bad_code"),
    Bad("reset-unknown-phone", "POST", RESET, reset(phone="0977777777"), token=None, code="bad_code"),
    Bad("reset-unknown-field", "POST", RESET, reset(token="x"), token=None, fields={"token"}),
    Bad("reset-phone-bad", "POST", RESET, reset(phone="khong-phai-so"), token=None, fields={"phone"}),
    Bad("reset-oversized", "POST", RESET, reset(new_password="x" * (65 * KIB)), token=None, status=413,
        code="payload_too_large"),
    # POST /api/sessions with a code
    Bad("login-code-unknown-phone", "POST", "/api/sessions", {"phone": "0977777777", "code": "123456"},
        token=None, code="bad_code"),
    Bad("login-code-wrong", "POST", "/api/sessions", {"phone": "0912000001", "code": "654321"}, token=None,
        code="bad_code"),
    Bad("login-code-and-password", "POST", "/api/sessions",
        {"phone": "0912000001", "code": "123456", "password": "mat-khau-123"}, token=None, fields={"password"}),
    Bad("login-neither", "POST", "/api/sessions", {"phone": "0912000001"}, token=None, fields={"password"}),
    Bad("login-code-number", "POST", "/api/sessions", {"phone": "0912000001", "code": 123456}, token=None,
        fields={"code"}),
    # PUT /api/me/password
    Bad("change-empty-object", "PUT", PASSWORD, {}, fields={"password", "new_password"}),
    Bad("change-new-short", "PUT", PASSWORD, change(new_password="ngan"), fields={"new_password"}),
    Bad("change-unknown-field", "PUT", PASSWORD, change(phone="0912000001"), fields={"phone"}),
    Bad("change-wrong-current", "PUT", PASSWORD, change(password="sai-mat-khau"), status=401,
        code="bad_credentials", ignore_login=True),
    Bad("change-no-token", "PUT", PASSWORD, change(), token=None, status=401, code="unauthorized"),
    Bad("change-organizer-token", "PUT", PASSWORD, change(), token="admin", status=403, code="forbidden"),
    Bad("change-oversized", "PUT", PASSWORD, change(new_password="x" * (65 * KIB)), status=413,
        code="payload_too_large"),
    Bad("change-json-array", "PUT", PASSWORD, [change()], fields={"body"}),
    # PUT /api/me
    Bad("profile-phone-not-editable", "PUT", ME, {"phone": "0987000009"}, fields={"phone"}),
    Bad("profile-name-zero-width", "PUT", ME, {"full_name": "\u200b\u200c\u200d\u2060"}, fields={"full_name"}),
    Bad("profile-name-hangul-filler", "PUT", ME, {"full_name": "\u3164\u3164\u3164"}, fields={"full_name"}),
    Bad("profile-name-control", "PUT", ME, {"full_name": "Lê\x07 Văn"}, fields={"full_name"}),
    Bad("profile-name-null", "PUT", ME, {"full_name": None}, fields={"full_name"}),
    Bad("profile-unit-unknown", "PUT", ME, {"unit_id": "khong-co"}, fields={"unit_id"}),
    Bad("profile-category-unknown", "PUT", ME, {"category": "vip"}, fields={"category"}),
    Bad("profile-birth-year-text", "PUT", ME, {"birth_year": "1990"}, fields={"birth_year"}),
    Bad("profile-birth-year-5000-digits", "PUT", ME, b'{"birth_year": 1' + b"0" * 5000 + b"}",
        fields={"birth_year"}),
    Bad("profile-email-bad", "PUT", ME, {"email": "khong-phai-email"}, fields={"email"}),
    Bad("profile-json-array", "PUT", ME, [{"full_name": "An"}], fields={"body"}),
    Bad("profile-unit-after-attempt", "PUT", ME, {"unit_id": "dong-hoi"}, status=409,
        code="participant_has_attempts"),
    Bad("profile-no-token", "PUT", ME, {"full_name": "Lê Văn An"}, token=None, status=401, code="unauthorized"),
    Bad("profile-organizer-token", "PUT", ME, {"full_name": "Lê Văn An"}, token="admin", status=403,
        code="forbidden"),
    Bad("profile-oversized", "PUT", ME, {"full_name": "x" * (65 * KIB)}, status=413, code="payload_too_large"),
    # DELETE /api/sessions/current
    Bad("logout-no-token", "DELETE", LOGOUT, token=None, status=401, code="unauthorized"),
    Bad("logout-organizer-token", "DELETE", LOGOUT, token="admin", status=403, code="forbidden"),
    Bad("logout-oversized", "DELETE", LOGOUT, b"x" * (65 * KIB), status=413, code="payload_too_large"),
    # registration: names and codes
    Bad("register-name-zero-width", "POST", "/api/participants", reg(full_name="\u200b" * 5), token=None,
        fields={"full_name"}),
    Bad("register-name-direction-overrides", "POST", "/api/participants", reg(full_name="\u202e\u202d\u202e"),
        token=None, fields={"full_name"}),
    Bad("register-name-nul", "POST", "/api/participants", reg(full_name="Lê Văn\u0000 Cường"), token=None,
        fields={"full_name"}),
    Bad("register-name-newline", "POST", "/api/participants", reg(full_name="Lê Văn\nCường"), token=None,
        fields={"full_name"}),
    Bad("register-name-marks-only", "POST", "/api/participants", reg(full_name="\u0301\u0303\u0309"),
        token=None, fields={"full_name"}),
    Bad("register-code-number", "POST", "/api/participants", reg(code=123456), token=None, fields={"code"}),
    Bad("register-code-wrong", "POST", "/api/participants", reg(code="123456"), token=None, code="bad_code"),
    # query integers: one parser, ASCII digits only
    Bad("leaderboard-limit-superscript", "GET", BOARD + "?limit=%C2%B2", token=None, fields={"limit"}),
    Bad("leaderboard-limit-arabic-indic", "GET", BOARD + "?limit=%D9%A1%D9%A0", token=None, fields={"limit"}),
    Bad("leaderboard-limit-full-width", "GET", BOARD + "?limit=%EF%BC%95", token=None, fields={"limit"}),
    Bad("leaderboard-limit-plus", "GET", BOARD + "?limit=%2B5", token=None, fields={"limit"}),
    Bad("leaderboard-limit-huge", "GET", BOARD + "?limit=" + "9" * 5000, token=None, fields={"limit"}),
    Bad("leaderboard-limit-empty", "GET", BOARD + "?limit=", token=None, fields={"limit"}),
    # submissions: a number too long for any field is refused by name, not as a broken body
    Bad("submit-prediction-5000-digits", "POST", "/api/attempts/{attempt}/submission",
        lambda w: __import__("json").dumps(submission(w, prediction=0)).encode().replace(
            b'"prediction": 0', b'"prediction": 1' + b"0" * 5000), fields={"prediction"}),
    # imports: spreadsheet cells through the same parser; control and invisible characters refused
    Bad("units-csv-cell-5000-digits", "PUT", "/api/admin/units", units_csv("9" * 5000), content_type="text/csv",
        token="admin", fields={"row 2.headcount"}),
    Bad("units-csv-cell-superscript", "PUT", "/api/admin/units", units_csv("1²"), content_type="text/csv",
        token="admin", fields={"row 2.headcount"}),
    Bad("units-xlsx-cell-1e308", "PUT", "/api/admin/units",
        write_xlsx("units", ["id", "name", "headcount"], [["dv-moi", "Đơn vị mới", 1e308]]),
        content_type=XLSX_MIME, token="admin", fields={"row 2.headcount"}),
    Bad("units-json-headcount-400-digits", "PUT", "/api/admin/units",
        b'{"units": [{"id": "dv-moi", "name": "Moi", "headcount": 1' + b"0" * 400 + b"}]}", token="admin",
        fields={"row 1.headcount"}),
    Bad("units-name-control", "PUT", "/api/admin/units", {"units": [{"id": "dv-moi", "name": "Sở\x1b[31m"}]},
        token="admin", fields={"row 1.name"}),
    Bad("units-name-zero-width", "PUT", "/api/admin/units", {"units": [{"id": "dv-moi", "name": "\u200b\ufeff"}]},
        token="admin", fields={"row 1.name"}),
    Bad("questions-text-control", "PUT", "/api/admin/rounds/dot-2/questions", question(text="Câu\x07 hỏi?"),
        token="admin", fields={"row 1.text"}),
    Bad("questions-option-invisible", "PUT", "/api/admin/rounds/dot-2/questions",
        question(options=["Có", "\u2060\u200b"]), token="admin", fields={"row 1.options"}),
    Bad("round-name-zero-width", "POST", "/api/admin/rounds", round_body(name="\u200b\u200b"), token="admin",
        fields={"name"}),
    Bad("round-name-control", "POST", "/api/admin/rounds", round_body(name="Đợt\x00 mới"), token="admin",
        fields={"name"}),
    Bad("round-prediction-question-escape", "POST", "/api/admin/rounds",
        round_body(prediction_question="Bao nhiêu?\x1b[2J"), token="admin", fields={"prediction_question"}),
]
CASES += [Bad(f"logout-token-{name}", "DELETE", LOGOUT, token=BAD_TOKENS[name], status=401, code="unauthorized")
          for name in ("role-changed", "subject-changed", "signature-flipped", "garbage")]
CASES += [Bad(f"profile-token-{name}", "PUT", ME, {"full_name": "Lê Văn An"}, token=BAD_TOKENS[name],
              status=401, code="unauthorized") for name in ("other-secret", "non-ascii")]


@pytest.mark.parametrize("case", [case.param() for case in CASES])
def test_refused_and_nothing_stored_changed(w, case):
    with w.tables.unchanged(ignore_login=case.ignore_login):
        reply = send(w, case)
    assert_error(reply, case.status, case.code, case.fields)
    assert reply.headers.get("x-content-type-options") == "nosniff"


def test_at_least_sixty_new_cases():
    assert len(CASES) >= 60
    assert len({case.id for case in CASES}) == len(CASES)
