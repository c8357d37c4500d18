"""Malformed and unauthorised requests: each gets the contract's 4xx code in the error shape, and nothing stored
changes (every DynamoDB table is scanned before and after). One shared contest serves every case, which is
sound precisely because each case proves it changed nothing."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from chalicelib.contest.tables import XLSX_MIME, write_xlsx
from tests.support import T0, UNITS, assert_error, iso, questions

KIB = 1024
DROP = object()

REGISTRATION = {"full_name": "Lê Văn Cường", "phone": "0987000001", "password": "mat-khau-123",
                "unit_id": "so-noi-vu", "category": "citizen"}


def reg(**changes) -> dict:
    body = {**REGISTRATION, **changes}
    return {k: v for k, v in body.items() if v is not DROP}


def round_body(**changes) -> dict:
    body = {"id": "dot-moi", "name": "Đợt thi mới", "opens_at": "2021-11-01T00:00:00+07:00",
            "closes_at": "2021-11-20T23:59:59+07:00", **changes}
    return {k: v for k, v in body.items() if v is not DROP}


# --- tokens that must not open anything


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _payload(token: str) -> dict:
    body = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def role_changed(w) -> str:
    """A's token with the role rewritten to organizer, the signature kept."""
    claims = {**_payload(w.token_a), "role": "organizer"}
    return f"{_b64(json.dumps(claims, separators=(',', ':')).encode())}.{w.token_a.split('.')[1]}"


def subject_changed(w) -> str:
    """A's token rewritten to name B, the signature kept."""
    claims = {**_payload(w.token_a), "sub": w.b["id"]}
    return f"{_b64(json.dumps(claims, separators=(',', ':')).encode())}.{w.token_a.split('.')[1]}"


def signature_flipped(w) -> str:
    body, signature = w.token_a.split(".")
    return f"{body}.{('A' if signature[0] != 'A' else 'B')}{signature[1:]}"


def other_secret(w) -> str:
    """A well-formed organizer token signed with a secret that is not the server's."""
    payload = json.dumps({"sub": "btc", "role": "organizer", "exp": 4_000_000_000}, separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(hmac.new(b'not-the-secret', payload, hashlib.sha256).digest())}"


BAD_TOKENS: dict[str, Callable] = {
    "role-changed": role_changed,
    "subject-changed": subject_changed,
    "signature-flipped": signature_flipped,
    "other-secret": other_secret,
    "garbage": lambda w: "a.b.c",
    "no-dot": lambda w: "khong-phai-token",
    "non-ascii": lambda w: w.token_a[:-3] + "ấáà",
    "empty": lambda w: "",
}


# --- the cases


@dataclass
class Bad:
    id: str
    method: str
    path: str
    body: Any = None                  # JSON value, raw bytes, or a function of the world giving either
    status: int = 400
    code: str = "invalid"
    fields: set = field(default_factory=set)
    token: Any = "a"                  # "a", "b", "admin", None, or a function of the world giving a token
    header: str | None = None         # a whole Authorization header instead of a token
    content_type: str = "application/json"
    ignore_login: bool = False

    def param(self):
        return pytest.param(self, id=self.id)


def submission(w, **changes) -> dict:
    body = {"answers": w.contest.answers(w.attempt, 3), "prediction": 12, **changes}
    return {k: v for k, v in body.items() if v is not DROP}


def foreign_question(w) -> dict:
    """An answer naming a bank question that was not drawn for this attempt."""
    drawn = {q["id"] for q in w.attempt["questions"]}
    other = next(q for qid, q in w.bank().items() if qid not in drawn)
    return {"answers": {other.id: other.answer}, "prediction": 1}


def other_questions_option(w) -> dict:
    first, second = w.attempt["questions"][:2]
    return {"answers": {first["id"]: second["options"][0]["id"]}, "prediction": 1}


def nested(depth: int) -> bytes:
    return b'{"answers": ' + b"[" * depth + b"]" * depth + b', "prediction": 1}'


