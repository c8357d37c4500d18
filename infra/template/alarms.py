"""The alarms: API 5XX rate (API Gateway's and the site function URL's), errors and throttles per function,
stream iterator age, the on-failure queue.
Each notifies the stack's topic; the runbook is README.md, Operations."""
from __future__ import annotations

import re

from infra.template.cdn import SITE_FUNCTION
from infra.template.inputs import ALARM_TOPIC, FAILURE_QUEUE, Function

ITERATOR_AGE_LIMIT_MS = 60_000
API_5XX_RATE = 0.01


BUSY_ANSWERS = 20             # 503 busy answers in 5 minutes before the alarm fires


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


def _rate_alarm(name: str, description: str, dimensions: list[dict], errors: str, requests: str,
                rate: float) -> dict:
    """Errors over requests (AWS/Lambda, 1-minute sums), above `rate` in 3 of 5 minutes."""
    def stat(metric: str, id_: str) -> dict:
        return {"Id": id_, "ReturnData": False, "MetricStat": {"Period": 60, "Stat": "Sum", "Metric": {
            "Namespace": "AWS/Lambda", "MetricName": metric, "Dimensions": dimensions}}}
    alarm = _alarm(name, description, "AWS/Lambda", errors, dimensions, "Sum", 60, 5, rate, 3)
    for key in ("Namespace", "MetricName", "Dimensions", "Statistic", "Period"):
        del alarm["Properties"][key]
    alarm["Properties"]["Metrics"] = [stat(errors, "errors"), stat(requests, "requests"),
                                      {"Id": "rate", "Expression": "errors / requests", "ReturnData": True,
                                       "Label": f"{errors} / {requests}"}]
    return alarm


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
    if any(fn.logical_id == SITE_FUNCTION for fn in functions):
        found["SiteServerErrorRateAlarm"] = _rate_alarm(
            "site-5xx-rate", f"More than {API_5XX_RATE:.0%} of the requests through CloudFront (the site function's "
            "URL) answered 5XX in 3 of 5 minutes.", [{"Name": "FunctionName", "Value": {"Ref": SITE_FUNCTION}}],
            "Url5xxCount", "UrlRequestCount", API_5XX_RATE)
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
    if any(fn.kind == "api" for fn in functions):
        found["BusyAnswersAlarm"] = _alarm(
            "busy-answers", f"More than {BUSY_ANSWERS} requests answered 503 busy in 5 minutes: DynamoDB faults or "
            "throttles outlasted the write path's retries (BusyAnswers).",
            "Cuocthi", "BusyAnswers", [{"Name": "service", "Value": "cuocthi"}], "Sum", 300, 1, BUSY_ANSWERS)
    found["StreamFailureQueueAlarm"] = _alarm(
        "stream-failures", "Stream records the aggregators gave up on are waiting in the on-failure queue.",
        "AWS/SQS", "ApproximateNumberOfMessagesVisible",
        [{"Name": "QueueName", "Value": {"Fn::GetAtt": [FAILURE_QUEUE, "QueueName"]}}], "Maximum", 60, 1, 0)
    return found
