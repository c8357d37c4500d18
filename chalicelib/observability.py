"""Logs and metrics (Powertools): JSON logs without personal data, EMF metrics CloudWatch reads from logs.
METRICS is the one list of metric names the code emits; the dashboard and its test read it."""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit, single_metric

F = TypeVar("F", bound=Callable[..., Any])

NAMESPACE = "Cuocthi"

METRICS: dict[str, str] = {
    "Registrations": MetricUnit.Count.value,
    "AttemptsStarted": MetricUnit.Count.value,
    "SubmissionsAccepted": MetricUnit.Count.value,
    "SubmissionsRefused": MetricUnit.Count.value,        # dimension: reason
    "AggregatorBatchSize": MetricUnit.Count.value,
    "AggregatorFailures": MetricUnit.Count.value,
    "FinalizationDuration": MetricUnit.Milliseconds.value,
    "FinalizationFailures": MetricUnit.Count.value,
    "FinalizationStopped": MetricUnit.Count.value,      # a round left alone after repeated failures: an alarm
    "RoundsOpened": MetricUnit.Count.value,
    "RoundsClosed": MetricUnit.Count.value,
    "SmsSent": MetricUnit.Count.value,                   # dimension: purpose
    "SmsFailed": MetricUnit.Count.value,
    "SmsRefused": MetricUnit.Count.value,                # dimension: reason
    "LoginsThrottled": MetricUnit.Count.value,
    "Retries": MetricUnit.Count.value,                   # a transient fault tried again; dimension: path
    "BusyAnswers": MetricUnit.Count.value,               # 503 busy: the retries were spent; an alarm. Dimension: path
}

logger = Logger(service="cuocthi")


class _NoTracer:
    """Stands in for Powertools' Tracer where nothing traces: the X-Ray SDK is never imported there."""

    def capture_method(self, method: F) -> F:
        return method


def _tracer() -> Any:
    """Powertools' Tracer (X-Ray) in a function with active tracing, where Lambda sets the X-Ray daemon's address;
    elsewhere (the local stack, tests, tracing off) a stand-in, so that importing the app skips the SDK."""
    if not os.environ.get("AWS_XRAY_DAEMON_ADDRESS") or os.environ.get("POWERTOOLS_TRACE_DISABLED") == "true":
        return _NoTracer()
    from aws_lambda_powertools import Tracer

    return Tracer(service="cuocthi")


tracer = _tracer()


def metric(name: str, value: float = 1, **dimensions: str) -> None:
    """Emits one metric now (one EMF line), with optional dimensions such as `reason`."""
    unit = MetricUnit(METRICS[name])
    with single_metric(name=name, unit=unit, value=value, namespace=NAMESPACE) as emitted:
        for key, dimension in dimensions.items():
            emitted.add_dimension(name=key, value=dimension)


def metrics_count(name: str, **dimensions: str) -> None:
    metric(name, 1, **dimensions)