ATTEMPT = "/api/attempts/{attempt}"
SUBMIT = "/api/attempts/{attempt}/submission"
VALID_ADMIN_BODIES = {
    ("PUT", "/api/admin/units"): {"units": UNITS},
    ("POST", "/api/admin/rounds"): round_body(),
    ("PUT", "/api/admin/rounds/dot-2"): {"name": "Đổi tên"},
    ("PUT", "/api/admin/rounds/dot-2/questions"): {"questions": questions(6)},
    ("POST", "/api/admin/rounds/dot-1/close"): None,
    ("GET", "/api/admin/me"): None,
    ("GET", "/api/admin/accounts"): None,
    ("POST", "/api/admin/accounts"): {"username": "moi", "password": "mat-khau-moi-1", "role": "owner"},
    ("PUT", "/api/admin/accounts/btc"): {"disabled": True},
    ("GET", "/api/admin/audit"): None,
    ("GET", "/api/admin/participants"): None,
    ("PUT", "/api/admin/participants/{participant_a}"): {"full_name": "Kẻ Mạo Danh"},
    ("POST", "/api/admin/participants/{participant_a}/disqualify"): {"reason": "Thi hộ"},
    ("POST", "/api/admin/participants/{participant_a}/password"): None,
    ("POST", "/api/admin/exports"): {"kind": "registrations"},
}

