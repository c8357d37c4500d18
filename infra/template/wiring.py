"""The functions' wiring: stream event sources by reference to their table's stream, the scheduled functions'
async invoke settings, the API handler's log group."""
from __future__ import annotations

import json

from infra.template.inputs import FAILURE_QUEUE, Function

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
SCHEDULE_INVOKE = {"MaximumEventAgeInSeconds": 60, "MaximumRetryAttempts": 0}


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
