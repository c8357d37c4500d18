"""Passwords (scrypt, memory-hard) and signed, expiring bearer tokens (HMAC-SHA256)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from functools import lru_cache

from chalicelib import config, errors
from chalicelib.contest.records import Struct

PARTICIPANT = "participant"
ORGANIZER = "organizer"
_R, _P = 8, 1


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, n: int | None = None) -> str:
    n = n or config.current().scrypt_n
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=_R, p=_P, maxmem=256 * 1024 * 1024)
    return f"scrypt${n}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Constant-time check; with no stored hash it still spends the same work, so timing reveals nothing."""
    if stored is None:
        hash_password(password)
        return False
    _, n, salt, digest = stored.split("$")
    actual = hashlib.scrypt(password.encode(), salt=_unb64(salt), n=int(n), r=_R, p=_P,
                            maxmem=256 * 1024 * 1024)
    return hmac.compare_digest(actual, _unb64(digest))


@lru_cache(maxsize=1)
def _secret() -> bytes:
    settings = config.current()
    if settings.token_secret:
        return settings.token_secret.encode()
    if settings.token_secret_param:
        from aws_lambda_powertools.utilities import parameters

        return parameters.get_parameter(settings.token_secret_param, decrypt=True, max_age=300).encode()
    raise RuntimeError("No token secret configured (TOKEN_SECRET or TOKEN_SECRET_PARAM)")


def _sign(payload: bytes) -> str:
    return _b64(hmac.new(_secret(), payload, hashlib.sha256).digest())


def keyed_hash(label: str, value: str) -> str:
    """An HMAC of `value` under the token secret, separated by `label` ("code", "device", "address" …): what is
    stored of one-time codes, device ids and client addresses, so a copy of the tables reveals none of them."""
    return _b64(hmac.new(_secret(), f"{label}\0{value}".encode(), hashlib.sha256).digest()[:18])


class Principal(Struct, frozen=True):
    """Who a valid token speaks for. `version` is the account's token version when the token was issued: an
    account whose version has moved on (a reset, a change, a disabled account) no longer honours it."""

    subject: str
    kind: str                      # PARTICIPANT | ORGANIZER
    version: int = 0
    role: str | None = None        # an organizer's role: owner | organizer | coordinator | viewer
    unit_id: str | None = None     # a coordinator's unit


def issue_token(subject: str, kind: str, now_ms: int, version: int = 0, role: str | None = None,
                unit_id: str | None = None) -> str:
    settings = config.current()
    lifetime = settings.organizer_token_seconds if kind == ORGANIZER else settings.participant_token_seconds
    claims: dict = {"sub": subject, "kind": kind, "v": version, "exp": now_ms // 1000 + lifetime}
    if role is not None:
        claims["role"] = role
    if unit_id is not None:
        claims["unit"] = unit_id
    payload = json.dumps(claims, separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_sign(payload)}"


def read_token(header: str | None, now_ms: int) -> Principal:
    """The principal of a valid `Bearer` token; 401 for a missing, malformed, tampered or expired one."""
    if not header or not header.startswith("Bearer "):
        raise errors.unauthorized()
    try:
        body, signature = header[len("Bearer "):].strip().split(".")
        payload = _unb64(body)
        if not hmac.compare_digest(signature, _sign(payload)):
            raise ValueError("bad signature")
        claims = json.loads(payload)
        if claims["exp"] <= now_ms // 1000:
            raise ValueError("expired")
        role, unit_id = claims.get("role"), claims.get("unit")
        return Principal(str(claims["sub"]), str(claims["kind"]), int(claims.get("v", 0)),
                         None if role is None else str(role), None if unit_id is None else str(unit_id))
    except (ValueError, KeyError, TypeError, UnicodeError, AttributeError):
        raise errors.unauthorized() from None


def require(header: str | None, kind: str, now_ms: int) -> Principal:
    principal = read_token(header, now_ms)
    if principal.kind != kind:
        raise errors.forbidden()
    return principal
