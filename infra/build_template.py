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
below use the same rule (chalice.utils.to_cfn_resource_name).
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TABLES_FILE = ROOT / "infra" / "tables.json"
RESOURCES_FILE = ROOT / "infra" / "resources.json"
CHALICE_CONFIG = ROOT / ".chalice" / "config.json"
CODE_DIR = ROOT / "chalicelib"
DEFAULT_OUT = ROOT / "build" / "merge-template.json"

# Which stream records invoke each consumer (Lambda event filtering; the handlers still check for themselves).
STREAM_FILTERS: dict[str, dict] = {
    "attempts": {"eventName": ["INSERT", "MODIFY"], "dynamodb": {"NewImage": {"status": {"S": ["submitted"]}}}},
    "participants": {"eventName": ["INSERT"]},
}
STREAM_SETTINGS = {
    "FunctionResponseTypes": ["ReportBatchItemFailures"],
    "BisectBatchOnFunctionError": True,
    "MaximumRetryAttempts": 5,
    # Stream records live 24 h: a record that could not be applied within an hour goes to the queue,
    # which leaves 23 h to replay it (infra/replay_failures.py).
    "MaximumRecordAgeInSeconds": 3600,
}
FAILURE_QUEUE = "StreamFailureQueue"
ALARM_TOPIC = "AlarmTopic"
SCHEDULE_INVOKE = {"MaximumEventAgeInSeconds": 60, "MaximumRetryAttempts": 0}
ITERATOR_AGE_LIMIT_MS = 60_000
API_5XX_RATE = 0.01


@dataclass(frozen=True)
class Function:
    name: str                    # the name in app.py
    logical_id: str              # the resource chalice generates
    kind: str                    # "api", "stream" or "schedule"
    table: str | None = None     # stream functions: the logical table (Metadata cuocthi:table) they read
    event_id: str | None = None  # the event source chalice generates


# --- inputs -------------------------------------------------------------------------------------------------

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
    return found


# --- the metrics the code emits -----------------------------------------------------------------------------