CASES = [
    # registration: missing, unknown and wrongly typed fields
    Bad("register-empty-object", "POST", "/api/participants", {}, token=None,
        fields={"full_name", "phone", "password", "unit_id", "category"}),
    Bad("register-unknown-field", "POST", "/api/participants", reg(role="organizer"), token=None, fields={"role"}),
    Bad("register-name-number", "POST", "/api/participants", reg(full_name=12345), token=None, fields={"full_name"}),
    Bad("register-name-too-short", "POST", "/api/participants", reg(full_name=" A "), token=None,
        fields={"full_name"}),
    Bad("register-name-too-long", "POST", "/api/participants", reg(full_name="Ấ" * 101), token=None,
        fields={"full_name"}),
    Bad("register-password-too-short", "POST", "/api/participants", reg(password="1234567"), token=None,
        fields={"password"}),
    Bad("register-password-too-long", "POST", "/api/participants", reg(password="p" * 129), token=None,
        fields={"password"}),
    Bad("register-password-missing", "POST", "/api/participants", reg(password=DROP), token=None,
        fields={"password"}),
    Bad("register-phone-too-short", "POST", "/api/participants", reg(phone="091234567"), token=None,
        fields={"phone"}),
    Bad("register-phone-landline", "POST", "/api/participants", reg(phone="0232 3822 123"), token=None,
        fields={"phone"}),
    Bad("register-phone-letters", "POST", "/api/participants", reg(phone="09123abc78"), token=None,
        fields={"phone"}),
    Bad("register-phone-foreign", "POST", "/api/participants", reg(phone="+1 202 555 0100"), token=None,
        fields={"phone"}),
    Bad("register-phone-number-type", "POST", "/api/participants", reg(phone=912345678), token=None,
        fields={"phone"}),
    Bad("register-phone-too-long", "POST", "/api/participants", reg(phone="0912345678" + " " * 40), token=None,
        fields={"phone"}),
    Bad("register-category-unknown", "POST", "/api/participants", reg(category="vip"), token=None,
        fields={"category"}),
    Bad("register-unit-unknown", "POST", "/api/participants", reg(unit_id="khong-co"), token=None,
        fields={"unit_id"}),
    Bad("register-unit-empty", "POST", "/api/participants", reg(unit_id=""), token=None, fields={"unit_id"}),
    Bad("register-unit-huge", "POST", "/api/participants", reg(unit_id="x" * 5000), token=None,
        fields={"unit_id"}),
    Bad("register-unit-number", "POST", "/api/participants", reg(unit_id=7), token=None, fields={"unit_id"}),
    Bad("register-birth-year-text", "POST", "/api/participants", reg(birth_year="1990"), token=None,
        fields={"birth_year"}),
    Bad("register-birth-year-bool", "POST", "/api/participants", reg(birth_year=True), token=None,
        fields={"birth_year"}),
    Bad("register-birth-year-huge", "POST", "/api/participants",
        b'{"full_name": "L\xc3\xaa V\xc4\x83n C\xc6\xb0\xe1\xbb\x9dng", "phone": "0987000001", '
        b'"password": "mat-khau-123", "unit_id": "so-noi-vu", "category": "citizen", "birth_year": 1' + b"0" * 400
        + b"}", token=None, fields={"birth_year"}),
    Bad("register-birth-year-nan", "POST", "/api/participants",
        json.dumps(reg(birth_year=float("nan"))).encode(), token=None, fields={"birth_year"}),
    Bad("register-id-number-short", "POST", "/api/participants", reg(id_number="04420100012"), token=None,
        fields={"id_number"}),
    Bad("register-id-number-number", "POST", "/api/participants", reg(id_number=44201000123), token=None,
        fields={"id_number"}),
    Bad("register-email-bad", "POST", "/api/participants", reg(email="khong-phai-email"), token=None,
        fields={"email"}),
    Bad("register-several-bad", "POST", "/api/participants", reg(phone="1", category="x", password="p"),
        token=None, fields={"phone", "category", "password"}),
    # registration: bodies that are not a JSON object of UTF-8 text
    Bad("register-json-array", "POST", "/api/participants", [REGISTRATION], token=None, fields={"body"}),
    Bad("register-json-string", "POST", "/api/participants", "đăng ký", token=None, fields={"body"}),
    Bad("register-json-null", "POST", "/api/participants", b"null", token=None, fields={"body"}),
    Bad("register-json-number", "POST", "/api/participants", b"42", token=None, fields={"body"}),
    Bad("register-empty-body", "POST", "/api/participants", b"", token=None, fields={"body"}),
    Bad("register-invalid-json", "POST", "/api/participants", b'{"full_name": "An", ', token=None,
        fields={"body"}),
    Bad("register-single-quotes", "POST", "/api/participants", b"{'full_name': 'An'}", token=None,
        fields={"body"}),
    Bad("register-non-utf8", "POST", "/api/participants",
        b'{"full_name": "Nguy\xe1n V\xe3n An", "phone": "0987000001"}', token=None, fields={"body"}),
    Bad("register-latin1-name", "POST", "/api/participants",
        json.dumps(reg(full_name="Lê Văn"), ensure_ascii=False).encode("utf-8").replace("ê".encode(), b"\xea"),
        token=None, fields={"body"}),
    Bad("register-lone-surrogate", "POST", "/api/participants",
        json.dumps(reg(full_name="An \ud800 Bình")).encode(), token=None),
    Bad("register-deep-nesting", "POST", "/api/participants",
        b'{"full_name": ' + b"[" * 20000 + b"]" * 20000 + b"}", token=None),
    Bad("register-oversized", "POST", "/api/participants", reg(full_name="A" * (64 * KIB)), token=None,
        status=413, code="payload_too_large"),
    Bad("register-text-plain", "POST", "/api/participants", json.dumps(REGISTRATION).encode(), token=None,
        content_type="text/plain", status=415, code="unsupported_media_type"),
    # login
    Bad("login-password-missing", "POST", "/api/sessions", {"phone": "0912000001"}, token=None,
        fields={"password"}),
    Bad("login-phone-number-type", "POST", "/api/sessions", {"phone": 912000001, "password": "mat-khau-123"},
        token=None, fields={"phone"}),
    Bad("login-phone-not-mobile", "POST", "/api/sessions", {"phone": "admin:btc", "password": "mat-khau-btc-1"},
        token=None, fields={"phone"}),
    Bad("login-unknown-field", "POST", "/api/sessions",
        {"phone": "0912000001", "password": "mat-khau-123", "remember": True}, token=None, fields={"remember"}),
    Bad("login-json-array", "POST", "/api/sessions", ["0912000001", "mat-khau-123"], token=None,
        fields={"body"}),
    Bad("login-oversized", "POST", "/api/sessions", {"phone": "0912000001", "password": "x" * (70 * KIB)},
        token=None, status=413, code="payload_too_large"),
    Bad("login-wrong-password", "POST", "/api/sessions", {"phone": "+84 912 000 001", "password": "sai-mat-khau"},
        token=None, status=401, code="bad_credentials", ignore_login=True),
    Bad("login-unknown-phone", "POST", "/api/sessions", {"phone": "0977777777", "password": "mat-khau-123"},
        token=None, status=401, code="bad_credentials", ignore_login=True),
    Bad("admin-login-wrong-password", "POST", "/api/admin/sessions", {"username": "btc", "password": "sai"},
        token=None, status=401, code="bad_credentials", ignore_login=True),
    Bad("admin-login-missing-field", "POST", "/api/admin/sessions", {"username": "btc"}, token=None,
        fields={"password"}),
    # starting and reading attempts
    Bad("start-unknown-round", "POST", "/api/rounds/khong-co/attempts", status=404, code="round_not_found"),
    Bad("start-huge-round-id", "POST", "/api/rounds/" + "x" * 3000 + "/attempts", status=404,
        code="round_not_found"),
    Bad("start-scheduled-round", "POST", "/api/rounds/dot-2/attempts", token="b", status=409,
        code="round_not_open"),
    Bad("start-oversized", "POST", "/api/rounds/dot-1/attempts", b"x" * (65 * KIB), token="b",
        status=413, code="payload_too_large"),
    Bad("start-without-token", "POST", "/api/rounds/dot-1/attempts", token=None, status=401,
        code="unauthorized"),
    Bad("start-organizer-token", "POST", "/api/rounds/dot-1/attempts", token="admin", status=403,
        code="forbidden"),
    Bad("read-other-participants-attempt", "GET", ATTEMPT, token="b", status=404, code="attempt_not_found"),
    Bad("read-unknown-attempt", "GET", "/api/attempts/khong-co", status=404, code="attempt_not_found"),
    Bad("read-huge-attempt-id", "GET", "/api/attempts/" + "a" * 3000, status=404, code="attempt_not_found"),
    Bad("me-organizer-token", "GET", "/api/me", token="admin", status=403, code="forbidden"),
    # submissions
    Bad("submit-answers-list", "POST", SUBMIT, lambda w: submission(w, answers=["a", "b"]), fields={"answers"}),
    Bad("submit-answers-missing", "POST", SUBMIT, lambda w: submission(w, answers=DROP), fields={"answers"}),
    Bad("submit-prediction-missing", "POST", SUBMIT, lambda w: submission(w, prediction=DROP),
        fields={"prediction"}),
    Bad("submit-prediction-negative", "POST", SUBMIT, lambda w: submission(w, prediction=-1),
        fields={"prediction"}),
    Bad("submit-prediction-huge", "POST", SUBMIT, lambda w: submission(w, prediction=10**12),
        fields={"prediction"}),
    Bad("submit-prediction-enormous", "POST", SUBMIT,
        lambda w: json.dumps(submission(w, prediction=0)).encode().replace(b'"prediction": 0',
                                                                           b'"prediction": 9' + b"9" * 500),
        fields={"prediction"}),
    Bad("submit-prediction-float", "POST", SUBMIT, lambda w: submission(w, prediction=3.5),
        fields={"prediction"}),
    Bad("submit-prediction-text", "POST", SUBMIT, lambda w: submission(w, prediction="3"),
        fields={"prediction"}),
    Bad("submit-prediction-bool", "POST", SUBMIT, lambda w: submission(w, prediction=True),
        fields={"prediction"}),
    Bad("submit-prediction-infinity", "POST", SUBMIT,
        lambda w: json.dumps(submission(w, prediction=float("inf"))).encode(), fields={"prediction"}),
    Bad("submit-unknown-field", "POST", SUBMIT, lambda w: submission(w, score=5), fields={"score"}),
    Bad("submit-question-not-in-attempt", "POST", SUBMIT, foreign_question),
    Bad("submit-option-of-other-question", "POST", SUBMIT, other_questions_option),
    Bad("submit-option-unknown", "POST", SUBMIT,
        lambda w: {"answers": {w.attempt["questions"][0]["id"]: "zzzzzzzz"}, "prediction": 1}),
    Bad("submit-option-number", "POST", SUBMIT,
        lambda w: {"answers": {w.attempt["questions"][0]["id"]: 1}, "prediction": 1}),
    Bad("submit-too-many-answers", "POST", SUBMIT,
        lambda w: {"answers": {f"q{i}": "x" for i in range(501)}, "prediction": 1}, fields={"answers"}),
    Bad("submit-json-array", "POST", SUBMIT, [{"answers": {}}], fields={"body"}),
    Bad("submit-invalid-json", "POST", SUBMIT, b'{"answers": {}, "prediction": }', fields={"body"}),
    Bad("submit-non-utf8", "POST", SUBMIT, b'{"answers": {"\xff": "\xfe"}, "prediction": 1}', fields={"body"}),
    Bad("submit-deep-nesting", "POST", SUBMIT, nested(20000)),
    Bad("submit-oversized", "POST", SUBMIT,
        lambda w: submission(w, answers={f"cau-{i:06d}": "x" * 40 for i in range(1400)}),
        status=413, code="payload_too_large"),
    Bad("submit-other-participants-attempt", "POST", SUBMIT, lambda w: submission(w), token="b", status=404,
        code="attempt_not_found"),
    Bad("submit-without-token", "POST", SUBMIT, lambda w: submission(w), token=None, status=401,
        code="unauthorized"),
    Bad("submit-organizer-token", "POST", SUBMIT, lambda w: submission(w), token="admin", status=403,
        code="forbidden"),
    # organizers: rounds
    Bad("round-missing-fields", "POST", "/api/admin/rounds", {"id": "dot-x"}, token="admin",
        fields={"name", "opens_at", "closes_at"}),
    Bad("round-unknown-field", "POST", "/api/admin/rounds", round_body(status="open"), token="admin",
        fields={"status"}),
    Bad("round-bad-id", "POST", "/api/admin/rounds", round_body(id="Đợt 1"), token="admin", fields={"id"}),
    Bad("round-time-without-zone", "POST", "/api/admin/rounds", round_body(opens_at="2021-11-01T00:00:00"),
        token="admin", fields={"opens_at"}),
    Bad("round-time-garbage", "POST", "/api/admin/rounds", round_body(closes_at="mai"), token="admin",
        fields={"closes_at"}),
    Bad("round-time-number", "POST", "/api/admin/rounds", round_body(opens_at=1633046400000), token="admin",
        fields={"opens_at"}),
    Bad("round-time-year-1", "POST", "/api/admin/rounds",
        round_body(opens_at="0001-01-01T00:00:00+07:00", closes_at="0001-01-02T00:00:00+07:00"),
        token="admin", fields={"opens_at"}),
    Bad("round-time-year-9999", "POST", "/api/admin/rounds", round_body(closes_at="9999-12-31T23:59:59-12:00"),
        token="admin", fields={"closes_at"}),
    Bad("round-closes-before-opens", "POST", "/api/admin/rounds",
        round_body(closes_at="2021-10-31T00:00:00+07:00"), token="admin", fields={"closes_at"}),
    Bad("round-questions-zero", "POST", "/api/admin/rounds", round_body(questions_per_attempt=0), token="admin",
        fields={"questions_per_attempt"}),
    Bad("round-time-limit-text", "POST", "/api/admin/rounds", round_body(time_limit_seconds="1200"),
        token="admin", fields={"time_limit_seconds"}),
    Bad("round-max-attempts-zero", "POST", "/api/admin/rounds", round_body(max_attempts=0), token="admin",
        fields={"max_attempts"}),
    Bad("round-grace-negative", "POST", "/api/admin/rounds", round_body(grace_seconds=-1), token="admin",
        fields={"grace_seconds"}),
    Bad("round-target-unknown", "POST", "/api/admin/rounds", round_body(prediction_target="tat-ca"),
        token="admin", fields={"prediction_target"}),
    Bad("round-exists", "POST", "/api/admin/rounds", round_body(id="dot-1"), token="admin", status=409,
        code="round_exists"),
    Bad("round-oversized", "POST", "/api/admin/rounds", round_body(name="x" * (65 * KIB)), token="admin",
        status=413, code="payload_too_large"),
    Bad("update-round-id", "PUT", "/api/admin/rounds/dot-2", {"id": "dot-3"}, token="admin", fields={"id"}),
    Bad("update-round-time-limit", "PUT", "/api/admin/rounds/dot-2", {"time_limit_seconds": 5}, token="admin",
        fields={"time_limit_seconds"}),
    Bad("update-round-window", "PUT", "/api/admin/rounds/dot-2", {"closes_at": iso(0)}, token="admin",
        fields={"closes_at"}),
    Bad("update-round-unknown", "PUT", "/api/admin/rounds/khong-co", {"name": "x"}, token="admin", status=404,
        code="round_not_found"),
    Bad("update-open-round-rules", "PUT", "/api/admin/rounds/dot-1", {"max_attempts": 9}, token="admin",
        status=409, code="round_started"),
    Bad("update-open-round-opens-at", "PUT", "/api/admin/rounds/dot-1", {"opens_at": iso(T0)}, token="admin",
        status=409, code="round_started"),
    Bad("update-huge-round-id", "PUT", "/api/admin/rounds/" + "x" * 3000, {"name": "x"}, token="admin",
        status=404, code="round_not_found"),
    Bad("close-unknown-round", "POST", "/api/admin/rounds/khong-co/close", token="admin", status=404,
        code="round_not_found"),
    # organizers: imports
    Bad("units-bad-rows-json", "PUT", "/api/admin/units",
        {"units": [{"id": "don-vi-tot", "name": "Đơn vị tốt"}, {"id": "có dấu", "name": ""},
                   {"id": "dv-3", "name": "Xã Ba", "kind": "tinh", "headcount": -1}]},
        token="admin", fields={"row 2.id", "row 2.name", "row 3.kind", "row 3.headcount"}),
    Bad("units-unknown-parent", "PUT", "/api/admin/units",
        {"units": [{"id": "xa-mot", "name": "Xã Một", "parent_id": "huyen-khong-co"}]}, token="admin",
        fields={"row 1.parent_id"}),
    Bad("units-not-a-list", "PUT", "/api/admin/units", {"units": {"id": "x"}}, token="admin",
        fields={"row 0.units"}),
    Bad("units-unknown-top-field", "PUT", "/api/admin/units", {"units": UNITS[:1], "replace": True},
        token="admin", fields={"replace"}),
    Bad("units-csv-bad-rows", "PUT", "/api/admin/units",
        "id,name,kind,headcount\ndv-a,Đơn vị A,agency,10\ndv-b,,huyen,mot\n".encode(), content_type="text/csv",
        token="admin", fields={"row 3.name", "row 3.kind", "row 3.headcount"}),
    Bad("units-csv-missing-column", "PUT", "/api/admin/units", b"id,kind\ndv-a,agency\n", content_type="text/csv",
        token="admin", fields={"row 0.name"}),
    Bad("units-csv-not-utf8", "PUT", "/api/admin/units", "id,name\ndv-a,Sở Tư pháp\n".encode("utf-16"),
        content_type="text/csv", token="admin", fields={"body"}),
    Bad("units-xlsx-garbage", "PUT", "/api/admin/units", b"PK\x03\x04 khong phai excel", content_type=XLSX_MIME,
        token="admin", fields={"body"}),
    Bad("units-xlsx-bad-rows", "PUT", "/api/admin/units",
        write_xlsx("units", ["id", "name", "population"], [["dv-x", "Xã X", -5], ["dv x", "Xã Y", None]]),
        content_type=XLSX_MIME, token="admin", fields={"row 2.population", "row 3.id"}),
    Bad("units-json-array", "PUT", "/api/admin/units", UNITS, token="admin", fields={"body"}),
    Bad("units-json-invalid", "PUT", "/api/admin/units", b'{"units": [', token="admin", fields={"body"}),
    Bad("units-json-oversized", "PUT", "/api/admin/units",
        {"units": [{"id": f"dv-{i}", "name": "Đơn vị " + "x" * 180} for i in range(6000)]}, token="admin",
        status=413, code="payload_too_large"),
    Bad("units-csv-oversized", "PUT", "/api/admin/units",
        b"id,name\n" + b"".join(b"dv-%d,%s\n" % (i, b"x" * 190) for i in range(6000)), content_type="text/csv",
        token="admin", status=413, code="payload_too_large"),
    Bad("units-text-plain", "PUT", "/api/admin/units", b"id,name\n", content_type="text/plain", token="admin",
        status=415, code="unsupported_media_type"),
    Bad("questions-bad-rows-json", "PUT", "/api/admin/rounds/dot-2/questions",
        {"questions": [{"text": "Câu một?", "options": ["A"], "answer": 0},
                       {"text": "Câu hai?", "options": ["Có", "Không"], "answer": 2},
                       {"text": "", "options": ["Có", "có"], "answer": "A"},
                       {"text": "Câu bốn?", "options": ["1", "2", "3", "4", "5", "6", "7"], "answer": 0}]},
        token="admin", fields={"row 1.options", "row 2.answer", "row 3.text", "row 3.answer", "row 4.options"}),
    Bad("questions-csv-bad-rows", "PUT", "/api/admin/rounds/dot-2/questions",
        "text,option_a,option_b,option_c,answer\nCâu một?,Có,Không,,C\nCâu hai?,Có,Không,Chưa rõ,G\n".encode(),
        content_type="text/csv", token="admin", fields={"row 2.answer", "row 3.answer"}),
    Bad("questions-empty", "PUT", "/api/admin/rounds/dot-2/questions", {"questions": []}, token="admin",
        fields={"questions"}),
    Bad("questions-unknown-field", "PUT", "/api/admin/rounds/dot-2/questions",
        {"questions": [{"text": "Câu?", "options": ["Có", "Không"], "answer": 0, "correct": "Có"}]},
        token="admin", fields={"row 1.correct"}),
    Bad("questions-open-round", "PUT", "/api/admin/rounds/dot-1/questions", {"questions": questions(6)},
        token="admin", status=409, code="round_started"),
    Bad("questions-unknown-round", "PUT", "/api/admin/rounds/khong-co/questions", {"questions": questions(6)},
        token="admin", status=404, code="round_not_found"),
    Bad("questions-oversized", "PUT", "/api/admin/rounds/dot-2/questions",
        b"text,option_a,option_b,answer\n" + b"".join(b"Cau %d %s,Co,Khong,A\n" % (i, b"x" * 1000)
                                                      for i in range(1100)),
        content_type="text/csv", token="admin", status=413, code="payload_too_large"),
    # a method the path does not have
    Bad("method-not-allowed", "DELETE", "/api/me", status=405, code="method_not_allowed"),
]

