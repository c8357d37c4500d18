"""The finalization state machine (Step Functions): starting one execution per round and attempt, so that a
schedule running every minute never starts a second one while the first runs."""
from __future__ import annotations

import json
import os
import re

import boto3

from chalicelib import config
from chalicelib.store.cache import remembered

STATE_MACHINE_VARIABLE = "FINALIZE_STATE_MACHINE"
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@remembered(maxsize=1)
def _client():
    return boto3.client("stepfunctions", region_name=config.current().region)


def state_machine() -> str | None:
    """The state machine's ARN in the cloud (set by the template); None locally, where a process pool runs."""
    return os.environ.get(STATE_MACHINE_VARIABLE) or None


def execution_name(round_id: str, failures: int, restarts: int = 0) -> str:
    """One name per try: a new one after each counted failure and after each restart."""
    return _NAME_UNSAFE.sub("-", f"{round_id}-{restarts}-{failures}")[-80:]


def start(round_id: str, failures: int, restarts: int = 0) -> str:
    """Starts the round's finalization unless it runs already: "started", "running", or "ended" when the
    execution of that name is over without having finalized the round (it failed without being counted)."""
    arn = state_machine()
    if arn is None:
        raise RuntimeError(f"{STATE_MACHINE_VARIABLE} is not set")
    name = execution_name(round_id, failures, restarts)
    client = _client()
    try:
        client.start_execution(stateMachineArn=arn, name=name, input=json.dumps({"round_id": round_id}))
        return "started"
    except client.exceptions.ExecutionAlreadyExists:
        execution = f"{arn.replace(':stateMachine:', ':execution:')}:{name}"
        status = client.describe_execution(executionArn=execution)["status"]
        return "running" if status == "RUNNING" else "ended"
