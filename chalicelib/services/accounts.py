"""A participant's account: logging in (password or SMS code), resetting and changing the password, logging
out, and the profile."""
from __future__ import annotations

from chalicelib import auth, errors, runtime
from chalicelib.clients import Client
from chalicelib.contest.records import replace
from chalicelib.fields import validate
from chalicelib.services import participant_fields as f
from chalicelib.services import sessions, throttle, verifications
from chalicelib.services.views import participant_view
from chalicelib.store import attempts as attempt_store
from chalicelib.store import participants as participant_store

LOGIN = {"phone": (f.phone, True), "password": (f.any_password, False), "code": (f.code, False)}
RESET = {"phone": (f.phone, True), "code": (f.code, True), "new_password": (f.new_password, True)}
CHANGE = {"password": (f.any_password, True), "new_password": (f.new_password, True)}


def _signed_in(participant) -> dict:
    return {"participant": participant_view(participant), "token": sessions.token_for(participant)}


def bad_credentials() -> errors.Unauthorized:
    return errors.Unauthorized("bad_credentials", "Số điện thoại hoặc mật khẩu không đúng.")


def login(body: dict, client: Client) -> dict:
    """`{"phone", "password"}` behind the throttle, or `{"phone", "code"}` (a `login` code), which no one
    else's failures can hold up."""
    # Only a mobile number can be an account; checking it first also keeps the throttle's key a normalised
    # phone, so no "phone" can count against an organizer's key ("admin:<username>").
    clean = validate(body, LOGIN)
    if ("password" in clean) == ("code" in clean):
        raise errors.invalid({"password": "Nhập mật khẩu hoặc mã xác minh (một trong hai)."})
    phone = clean["phone"]
    if "code" in clean:
        verifications.use("login", phone, clean["code"])
        participant = participant_store.find_by_phone(phone)
        if participant is None:
            raise verifications.bad_code()
        if not participant.verified:
            participant_store.mark_verified(participant.id)
            participant = replace(participant, verified=True)
        throttle.forgive(phone)
        return _signed_in(participant)
    participant = participant_store.find_by_phone(phone)
    matched = throttle.check_password(phone, client, clean["password"],
                                      participant.password_hash if participant else None)
    if not matched or participant is None:
        raise bad_credentials()
    return _signed_in(participant)


def reset_password(body: dict) -> dict:
    """A `reset` code and a new password: every earlier token of the account stops working."""
    clean = validate(body, RESET)
    verifications.use("reset", clean["phone"], clean["code"])
    participant = participant_store.find_by_phone(clean["phone"])
    if participant is None:
        raise verifications.bad_code()
    moved = sessions.end_sessions(participant.id, auth.hash_password(clean["new_password"]), verified=True)
    throttle.forgive(clean["phone"])
    return _signed_in(moved)


def change_password(principal: auth.Principal, body: dict, client: Client) -> dict:
    """The current password and a new one: a new token, and every other token of the account stops working.
    The current password is checked behind the same throttle as a login."""
    clean = validate(body, CHANGE)
    participant = sessions.current(principal)
    if not throttle.check_password(participant.phone, client, clean["password"], participant.password_hash):
        raise errors.Unauthorized("bad_credentials", "Mật khẩu hiện tại không đúng.")
    moved = sessions.end_sessions(participant.id, auth.hash_password(clean["new_password"]))
    return {"token": sessions.token_for(moved)}


def logout(principal: auth.Principal) -> None:
    """Ends the session: the account's version moves on, so this token (and any other of the account's)
    stops working; nothing is stored per token, and no path reads anything more to know it."""
    sessions.end_sessions(sessions.current(principal).id)


def _has_attempts(participant_id: str, now: int) -> bool:
    """Whether an attempt of the participant was accepted or may still be (its unit and category are then
    fixed: the attempt carries them)."""
    return any(a.is_submitted or now <= a.accept_until for a in attempt_store.of_participant(participant_id))


def update_profile(principal: auth.Principal, body: dict) -> dict:
    changes = validate(body, f.PROFILE, partial=True)
    participant = sessions.current(principal)
    moving = {k for k in ("unit_id", "category") if k in changes and changes[k] != getattr(participant, k)}
    if moving and _has_attempts(participant.id, runtime.now_ms()):
        raise errors.conflict("participant_has_attempts", "Bạn đã làm bài thi nên không thể đổi đơn vị hoặc "
                                                          "đối tượng dự thi. Vui lòng liên hệ ban tổ chức.")
    updated = participant_store.update_profile(participant.id, changes) if changes else participant
    if updated is None:
        raise errors.unauthorized()
    return {"participant": participant_view(updated)}