def metric_calls(code_dir: Path = CODE_DIR) -> set[tuple[str, frozenset[str]]]:
    """(metric name, extra dimension names) for every `metric(...)` / `metrics_count(...)` call in the code."""
    calls = set()
    for path in sorted(code_dir.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name not in ("metric", "metrics_count") or not node.args:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                calls.add((first.value, frozenset(k.arg for k in node.keywords if k.arg is not None)))
    return calls


@dataclass(frozen=True)
class EmittedMetric:
    """One metric as CloudWatch sees it: a name and its dimensions. Values of `fixed` are known (service);
    names in `varying` take values only the code knows (reason), so the dashboard searches over them."""
    namespace: str
    name: str
    unit: str
    fixed: tuple[tuple[str, str], ...]
    varying: tuple[str, ...]

    @property
    def dimension_names(self) -> tuple[str, ...]:
        return tuple(sorted([k for k, _ in self.fixed] + list(self.varying)))


@contextlib.contextmanager
def _environment(**values: str | None) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    try:
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def emf_lines(name: str, dimensions: dict[str, str], service: str | None) -> list[dict]:
    """The EMF documents `observability.metric` prints for these dimensions, under the stage's service name."""
    from chalicelib import observability

    out = io.StringIO()
    with _environment(POWERTOOLS_SERVICE_NAME=service, POWERTOOLS_METRICS_DISABLED="false",
                      POWERTOOLS_METRICS_NAMESPACE=None), contextlib.redirect_stdout(out):
        observability.metric(name, 1, **dimensions)
    return [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]


def emitted_metrics(service: str | None, code_dir: Path = CODE_DIR) -> list[EmittedMetric]:
    """Every metric of METRICS with each dimension set the code emits it with (none found: no extra ones)."""
    from chalicelib import observability

    calls = metric_calls(code_dir)
    unknown = sorted({name for name, _ in calls} - set(observability.METRICS))
    if unknown:
        raise SystemExit(f"the code emits metrics missing from observability.METRICS: {unknown}")
    result = []
    for name, unit in observability.METRICS.items():
        sets = sorted({dims for n, dims in calls if n == name}, key=sorted) or [frozenset()]
        for extra in sets:
            for doc in emf_lines(name, {k: "x" for k in sorted(extra)}, service):
                for directive in doc["_aws"]["CloudWatchMetrics"]:
                    for dimension_set in directive["Dimensions"]:
                        fixed = tuple(sorted((k, doc[k]) for k in dimension_set if k not in extra))
                        result.append(EmittedMetric(directive["Namespace"], name, unit, fixed,
                                                    tuple(sorted(k for k in dimension_set if k in extra))))
    return result


# --- template pieces ----------------------------------------------------------------------------------------

def stream_events(functions: list[Function], table_ids: dict[str, str]) -> dict[str, dict]:
    resources = {}
    for fn in functions:
        if fn.kind != "stream":
            continue
        if fn.table not in STREAM_FILTERS:
            raise SystemExit(f"{fn.name}: add the stream filter for table {fn.table!r} to STREAM_FILTERS")
        properties = {
            "Stream": {"Fn::GetAtt": [table_ids[fn.table], "StreamArn"]},
            **STREAM_SETTINGS,
            "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [FAILURE_QUEUE, "Arn"]}}},
            "FilterCriteria": {"Filters": [{"Pattern": json.dumps(STREAM_FILTERS[fn.table],
                                                                  separators=(",", ":"))}]},
        }
        resources[fn.logical_id] = {"Properties": {"Events": {fn.event_id: {"Properties": properties}}}}
    return resources


def schedule_settings(functions: list[Function]) -> dict[str, dict]:
    return {fn.logical_id: {"Properties": {"EventInvokeConfig": dict(SCHEDULE_INVOKE)}}
            for fn in functions if fn.kind == "schedule"}


def log_group_fix(functions: list[Function], config: dict) -> dict[str, dict]:
    """Chalice 1.34 names the API handler's log group after `ApiHandler`, but the function resource it
    generates is `APIHandler`: point the log group at the real function."""
    if not config.get("log_retention_in_days") or not any(fn.kind == "api" for fn in functions):
        return {}
    return {"ApiHandlerLogGroup": {"Properties": {"LogGroupName": {"Fn::Sub": "/aws/lambda/${APIHandler}"}}}}


def _kebab(logical_id: str) -> str:
    """APIHandler → api-handler, AggregateAttempts → aggregate-attempts."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", logical_id).lower()


def _alarm(name: str, description: str, namespace: str, metric: str, dimensions: list[dict], statistic: str,
           period: int, evaluations: int, threshold: float, datapoints: int | None = None) -> dict:
    properties = {
        "AlarmName": {"Fn::Sub": "${AWS::StackName}-" + name},
        "AlarmDescription": description + " Runbook: README.md, Operations.",
        "Namespace": namespace,
        "MetricName": metric,
        "Dimensions": dimensions,
        "Statistic": statistic,
        "Period": period,
        "EvaluationPeriods": evaluations,
        "Threshold": threshold,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
        "AlarmActions": [{"Ref": ALARM_TOPIC}],
        "OKActions": [{"Ref": ALARM_TOPIC}],
    }
    if datapoints:
        properties["DatapointsToAlarm"] = datapoints
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": properties}


def _reserved(fn: Function, config: dict) -> int | None:
    return config.get("lambda_functions", {}).get(fn.name, {}).get("reserved_concurrency",
                                                                   config.get("reserved_concurrency"))


def alarms(functions: list[Function], config: dict) -> dict[str, dict]:
    api_dimensions = [{"Name": "ApiName", "Value": {"Ref": "AWS::StackName"}},
                      {"Name": "Stage", "Value": config.get("api_gateway_stage", "api")}]
    found = {}
    if any(fn.kind == "api" for fn in functions):
        found["ApiServerErrorRateAlarm"] = _alarm(
            "api-5xx-rate", f"More than {API_5XX_RATE:.0%} of API requests answered 5XX in 3 of 5 minutes.",
            "AWS/ApiGateway", "5XXError", api_dimensions, "Average", 60, 5, API_5XX_RATE, 3)
    for fn in functions:
        dims = [{"Name": "FunctionName", "Value": {"Ref": fn.logical_id}}]
        found[f"{fn.logical_id}ErrorsAlarm"] = _alarm(
            f"{_kebab(fn.logical_id)}-errors", f"The {fn.name} function failed (Lambda Errors > 0 in 5 minutes).",
            "AWS/Lambda", "Errors", dims, "Sum", 300, 1, 0)
        if _reserved(fn, config) is None:
            # A function with reserved concurrency is throttled on purpose (one run at a time); no alarm there.
            found[f"{fn.logical_id}ThrottlesAlarm"] = _alarm(
                f"{_kebab(fn.logical_id)}-throttles",
                f"The {fn.name} function was throttled (Lambda Throttles > 0 in 5 minutes).",
                "AWS/Lambda", "Throttles", dims, "Sum", 300, 1, 0)
        if fn.kind == "stream":
            found[f"{fn.logical_id}IteratorAgeAlarm"] = _alarm(
                f"{_kebab(fn.logical_id)}-iterator-age",
                f"The {fn.name} function is more than {ITERATOR_AGE_LIMIT_MS // 1000} s behind its stream "
                f"(IteratorAge, 2 of 3 minutes).",
                "AWS/Lambda", "IteratorAge", dims, "Maximum", 60, 3, ITERATOR_AGE_LIMIT_MS, 2)
    found["StreamFailureQueueAlarm"] = _alarm(
        "stream-failures", "Stream records the aggregators gave up on are waiting in the on-failure queue.",
        "AWS/SQS", "ApproximateNumberOfMessagesVisible",
        [{"Name": "QueueName", "Value": {"Fn::GetAtt": [FAILURE_QUEUE, "QueueName"]}}], "Maximum", 60, 1, 0)
    return found


class _Layout:
    def __init__(self) -> None:
        self.widgets: list[dict] = []
        self._x = self._y = 0

    def add(self, widget: dict, width: int = 12, height: int = 6) -> None:
        if self._x + width > 24:
            self._x, self._y = 0, self._y + height
        self.widgets.append({**widget, "x": self._x, "y": self._y, "width": width, "height": height})
        self._x += width


def _graph(title: str, metrics: list, stat: str = "Sum", period: int = 60, **extra) -> dict:
    return {"type": "metric", "properties": {"title": title, "region": "${AWS::Region}", "view": "timeSeries",
                                             "stacked": False, "stat": stat, "period": period,
                                             "metrics": metrics, **extra}}


def _emitted_series(metric: EmittedMetric, stat: str, ident: str) -> list:
    """A dashboard series for an emitted metric: a plain metric when every dimension value is known,
    a SEARCH over the values the code chooses otherwise (one line per reason, …)."""
    if not metric.varying:
        row: list[Any] = [metric.namespace, metric.name]
        for key, value in metric.fixed:
            row += [key, value]
        return [row + [{"stat": stat, "id": ident, "label": metric.name}]]
    schema = ",".join([metric.namespace, *metric.dimension_names])
    terms = [f'MetricName="{metric.name}"'] + [f'{k}="{v}"' for k, v in metric.fixed]
    # no label: CloudWatch names each line found by its dimension values (the reason)
    return [[{"expression": f"SEARCH('{{{schema}}} {' '.join(terms)}', '{stat}', 60)", "id": ident}]]


def _stat(metric: EmittedMetric) -> str:
    return "Sum" if metric.unit == "Count" else "Maximum"


def dashboard(functions: list[Function], tables: dict[str, dict], metrics: list[EmittedMetric],
              config: dict, alarm_ids: list[str]) -> dict:
    layout = _Layout()
    by_name: dict[str, list[EmittedMetric]] = {}
    for m in metrics:
        by_name.setdefault(m.name, []).append(m)
    counter = iter(range(1000))

    def series(name: str) -> list:
        return [row for m in by_name.get(name, []) for row in _emitted_series(m, _stat(m), f"m{next(counter)}")]

    featured = [("Submissions per minute (refused by reason)", ["SubmissionsAccepted", "SubmissionsRefused"]),
                ("Registrations per minute", ["Registrations"])]
    for title, names in featured:
        layout.add(_graph(title, [row for name in names for row in series(name)]))
    shown = {name for _, names in featured for name in names}
    for name in by_name:
        if name not in shown:
            layout.add(_graph(f"{name} ({by_name[name][0].unit}, {_stat(by_name[name][0]).lower()})",
                              series(name), stat=_stat(by_name[name][0])), width=8)

    api = ["ApiName", "${AWS::StackName}", "Stage", config.get("api_gateway_stage", "api")]
    if any(fn.kind == "api" for fn in functions):
        layout.add(_graph("API latency (ms)", [["AWS/ApiGateway", "Latency", *api, {"stat": "p50", "label": "p50"}],
                                               ["AWS/ApiGateway", "Latency", *api, {"stat": "p99", "label": "p99"}]],
                          stat="p50"))
        layout.add(_graph("API requests, 4XX and 5XX per minute",
                          [["AWS/ApiGateway", "Count", *api, {"label": "requests"}],
                           ["AWS/ApiGateway", "4XXError", *api, {"label": "4XX"}],
                           ["AWS/ApiGateway", "5XXError", *api, {"label": "5XX"}]]))

    def per_function(metric: str, stat: str, only: str | None = None) -> list:
        return [["AWS/Lambda", metric, "FunctionName", "${%s}" % fn.logical_id, {"stat": stat, "label": fn.name}]
                for fn in functions if only is None or fn.kind == only]

    layout.add(_graph("Lambda errors", per_function("Errors", "Sum")), width=8)
    layout.add(_graph("Lambda throttles", per_function("Throttles", "Sum")), width=8)
    layout.add(_graph("Lambda concurrency (max)", per_function("ConcurrentExecutions", "Maximum") + [
        ["AWS/Lambda", "ConcurrentExecutions", {"stat": "Maximum", "label": "account"}]], stat="Maximum"), width=8)
    layout.add(_graph("Lambda duration p99 (ms)", per_function("Duration", "p99"), stat="p99"))
    if any(fn.kind == "stream" for fn in functions):
        layout.add(_graph("Stream iterator age (ms, max)", per_function("IteratorAge", "Maximum", "stream"),
                          stat="Maximum", annotations={"horizontal": [
                              {"label": "alarm", "value": ITERATOR_AGE_LIMIT_MS}]}))

    throttles = []
    for lid, resource in tables.items():
        logical = resource["Metadata"]["cuocthi:table"]
        for metric in ("ReadThrottleEvents", "WriteThrottleEvents"):
            throttles.append(["AWS/DynamoDB", metric, "TableName", "${%s}" % lid,
                              {"label": f"{logical} {metric[:-14].lower()}"}])
            for index in resource["Properties"].get("GlobalSecondaryIndexes", []):
                throttles.append(["AWS/DynamoDB", metric, "TableName", "${%s}" % lid, "GlobalSecondaryIndexName",
                                  index["IndexName"], {"label": f"{logical}/{index['IndexName']} "
                                                                f"{metric[:-14].lower()}"}])
    layout.add(_graph("DynamoDB throttled requests", throttles))
    queue = ["QueueName", "${%s.QueueName}" % FAILURE_QUEUE]
    layout.add(_graph("On-failure queue", [
        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", *queue, {"label": "messages"}],
        ["AWS/SQS", "ApproximateAgeOfOldestMessage", *queue, {"label": "oldest (s)", "yAxis": "right"}]],
        stat="Maximum"))
    layout.add({"type": "alarm", "properties": {"title": "Alarms",
                                                "alarms": ["${%s.Arn}" % a for a in alarm_ids]}}, width=24, height=4)
    body = json.dumps({"widgets": layout.widgets}, ensure_ascii=False, separators=(",", ":"))
    return {"Type": "AWS::CloudWatch::Dashboard",
            "Properties": {"DashboardName": {"Fn::Sub": "${AWS::StackName}"}, "DashboardBody": {"Fn::Sub": body}}}


def merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for key, value in extra.items():
            out[key] = merge(base.get(key), value) if key in base else value
        return out
    return extra


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
