#!/usr/bin/env python3
"""Builds the CloudFormation template that `chalice package --merge-template` merges into Chalice's own.

    python infra/build_template.py --stage prod [--out build/merge-template.json]

It merges infra/tables.json (the one table definition) and infra/resources.json (bucket, queue, topic, API
settings), then adds what is derived from the code so there is no second list to keep in step:
  - the stream event sources of the functions app.py declares with `on_dynamodb_record`, wired by reference to
    their table's stream (the table is the one the placeholder ARN in app.py names), with partial batch
    responses, bisection, bounded retries, an on-failure queue and an event filter;
  - the async invoke settings of the scheduled functions (a throttled tick is dropped, the next one follows);
  - the alarms (API 5XX rate, errors and throttles per function, stream iterator age, on-failure queue);
  - the dashboard, whose Cuocthi metrics and their dimensions come from chalicelib.observability.METRICS and
    from what `single_metric` actually emits for the dimensions the code passes.
Chalice names the generated resources after app.py (`aggregate_attempts` → AggregateAttempts), so the overrides
use the same rule (chalice.utils.to_cfn_resource_name). The pieces are in infra/template/: inputs, metrics,
wiring, alarms, dashboard.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:          # run as a script: `python infra/build_template.py`
    sys.path.insert(0, str(ROOT))

from infra.template import cdn, finalization  # noqa: E402
from infra.template.alarms import alarms  # noqa: E402
from infra.template.dashboard import dashboard  # noqa: E402
from infra.template.inputs import (  # noqa: E402
    RESOURCES_FILE,
    app_functions,
    load_json,
    stage_config,
    table_logical_ids,
    table_resources,
)
from infra.template.metrics import emitted_metrics  # noqa: E402
from infra.template.wiring import log_group_fix, schedule_settings, stream_events  # noqa: E402

DEFAULT_OUT = ROOT / "build" / "merge-template.json"


def merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for key, value in extra.items():
            out[key] = merge(base.get(key), value) if key in base else value
        return out
    return extra


# Warm throughput (template parameters, README "The week before a big deadline"): the tables that take a
# deadline's burst, and their indexes, are ready for this many units a second before the first request.
WARM_TABLES = {"attempts": "Attempts", "standings": "Standings"}


def warm_throughput(tables: dict[str, dict]) -> dict[str, dict]:
    found = {}
    for lid, table in tables.items():
        prefix = WARM_TABLES.get(table["Metadata"]["cuocthi:table"])
        if prefix is None:
            continue
        warm = {"ReadUnitsPerSecond": {"Ref": f"{prefix}WarmReads"},
                "WriteUnitsPerSecond": {"Ref": f"{prefix}WarmWrites"}}
        indexes = [{**index, "WarmThroughput": warm}
                   for index in table["Properties"].get("GlobalSecondaryIndexes", [])]
        found[lid] = {"Properties": {"WarmThroughput": warm,
                                     **({"GlobalSecondaryIndexes": indexes} if indexes else {})}}
    return found


def build(stage: str) -> dict:
    config = stage_config(stage)
    tables = table_resources()
    table_ids = table_logical_ids(tables)
    functions = app_functions(list(table_ids))
    service = config["environment_variables"].get("POWERTOOLS_SERVICE_NAME")
    template = load_json(RESOURCES_FILE)
    clash = set(template["Resources"]) & set(tables)
    if clash:
        raise SystemExit(f"infra/resources.json redefines tables: {sorted(clash)}")
    template["Resources"].update(tables)
    template["Resources"] = merge(template["Resources"], stream_events(functions, table_ids))
    template["Resources"] = merge(template["Resources"], schedule_settings(functions))
    template["Resources"] = merge(template["Resources"], log_group_fix(functions, config))
    template["Resources"] = merge(template["Resources"], warm_throughput(tables))
    template["Resources"].update(finalization.resources(functions))
    template["Resources"] = merge(template["Resources"], finalization.function_settings(functions))
    template["Parameters"].update(cdn.PARAMETERS)
    template["Conditions"].update(cdn.CONDITIONS)
    template["Resources"].update(cdn.resources())
    template["Resources"] = merge(template["Resources"], cdn.function_settings())
    template["Outputs"].update(cdn.OUTPUTS)
    alarm_resources = alarms(functions, config)
    template["Resources"].update(alarm_resources)
    template["Resources"]["Dashboard"] = dashboard(functions, tables, emitted_metrics(service), config,
                                                   list(alarm_resources))
    template["Outputs"]["DashboardName"] = {"Value": {"Ref": "Dashboard"}}
    return template


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stage", default="prod")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    template = build(args.stage)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(template, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
