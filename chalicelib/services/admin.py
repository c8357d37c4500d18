"""Organizer work: login, unit and question imports, rounds."""
from __future__ import annotations

import uuid

from chalicelib import auth, errors, runtime
from chalicelib.clients import Client
from chalicelib.contest import imports
from chalicelib.contest.accounts import Organizer
from chalicelib.contest.attempts import BankQuestion
from chalicelib.contest.ids import ROUND_ID
from chalicelib.contest.imports import Upload
from chalicelib.contest.ranking import PREDICTION_TARGETS
from chalicelib.contest.records import replace
from chalicelib.contest.rounds import FROZEN_ONCE_OPEN, RULE_LIMITS, SCORE_VISIBILITY, Round
from chalicelib.contest.times import iso
from chalicelib.contest.units import UnitTree, UnitTreeError
from chalicelib.fields import integer, name, one_of, optional, text, timestamp, validate
from chalicelib.services import organizers, throttle
from chalicelib.services import results as result_files
from chalicelib.services.lookups import round_not_found, round_or_404
from chalicelib.services.prize_fields import prize_list, unit_prize_list
from chalicelib.services.views import round_view
from chalicelib.store import organizers as organizer_store
from chalicelib.store import results as result_store
from chalicelib.store import rounds as round_store
from chalicelib.store import units as unit_store


def login(body: dict, client: Client = Client()) -> dict:
    """The same throttle as participants' logins, under `admin:<username>` and the client's address."""
    clean = validate(body, {"username": (text(1, 64), True), "password": (text(1, 128), True)})
    username = clean["username"].lower()
    organizer = organizer_store.get(username)
    matched = throttle.check_password(f"admin:{username}", client, clean["password"],
                                      organizer.password_hash if organizer else None)
    if not matched or organizer is None:
        raise errors.Unauthorized("bad_credentials", "Tên đăng nhập hoặc mật khẩu không đúng.")
    if organizer.disabled:
        raise errors.Forbidden("account_disabled", "Tài khoản này đã bị khoá. Vui lòng liên hệ chủ tài khoản quản trị.")
    return {"token": organizer_token(organizer)}


def organizer_token(organizer: Organizer) -> str:
    """A token carrying the account's role, unit and token version (services/access.py checks them)."""
    return auth.issue_token(organizer.username, auth.ORGANIZER, runtime.now_ms(), version=organizer.version,
                            role=organizer.role, unit_id=organizer.unit_id)


def token_of(username: str) -> str:
    """A token for an existing organizer account, without its password: for tools that act as it on this
    machine (the local demo loader), so that no login throttle can stop them."""
    organizer = organizer_store.get(username.lower())
    if organizer is None:
        raise errors.not_found()
    return organizer_token(organizer)


def create_organizer(username: str, password: str) -> None:
    """The launcher's and the tests' first account: an owner (services/organizers.ensure_owner)."""
    organizers.ensure_owner(username, password)


# --- imports: JSON {"<key>": [...]}, or the rows of a CSV/XLSX table; every bad row reported


def _import_rows(upload: Upload, key: str, from_json, from_rows):
    if upload.rows is not None:
        return from_rows(upload.rows)
    body = upload.json or {}
    unknown = {str(name)[:64]: "Trường này không được hỗ trợ." for name in body if name != key}
    if unknown:
        raise errors.invalid(unknown)
    return from_json(body.get(key))


REPORTED_ROW_ERRORS = 200  # a file of bad rows must not make an answer bigger than Lambda can send


def _reject_rows(rows: list[dict]) -> errors.Invalid:
    shown = rows[:REPORTED_ROW_ERRORS]
    fields = {f"row {row['row']}.{row['field']}": row["message"] for row in shown}
    message = "Có dòng dữ liệu không hợp lệ."
    if len(rows) > len(shown):
        message = f"Có {len(rows)} lỗi trong dữ liệu; dưới đây là {len(shown)} lỗi đầu tiên."
    return errors.invalid(fields, message, rows=shown)


def import_units(upload: Upload) -> dict:
    units, bad = _import_rows(upload, "units", imports.units_from_json, imports.units_from_rows)
    if bad:
        raise _reject_rows(bad)
    existing = {unit.id: unit for unit in unit_store.list_units(fresh=True)}
    merged = {**existing, **{unit.id: unit for unit in units}}
    try:
        UnitTree(merged.values())
    except UnitTreeError as error:
        row = next((i + 1 for i, unit in enumerate(units) if unit.id == error.unit_id), 0)
        raise _reject_rows([{"row": row, "field": "parent_id", "message": str(error)}]) from None
    unit_store.save_units(units)
    created = sum(1 for unit in units if unit.id not in existing)
    return {"created": created, "updated": len(units) - created}


def _bank_question(draft: imports.QuestionDraft) -> BankQuestion:
    option_ids = [uuid.uuid4().hex[:8] for _ in draft.options]
    return BankQuestion(draft.id or uuid.uuid4().hex[:12], draft.text,
                        tuple(zip(option_ids, draft.options, strict=True)), option_ids[draft.answer])