# every organizer path, asked without a token, with a forged one and with a participant's token
for (method, path), body in VALID_ADMIN_BODIES.items():
    slug = path.removeprefix("/api/admin/").replace("/", "-").replace("{participant_a}", "a")
    CASES += [
        Bad(f"admin-{method}-{slug}-no-token", method, path, body, token=None, status=401, code="unauthorized"),
        Bad(f"admin-{method}-{slug}-participant", method, path, body, token="a", status=403, code="forbidden"),
        Bad(f"admin-{method}-{slug}-role-changed", method, path, body, token=role_changed, status=401,
            code="unauthorized"),
    ]
CASES += [
    Bad("admin-close-other-secret", "POST", "/api/admin/rounds/dot-1/close", token=other_secret, status=401,
        code="unauthorized"),
    Bad("admin-units-basic-auth", "PUT", "/api/admin/units", {"units": UNITS}, token=None,
        header="Basic YnRjOm1hdC1raGF1LWJ0Yy0x", status=401, code="unauthorized"),
]

# participant paths with tampered tokens
CASES += [Bad(f"me-token-{name}", "GET", "/api/me", token=make, status=401, code="unauthorized")
          for name, make in BAD_TOKENS.items()]
CASES += [Bad(f"submit-token-{name}", "POST", SUBMIT, lambda w: submission(w), token=BAD_TOKENS[name],
              status=401, code="unauthorized") for name in ("role-changed", "subject-changed", "signature-flipped")]
