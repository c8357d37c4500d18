"""The dashboard: the Cuocthi metrics the code emits, API, Lambda, DynamoDB, the on-failure queue and the
alarms."""
from __future__ import annotations

import json
from typing import Any

from infra.template.alarms import ITERATOR_AGE_LIMIT_MS
from infra.template.inputs import FAILURE_QUEUE, Function
from infra.template.metrics import EmittedMetric

# Amazon SNS's own SMS metrics (published straight to phone numbers: dimension PhoneNumber=PhoneNumberDirect),
# and the account's spending this month against its monthly SMS spending limit (README, "Phone verification").
SMS_SERIES = [
    ["AWS/SNS", "NumberOfNotificationsDelivered", "PhoneNumber", "PhoneNumberDirect", {"label": "delivered"}],
    ["AWS/SNS", "NumberOfNotificationsFailed", "PhoneNumber", "PhoneNumberDirect", {"label": "failed"}],
    ["AWS/SNS", "SMSMonthToDateSpentUSD", {"stat": "Maximum", "label": "spent this month (USD)", "yAxis": "right",
                                           "period": 300}],
]


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
        layout.add(_graph("SMS codes (SNS): delivered, failed, spent this month (USD)", SMS_SERIES, stat="Sum"))

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
