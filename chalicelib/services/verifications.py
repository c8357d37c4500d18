"""One-time codes by SMS (POST /api/verifications) and their check. The answer is the same whether or not the
phone is registered: for `reset` and `login` the SMS goes only to registered phones, but the throttles count
and a code is stored either way (only the SMS call itself takes time that an unregistered phone does not)."""
from __future__ import annotations

from hmac import compare_digest

from chalicelib import auth, config, errors, runtime
from chalicelib.clients import Client
from chalicelib.contest import codes
from chalicelib.contest.times import iso
from chalicelib.fields import one_of, validate
from chalicelib.observability import logger, metrics_count
from chalicelib.services import throttle
from chalicelib.services.participant_fields import phone
from chalicelib.sms import Sms, sender
from chalicelib.store import guards as guard_store
from chalicelib.store import participants as participant_store

REQUEST = {"phone": (phone, True), "purpose": (one_of(*codes.PURPOSES), True)}


def _digest(purpose: str, phone_number: str, code: str) -> str:
    return auth.keyed_hash("code", codes.subject(purpose, phone_number, code))


def request(body: dict, client: Client) -> dict:
    clean = validate(body, REQUEST)
    phone_number, purpose = clean["phone"], clean["purpose"]
    try:
        throttle.reserve_sms(phone_number, client)
    except errors.TooMany:
        metrics_count("SmsRefused", reason="too_many_codes")
        raise
    now = runtime.now_ms()
    expires_at = now + codes.VALID_SECONDS * 1000
    code = codes.new_code(runtime.rng)
    guard_store.save_code(purpose, phone_number, codes.Code(_digest(purpose, phone_number, code), expires_at))
    if purpose == "register" or participant_store.find_by_phone(phone_number) is not None:
        text = codes.message(config.current().sms_brand, code, purpose)
        try:
            sender().send(Sms(phone_number, text, code, purpose, iso(now) or ""))
        except Exception:  # noqa: BLE001 - a failed send is logged and measured; the answer stays the same
            logger.exception("SMS not sent", extra={"purpose": purpose})
            metrics_count("SmsFailed")
        else:
            metrics_count("SmsSent", purpose=purpose)
    return {"expires_at": iso(expires_at)}


def bad_code() -> errors.Invalid:
    return errors.Invalid("bad_code", "Mã xác minh không đúng hoặc đã hết hạn.", fields={"code": "Mã không đúng."})


def use(purpose: str, phone_number: str, code: object) -> None:
    """Checks the code for this phone and purpose and uses it up; 400 `bad_code` when it is wrong, expired,
    out of tries or already used. Every check counts as one of the code's tries, atomically."""
    if not codes.plausible(code):
        raise bad_code()
    stored = guard_store.try_code(purpose, phone_number, runtime.now_ms(), codes.MAX_TRIES)
    digest = _digest(purpose, phone_number, str(code))
    if stored is None or not compare_digest(stored.digest, digest):
        raise bad_code()
    if not guard_store.use_code(purpose, phone_number, digest):
        raise bad_code()
