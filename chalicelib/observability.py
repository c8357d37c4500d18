"""Logs and metrics (Powertools): JSON logs without personal data, EMF metrics CloudWatch reads from logs.
METRICS is the one list of metric names the code emits; the dashboard and its test read it."""
from __future__ import annotations

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric

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
}

logger = Logger(service="cuocthi")
tracer = Tracer(service="cuocthi")  # X-Ray; disabled outside Lambda (no daemon there)


def metric(name: str, value: float = 1, **dimensions: str) -> None:
    """Emits one metric now (one EMF line), with optional dimensions such as `reason`."""
    unit = MetricUnit(METRICS[name])
    with single_metric(name=name, unit=unit, value=value, namespace=NAMESPACE) as emitted:
        for key, dimension in dimensions.items():
            emitted.add_dimension(name=key, value=dimension)


def metrics_count(name: str, **dimensions: str) -> None:
    metric(name, 1, **dimensions)
