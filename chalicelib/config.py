"""Settings read from the environment (set per stage in .chalice/config.json, or by the local stack)."""
from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache

from chalicelib.contest.records import Struct


class Config(Struct, frozen=True):
    stage: str
    region: str
    table_prefix: str
    dynamodb_endpoint: str | None
    s3_endpoint: str | None
    results_bucket: str
    token_secret: str | None
    token_secret_param: str | None
    participant_token_seconds: int
    organizer_token_seconds: int
    scrypt_n: int
    login_max_failures: int             # per login (phone or organizer username), then growing delays
    login_address_max_failures: int     # per client address (many people share one behind a carrier's NAT)
    login_delay_seconds: int            # the first delay, doubling with each further failure …
    login_max_delay_seconds: int        # … up to this
    login_forget_seconds: int           # failures are forgotten this long after the last one
    sms_outbox: str | None              # a file: every SMS is appended there instead of being sent (local, tests)
    sms_sender_id: str | None           # the registered alphanumeric sender ID (Vietnam's carriers require one)
    sms_brand: str                      # the name every SMS starts with (the sender ID's brand)
    sms_max_price_usd: str | None       # SNS's per-message price cap (AWS.SNS.SMS.MaxPrice), when set
    sms_per_phone: int                  # codes per phone in sms_phone_window_seconds
    sms_phone_window_seconds: int
    sms_per_address_per_day: int        # codes per client address in 24 hours
    contest_name: str
    contest_description: str
    contest_timezone: str
    target_official_rate: float
    target_citizen_rate: float
    round_cache_seconds: float
    standings_cache_seconds: float
    public_url: str                 # the site's address for links in embeds ('' : from the request)
    origin_secret: str | None       # what CloudFront adds to the requests it forwards to the function URL

    def table_name(self, logical: str) -> str:
        return f"{self.table_prefix}{logical}"


def from_environ(env: Mapping[str, str]) -> Config:
    get = env.get
    return Config(
        stage=get("STAGE", "local"),
        region=get("AWS_REGION") or get("AWS_DEFAULT_REGION") or "ap-southeast-1",
        table_prefix=get("TABLE_PREFIX", "cuocthi-local-"),
        dynamodb_endpoint=get("DYNAMODB_ENDPOINT") or None,
        s3_endpoint=get("S3_ENDPOINT") or None,
        results_bucket=get("RESULTS_BUCKET", "cuocthi-local-results"),
        token_secret=get("TOKEN_SECRET") or None,
        token_secret_param=get("TOKEN_SECRET_PARAM") or None,
        participant_token_seconds=int(get("PARTICIPANT_TOKEN_SECONDS", str(7 * 24 * 3600))),
        organizer_token_seconds=int(get("ORGANIZER_TOKEN_SECONDS", str(12 * 3600))),
        scrypt_n=int(get("SCRYPT_N", str(2**14))),
        login_max_failures=int(get("LOGIN_MAX_FAILURES", "5")),
        login_address_max_failures=int(get("LOGIN_ADDRESS_MAX_FAILURES", "100")),
        login_delay_seconds=int(get("LOGIN_DELAY_SECONDS", "30")),
        login_max_delay_seconds=int(get("LOGIN_MAX_DELAY_SECONDS", "900")),
        login_forget_seconds=int(get("LOGIN_FORGET_SECONDS", str(24 * 3600))),
        sms_outbox=get("SMS_OUTBOX") or None,
        sms_sender_id=get("SMS_SENDER_ID") or None,
        sms_brand=get("SMS_BRAND", "CUOCTHI"),
        sms_max_price_usd=get("SMS_MAX_PRICE_USD") or None,
        sms_per_phone=int(get("SMS_PER_PHONE", "3")),
        sms_phone_window_seconds=int(get("SMS_PHONE_WINDOW_SECONDS", "900")),
        sms_per_address_per_day=int(get("SMS_PER_ADDRESS_PER_DAY", "100")),
        contest_name=get("CONTEST_NAME", "Cuộc thi trực tuyến tìm hiểu về cải cách hành chính"),
        contest_description=get(
            "CONTEST_DESCRIPTION",
            "Cuộc thi trực tuyến dành cho cán bộ, công chức, viên chức, người lao động và nhân dân.",
        ),
        contest_timezone=get("CONTEST_TIMEZONE", "Asia/Ho_Chi_Minh"),
        target_official_rate=float(get("TARGET_OFFICIAL_RATE", "1.0")),
        target_citizen_rate=float(get("TARGET_CITIZEN_RATE", "0.4")),
        round_cache_seconds=float(get("ROUND_CACHE_SECONDS", "5")),
        standings_cache_seconds=float(get("STANDINGS_CACHE_SECONDS", "2")),
        public_url=get("PUBLIC_URL", ""),
        origin_secret=get("ORIGIN_SECRET") or None,
    )


@lru_cache(maxsize=1)
def current() -> Config:
    """The process's configuration; tests call `current.cache_clear()` after changing the environment."""
    return from_environ(os.environ)
