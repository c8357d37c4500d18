"""The finalization state machine (Step Functions), its role, the finalize functions' settings and its alarm.

plan → Count (Distributed Map over the reduce tasks: pass 1) → Truth → Reduce (Distributed Map: pass 2) → Merge;
every state invokes `finalize_step` (chalicelib/events/flow.py) and any failure goes to Failed, which counts it
on the round (after 3 in a row the schedule stops and the `finalization-stopped` alarm fires). Why a Distributed
Map rather than DynamoDB's export to S3: an export copies whole items of the whole table (every round, every
attribute, about 2 KB an attempt) and takes minutes to start, while each map task here reads only its own
partitions of the sparse accepted-attempts index, which projects under 200 bytes an attempt.
"""
from __future__ import annotations

import json

from infra.template.inputs import ALARM_TOPIC, Function

STATE_MACHINE = "FinalizationStateMachine"
ROLE = "FinalizationRole"
STEP_FUNCTION = "FinalizeStep"          # chalice's resource for app.py's `finalize_step`
SCHEDULE_FUNCTION = "FinalizeRounds"
MAP_CONCURRENCY = 64
EPHEMERAL_MB = 4096                     # /tmp of the merge: the ranking's XLSX rows are spooled there
NAME = "${AWS::StackName}-finalization"
ARN = "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:" + NAME
EXECUTIONS = "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:" + NAME + ":*"
RETRY = [{"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                          "Lambda.TooManyRequestsException", "States.Timeout"],
          "IntervalSeconds": 2, "MaxAttempts": 4, "BackoffRate": 2, "JitterStrategy": "FULL"}]
CATCH = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"}]


def _invoke(parameters: dict, **state) -> dict:
    """A state invoking `finalize_step`; its answer lands under `result` (at the state's ResultPath)."""
    return {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "${FinalizeStepArn}", "Payload": parameters},
            "ResultSelector": {"result.$": "$.Payload"}, "Retry": RETRY, **state}


def _map(step: str, extra: dict[str, str], result_path: str | None, following: str) -> dict:
    """A Distributed Map over the plan's jobs: one child execution (Express) per reduce task."""
    passed = {name: f"$.{name.removesuffix('.$')}" for name in extra}
    task = _invoke({"step": step, "job.$": "$.job", **passed}, OutputPath="$.result", End=True)
    return {"Type": "Map", "ItemsPath": "$.plan.result.jobs", "MaxConcurrency": MAP_CONCURRENCY,
            "ItemSelector": {"job.$": "$$.Map.Item.Value", **extra},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                              "StartAt": "Task", "States": {"Task": task}},
            "ResultPath": result_path, "Catch": CATCH, "Next": following}


def definition() -> dict:
    round_id = {"round_id.$": "$.round_id"}
    plan = _invoke({"step": "plan", "run.$": "$$.Execution.Name", **round_id}, ResultPath="$.plan",
                   Catch=CATCH, Next="Count")
    count = _map("count", {}, "$.counts", "Truth")
    truth = _invoke({"step": "truth", "plan.$": "$.plan.result", "counts.$": "$.counts", **round_id},
                    ResultPath="$.truth", Catch=CATCH, Next="Reduce")
    reduce = _map("reduce", {"truth.$": "$.truth.result.truth"}, None, "Merge")
    merge = _invoke({"step": "merge", "plan.$": "$.plan.result", "truth.$": "$.truth.result.truth", **round_id},
                    ResultPath="$.merged", Catch=CATCH, End=True)
    failed = _invoke({"step": "failed", "error.$": "States.JsonToString($.error)", **round_id},
                     ResultPath="$.failed", Next="Stop")
    return {"Comment": "A round's finalization: two passes over the shards, a k-way merge (README, Operations).",
            "StartAt": "Plan",
            "States": {"Plan": plan, "Count": count, "Truth": truth, "Reduce": reduce, "Merge": merge,
                       "Failed": failed, "Stop": {"Type": "Fail", "Error": "FinalizationFailed",
                                                  "Cause": "see the Failed state's input and the logs"}}}


def resources(functions: list[Function]) -> dict[str, dict]:
    if not any(fn.logical_id == STEP_FUNCTION for fn in functions):
        return {}
    step_arn = {"Fn::GetAtt": [STEP_FUNCTION, "Arn"]}
    role = {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "Policies": [{"PolicyName": "finalization", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Sid": "Steps", "Effect": "Allow", "Action": "lambda:InvokeFunction",
             "Resource": [step_arn, {"Fn::Sub": "${%s.Arn}:*" % STEP_FUNCTION}]},
            {"Sid": "MapRuns", "Effect": "Allow", "Action": "states:StartExecution", "Resource": {"Fn::Sub": ARN}},
            {"Sid": "MapChildren", "Effect": "Allow", "Action": ["states:DescribeExecution", "states:StopExecution"],
             "Resource": {"Fn::Sub": EXECUTIONS}}]}}]}}
    machine = {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
        "StateMachineName": {"Fn::Sub": NAME}, "StateMachineType": "STANDARD",
        "RoleArn": {"Fn::GetAtt": [ROLE, "Arn"]},
        "DefinitionString": {"Fn::Sub": [json.dumps(definition(), separators=(",", ":")),
                                         {"FinalizeStepArn": step_arn}]}}}
    alarm = {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmName": {"Fn::Sub": "${AWS::StackName}-finalization-stopped"},
        "AlarmDescription": "A round failed to finalize 3 times in a row; the schedule leaves it alone until it is "
                            "restarted. Runbook: README.md, Operations.",
        "Namespace": "Cuocthi", "MetricName": "FinalizationStopped",
        "Dimensions": [{"Name": "service", "Value": "cuocthi"}], "Statistic": "Sum", "Period": 300,
        "EvaluationPeriods": 1, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching", "AlarmActions": [{"Ref": ALARM_TOPIC}],
        "OKActions": [{"Ref": ALARM_TOPIC}]}}
    return {ROLE: role, STATE_MACHINE: machine, "FinalizationStoppedAlarm": alarm}


def function_settings(functions: list[Function]) -> dict[str, dict]:
    """The schedule learns the state machine's ARN; the steps get a /tmp sized for a national round."""
    found = {fn.logical_id for fn in functions}
    settings: dict[str, dict] = {}
    if STEP_FUNCTION in found and SCHEDULE_FUNCTION in found:
        settings[SCHEDULE_FUNCTION] = {"Properties": {"Environment": {"Variables": {
            "FINALIZE_STATE_MACHINE": {"Fn::Sub": ARN}}}}}
    if STEP_FUNCTION in found:
        settings[STEP_FUNCTION] = {"Properties": {"EphemeralStorage": {"Size": EPHEMERAL_MB}}}
    return settings
