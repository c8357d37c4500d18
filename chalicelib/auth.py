"""Passwords (scrypt, memory-hard) and signed, expiring bearer tokens (HMAC-SHA256)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from functools import lru_cache

from chalicelib import config, errors

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


@dataclass(frozen=True)
class Principal:
    subject: str
    role: str


def issue_token(subject: str, role: str, now_ms: int) -> str:
    settings = config.current()
    lifetime = settings.organizer_token_seconds if role == ORGANIZER else settings.participant_token_seconds
    payload = json.dumps({"sub": subject, "role": role, "exp": now_ms // 1000 + lifetime},
                         separators=(",", ":")).encode()
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
        return Principal(str(claims["sub"]), str(claims["role"]))
    except (ValueError, KeyError, TypeError, UnicodeError):
        raise errors.unauthorized() from None


def require(header: str | None, role: str, now_ms: int) -> Principal:
    principal = read_token(header, now_ms)
    if principal.role != role:
        raise errors.forbidden()
    return principal
