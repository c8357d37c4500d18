"""What the template is built from: the stage's chalice settings, infra/tables.json and the functions app.py
declares (read through chalicelib.events.sources, with the names chalice gives their resources)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TABLES_FILE = ROOT / "infra" / "tables.json"
RESOURCES_FILE = ROOT / "infra" / "resources.json"
CHALICE_CONFIG = ROOT / ".chalice" / "config.json"
CODE_DIR = ROOT / "chalicelib"
FAILURE_QUEUE = "StreamFailureQueue"       # resources of infra/resources.json the generated pieces refer to
ALARM_TOPIC = "AlarmTopic"


@dataclass(frozen=True)
class Function:
    name: str                    # the name in app.py
    logical_id: str              # the resource chalice generates
    kind: str                    # "api", "stream", "schedule" or "pure" (invoked by others: the state machine)
    table: str | None = None     # stream functions: the logical table (Metadata cuocthi:table) they read
    event_id: str | None = None  # the event source chalice generates


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def stage_config(stage: str, path: Path = CHALICE_CONFIG) -> dict:
    """The stage's settings as chalice resolves them: stage values over top-level ones, env vars merged."""
    config = load_json(path)
    if stage not in config.get("stages", {}):
        raise SystemExit(f"stage {stage!r} is not in {path}")
    stage_values = config["stages"][stage]
    merged = {k: v for k, v in config.items() if k != "stages"}
    merged.update(stage_values)
    merged["environment_variables"] = {**config.get("environment_variables", {}),
                                       **stage_values.get("environment_variables", {})}
    return merged


def table_resources(path: Path = TABLES_FILE) -> dict[str, dict]:
    return {lid: r for lid, r in load_json(path)["Resources"].items() if r["Type"] == "AWS::DynamoDB::Table"}


def table_logical_ids(tables: dict[str, dict]) -> dict[str, str]:
    """Logical table name (units, attempts, …) → its resource's logical id."""
    return {r["Metadata"]["cuocthi:table"]: lid for lid, r in tables.items()}


def app_functions(logical_names: list[str]) -> list[Function]:
    """The Lambda functions chalice generates for app.py, with the names chalice gives them."""
    from chalice.utils import to_cfn_resource_name

    from app import app
    from chalicelib.events.sources import StreamSource, event_sources

    found = [Function("api_handler", "APIHandler", "api")] if app.routes else []
    try:
        for source in event_sources(app):
            logical_id = to_cfn_resource_name(source.name)
            if isinstance(source, StreamSource):
                event_id = to_cfn_resource_name(f"{source.name}-dynamodb-event-source")
                found.append(Function(source.name, logical_id, source.kind, source.table(logical_names), event_id))
            else:
                found.append(Function(source.name, logical_id, source.kind))
    except ValueError as error:       # a stream of no table of infra/tables.json, an event source not wired here
        raise SystemExit(str(error)) from error
    found += [Function(fn.name, to_cfn_resource_name(fn.name), "pure") for fn in app.pure_lambda_functions]
    return found