CASES += [
    Bad("me-header-lowercase-bearer", "GET", "/api/me", token=None, header="bearer {token_a}", status=401,
        code="unauthorized"),
    Bad("me-header-token-only", "GET", "/api/me", token=None, header="{token_a}", status=401, code="unauthorized"),
]


def send(w, case: Bad):
    token = {"a": w.token_a, "b": w.token_b, "admin": w.admin}.get(case.token, case.token)
    if callable(token):
        token = token(w)
    headers = {}
    if case.header is not None:
        headers["authorization"] = case.header.format(token_a=w.token_a)
    elif token is not None:
        headers["authorization"] = f"Bearer {token}"
    body = case.body(w) if callable(case.body) else case.body
    raw = body if isinstance(body, bytes) else (None if body is None else json.dumps(body).encode())
    path = case.path.format(attempt=w.attempt["id"], participant_a=w.a["id"])
    return w.api.call(case.method, path, raw=raw if raw is not None else b"", content_type=case.content_type,
                      headers=headers)


@pytest.mark.parametrize("case", [case.param() for case in CASES])
def test_refused_and_nothing_stored_changed(w, case):
    with w.tables.unchanged(ignore_login=case.ignore_login):
        reply = send(w, case)
    assert_error(reply, case.status, case.code, case.fields)


