"""Registration, login and the participant's own view."""
from __future__ import annotations

import re
import uuid
from functools import partial

from chalicelib import auth, config, errors, runtime
from chalicelib.contest.attempts import best_attempt
from chalicelib.contest.ids import plausible
from chalicelib.contest.participants import Participant
from chalicelib.contest.phones import normalize_phone
from chalicelib.contest.ranking import CATEGORIES, final_key, live_key
from chalicelib.fields import integer, one_of, optional, text, validate
from chalicelib.observability import metrics_count
from chalicelib.services.views import attempt_summary, participant_view, result_view
from chalicelib.store import attempts as attempt_store
from chalicelib.store import participants as participant_store
from chalicelib.store import rounds as round_store
from chalicelib.store import units as unit_store

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_ID_NUMBER = re.compile(r"[0-9]{12}")  # ASCII digits only: "\d" would let "０４４…" claim a second account


def _phone(value):
    phone = normalize_phone(value)
    if phone is None:
        raise ValueError("Số điện thoại di động không hợp lệ.")
    return phone


def _id_number(value):
    if not isinstance(value, str) or not _ID_NUMBER.fullmatch(value.strip()):
        raise ValueError("Số CCCD phải gồm đúng 12 chữ số.")
    return value.strip()


def _email(value):
    if not isinstance(value, str) or len(value) > 254 or not _EMAIL.fullmatch(value.strip()):
        raise ValueError("Địa chỉ email không hợp lệ.")
    return value.strip().lower()


def _password(value):
    if not isinstance(value, str) or not 8 <= len(value) <= 128:
        raise ValueError("Mật khẩu phải có từ 8 đến 128 ký tự.")
    return value


def _unit_id(value):
    # Anything that cannot be a unit id is no unit, and never a key to look up.
    if not plausible(value):
        raise ValueError("Vui lòng chọn đơn vị.")
    if not unit_store.exists(value):
        raise ValueError("Đơn vị không tồn tại.")
    return value


REGISTRATION = {
    "full_name": (text(2, 100), True),
    "phone": (_phone, True),
    "password": (_password, True),
    "unit_id": (_unit_id, True),
    "category": (one_of(*CATEGORIES, message="Vui lòng chọn đối tượng dự thi."), True),
    "birth_year": (optional(integer(1900, 2100)), False),
    "id_number": (optional(_id_number), False),
    "email": (optional(_email), False),
}


def register(body: dict) -> dict:
    clean = validate(body, REGISTRATION)
    now = runtime.now_ms()
    participant = Participant(
        uuid.uuid4().hex, full_name=clean["full_name"], phone=clean["phone"], unit_id=clean["unit_id"],
        category=clean["category"], birth_year=clean.get("birth_year"), id_number=clean.get("id_number"),
        email=clean.get("email"), password_hash=auth.hash_password(clean["password"]), registered_at=now)
    try:
        participant_store.register(participant)
    except participant_store.AlreadyClaimed as claimed:
        if claimed.field == "phone":
            raise errors.conflict("phone_taken", "Số điện thoại này đã được đăng ký.") from None
        raise errors.conflict("id_number_taken", "Số CCCD này đã được đăng ký.") from None
    metrics_count("Registrations")
    return _signed_in(participant, now)


def _signed_in(participant: Participant, now: int) -> dict:
    return {"participant": participant_view(participant),
            "token": auth.issue_token(participant.id, auth.PARTICIPANT, now)}


def check_password(throttle_key: str, password: str, stored_hash: str | None) -> bool:
    """Verifies a password behind the per-login failure throttle (429 after repeated failures)."""
    settings = config.current()
    now_s = runtime.now_ms() // 1000
    if participant_store.login_failures(throttle_key, now_s) >= settings.login_max_failures:
        raise errors.TooMany("too_many_attempts", "Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.")
    if auth.verify_password(password, stored_hash):
        participant_store.clear_login_failures(throttle_key)
        return True
    participant_store.record_login_failure(throttle_key, now_s, settings.login_window_seconds)
    return False


def login(body: dict) -> dict:
    # Only a mobile number can be an account; checking it first also keeps the failure counter's key a
    # normalised phone, so no "phone" can count against an organizer's key ("admin:<username>").
    clean = validate(body, {"phone": (_phone, True), "password": (_password_any, True)})
    phone = clean["phone"]
    participant = participant_store.find_by_phone(phone)
    matched = check_password(phone, clean["password"], participant.password_hash if participant else None)
    if not matched or participant is None:
        raise errors.Unauthorized("bad_credentials", "Số điện thoại hoặc mật khẩu không đúng.")
    return _signed_in(participant, runtime.now_ms())


def _password_any(value):
    if not isinstance(value, str) or not 1 <= len(value) <= 128:
        raise ValueError("Mật khẩu không hợp lệ.")
    return value


def me(participant_id: str) -> dict:
    participant = participant_store.get(participant_id)
    if participant is None:
        raise errors.unauthorized()
    now = runtime.now_ms()
    mine = attempt_store.of_participant(participant_id)
    rounds = []
    for round_ in round_store.list_rounds():
        in_round = [a for a in mine if a.round_id == round_.id]
        in_progress = next((a.id for a in in_round if a.status_at(round_, now) == "in_progress"), None)
        key = live_key if round_.prediction_truth is None else partial(final_key, truth=round_.prediction_truth)
        best = best_attempt(in_round, key)
        rounds.append({"round_id": round_.id, "attempts_used": len(in_round),
                       "attempt_in_progress": in_progress, "best": result_view(best) if best else None,
                       "attempts": [attempt_summary(a, round_, now) for a in in_round]})
    return {"participant": participant_view(participant), "rounds": rounds}

