"""Settings read from the environment (set per stage in .chalice/config.json, or by the local stack)."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Config:
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
    login_max_failures: int
    login_window_seconds: int
    contest_name: str
    contest_description: str
    contest_timezone: str
    target_official_rate: float
    target_citizen_rate: float
    round_cache_seconds: float
    standings_cache_seconds: float
    public_url: str                 # the site's address for links in embeds ('' : from the request)

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
        login_window_seconds=int(get("LOGIN_WINDOW_SECONDS", "900")),
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
    )


@lru_cache(maxsize=1)
def current() -> Config:
    """The process's configuration; tests call `current.cache_clear()` after changing the environment."""
    return from_environ(os.environ)