def import_questions(upload: Upload, round_id: str) -> dict:
    round_ = round_or_404(round_id, fresh=True)
    drafts, bad = _import_rows(upload, "questions", imports.questions_from_json, imports.questions_from_rows)
    if bad:
        raise _reject_rows(bad)
    if not drafts:
        raise errors.invalid({"questions": "Ngân hàng câu hỏi trống."})
    try:
        count = round_store.replace_bank(round_.id, [_bank_question(d) for d in drafts], runtime.now_ms())
    except round_store.RoundStarted:
        raise _round_started() from None
    return {"count": count, "warning": bank_warning(replace(round_, question_count=count))}


def bank_warning(round_: Round) -> str | None:
    """What the organizer must know when the bank is too small for an attempt (the round then takes none)."""
    if round_.question_count >= round_.questions_per_attempt:
        return None
    return (f"Ngân hàng có {round_.question_count} câu hỏi, ít hơn số câu mỗi bài thi "
            f"({round_.questions_per_attempt}): đợt thi sẽ không nhận bài thi cho đến khi có đủ câu hỏi.")


# --- rounds


def _round_started() -> errors.Conflict:
    return errors.conflict("round_started", "Đợt thi đã bắt đầu, không thể thay đổi quy định hoặc câu hỏi.")


def _round_id(value):
    if not isinstance(value, str) or not ROUND_ID.fullmatch(value):
        raise ValueError("Mã đợt thi chỉ gồm chữ thường, chữ số và dấu gạch ngang (tối đa 64 ký tự).")
    return value


ROUND_FIELDS = {
    "id": (_round_id, False),
    "name": (name(1, 200), True),
    "opens_at": (timestamp, True),
    "closes_at": (timestamp, True),
    "prediction_question": (text(1, 500), False),
    "prediction_target": (one_of(*PREDICTION_TARGETS), False),
    "score_visibility": (one_of(*SCORE_VISIBILITY), False),
    "prizes": (prize_list, False),
    "unit_prizes": (unit_prize_list, False),
    "max_attempts": (optional(integer(*RULE_LIMITS["max_attempts"])), False),
    **{name: (integer(*RULE_LIMITS[name]), False)
       for name in ("questions_per_attempt", "time_limit_seconds", "grace_seconds")},
}


def _check_window(opens_at: int, closes_at: int) -> None:
    if closes_at <= opens_at:
        raise errors.invalid({"closes_at": "Thời điểm kết thúc phải sau thời điểm bắt đầu."})


def create_round(body: dict) -> dict:
    clean = validate(body, ROUND_FIELDS)
    clean.setdefault("id", f"dot-{uuid.uuid4().hex[:8]}")
    _check_window(clean["opens_at"], clean["closes_at"])
    try:
        round_ = round_store.create_round(Round(**clean))
    except round_store.RoundExists:
        raise errors.conflict("round_exists", "Mã đợt thi đã tồn tại.") from None
    return {"round": round_view(round_, runtime.now_ms())}


def update_round(round_id: str, body: dict) -> dict:
    spec = {name: value for name, value in ROUND_FIELDS.items() if name != "id"}
    changes = validate(body, spec, partial=True)
    current = round_or_404(round_id, fresh=True)
    merged = replace(current, **changes)
    if {"opens_at", "closes_at"} & set(changes):
        _check_window(merged.opens_at, merged.closes_at)
    now = runtime.now_ms()
    touches_rules = any(name in FROZEN_ONCE_OPEN for name in changes)
    try:
        updated = round_store.update_round(round_id, changes, now, touches_rules)
    except round_store.RoundStarted:
        raise _round_started() from None
    except round_store.RoundClosed:
        raise errors.conflict("round_closed", "Đợt thi đã kết thúc, không thể thay đổi.") from None
    except round_store.RoundPublished:
        raise errors.conflict("round_published", "Kết quả đợt thi đã công bố, không thể thay đổi.") from None
    except round_store.RoundMissing:
        raise round_not_found() from None
    return {"round": round_view(updated, now)}


def close_round(round_id: str) -> dict:
    round_or_404(round_id, fresh=True)
    now = runtime.now_ms()
    return {"round": round_view(round_store.close_round(round_id, now), now)}


def results(round_id: str) -> dict:
    round_ = round_or_404(round_id, fresh=True)
    if round_.status != "finalized" or not result_files.readable(round_id):
        return {"status": "pending", "prediction_truth": None, "files": []}
    expires_at = iso(runtime.now_ms() + result_store.LINK_SECONDS * 1000)
    files = [{"name": name, "format": fmt, "url": result_store.link(round_id, f"{name}.{fmt}"),
              "expires_at": expires_at} for name, fmt in result_store.files()]
    return {"status": "ready", "prediction_truth": round_.prediction_truth, "files": files}