def test_there_are_at_least_forty_malformed_cases():
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)


# --- expired tokens: the injected clock moves past PARTICIPANT_TOKEN_SECONDS (default 7 days)


def test_participant_token_expires_after_seven_days(w):
    issued = _payload(w.token_a)["exp"] - 7 * 24 * 3600
    w.clock.now = (issued + 7 * 24 * 3600 - 1) * 1000
    assert w.api.get("/api/me", token=w.token_a).status == 200
    w.clock.now = (issued + 7 * 24 * 3600) * 1000
    with w.tables.unchanged():
        for reply in (w.api.get("/api/me", token=w.token_a),
                      w.api.get(f"/api/attempts/{w.attempt['id']}", token=w.token_a),
                      w.api.post("/api/rounds/dot-1/attempts", token=w.token_a),
                      w.api.post(f"/api/attempts/{w.attempt['id']}/submission", submission(w), token=w.token_a)):
            assert_error(reply, 401, "unauthorized")


def test_organizer_token_expires(w):
    issued = _payload(w.admin)["exp"] - 12 * 3600
    w.clock.now = (issued + 12 * 3600) * 1000
    with w.tables.unchanged():
        assert_error(w.api.post("/api/admin/rounds/dot-1/close", token=w.admin), 401, "unauthorized")
        assert_error(w.api.put("/api/admin/units", {"units": UNITS}, token=w.admin), 401, "unauthorized")


def test_the_shared_attempt_is_still_untouched(w):
    """The cases above ran against A's attempt: it is still in progress with no answers."""
    reply = w.api.get(f"/api/attempts/{w.attempt['id']}", token=w.token_a)
    assert reply.status == 200
    assert reply.body["attempt"]["status"] == "in_progress" and reply.body["attempt"]["result"] is None
    assert reply.body["attempt"]["questions"] == w.attempt["questions"]
