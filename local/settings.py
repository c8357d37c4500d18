"""Where the local stack keeps its data and which loopback ports it uses (all overridable by environment)."""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"          # the local stack never listens on anything but the loopback address
REGION = "ap-southeast-1"
TABLE_PREFIX = "cuocthi-local-"
RESULTS_BUCKET = "cuocthi-local-results"


@dataclass(frozen=True)
class Port:
    value: int
    what: str
    variable: str


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    api: Port
    dynamodb: Port
    s3: Port
    schedule_seconds: float | None      # None: each schedule's own rate

    @property
    def dynamodb_dir(self) -> Path:
        return self.data_dir / "dynamodb"

    @property
    def s3_dir(self) -> Path:
        """The S3 emulator's objects, one file each (s3rver's layout)."""
        return self.data_dir / "s3rver"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def checkpoint_file(self) -> Path:
        return self.data_dir / "stream-checkpoints.json"

    @property
    def lock_file(self) -> Path:
        return self.data_dir / "run.lock"

    @property
    def sms_outbox(self) -> Path:
        """Every SMS the app would send, one JSON object a line (API.md, Accounts); the launcher logs each too."""
        return self.data_dir / "sms.jsonl"

    @property
    def api_url(self) -> str:
        return f"http://{HOST}:{self.api.value}"

    @property
    def dynamodb_endpoint(self) -> str:
        return f"http://{HOST}:{self.dynamodb.value}"

    @property
    def s3_endpoint(self) -> str:
        return f"http://{HOST}:{self.s3.value}"

    def ports(self) -> tuple[Port, ...]:
        return (self.api, self.dynamodb, self.s3)


def _port(env: Mapping[str, str], variable: str, default: int, what: str) -> Port:
    raw = env.get(variable, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise SystemExit(f"{variable}={raw!r} is not a port number") from None
    if not 1 <= value <= 65535:
        raise SystemExit(f"{variable}={value} is not a port number")
    return Port(value, what, variable)


def from_environ(env: Mapping[str, str] = os.environ) -> Settings:
    schedule = env.get("LOCAL_SCHEDULE_SECONDS", "").strip()
    return Settings(
        data_dir=Path(env.get("LOCAL_DATA_DIR") or ROOT / ".local").resolve(),
        api=_port(env, "LOCAL_API_PORT", 8000, "API and pages"),
        dynamodb=_port(env, "LOCAL_DYNAMODB_PORT", 8001, "DynamoDB Local"),
        s3=_port(env, "LOCAL_S3_PORT", 8002, "S3 emulator (s3rver)"),
        schedule_seconds=float(schedule) if schedule else None,
    )


def kept_secret(path: Path, make=lambda: secrets.token_urlsafe(32)) -> str:
    """A value generated once and kept in `path` (readable by the owner only)."""
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    value = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(value + "\n")
    return value


def app_environment(settings: Settings) -> dict[str, str]:
    """The environment the app runs with in local mode (the stage's values from .chalice/config.json first)."""
    env = chalice_stage_environment("local")
    env.update({
        "STAGE": "local",
        "TABLE_PREFIX": TABLE_PREFIX,
        "DYNAMODB_ENDPOINT": settings.dynamodb_endpoint,
        "S3_ENDPOINT": settings.s3_endpoint,
        "RESULTS_BUCKET": RESULTS_BUCKET,
        "TOKEN_SECRET": kept_secret(settings.data_dir / "token-secret"),
        "SMS_OUTBOX": str(settings.sms_outbox),
        # Fake credentials: DynamoDB Local and the S3 emulator accept anything, and nothing can reach a real account.
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "POWERTOOLS_METRICS_DISABLED": os.environ.get("POWERTOOLS_METRICS_DISABLED", "true"),
    })
    return env


def chalice_stage_environment(stage: str) -> dict[str, str]:
    """environment_variables of .chalice/config.json: the top level, then the stage's own."""
    import json

    path = ROOT / ".chalice" / "config.json"
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    env = dict(config.get("environment_variables", {}))
    env.update(config.get("stages", {}).get(stage, {}).get("environment_variables", {}))
    return {str(k): str(v) for k, v in env.items()}
