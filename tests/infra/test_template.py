"""The packaged stack (`chalice package` + infra/build_template.py): lint-clean, and wired the way the
operations side needs it: tables recoverable, streams by reference with failure handling, a private bucket,
alarms and a dashboard that plots what the code really emits."""
from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import zipfile

import pytest

from chalicelib import observability, store
from infra import bundle as bundle_module
from tests.infra.conftest import BIN, ROOT, STAGE

TABLES = json.loads((ROOT / "infra" / "tables.json").read_text())["Resources"]
CHALICE = json.loads((ROOT / ".chalice" / "config.json").read_text())
FUNCTION = "AWS::Serverless::Function"


def stage_settings(stage: str = STAGE) -> dict:
    merged = {k: v for k, v in CHALICE.items() if k != "stages"}
    merged.update(CHALICE["stages"][stage])
    merged["environment_variables"] = {**CHALICE.get("environment_variables", {}),
                                       **CHALICE["stages"][stage].get("environment_variables", {})}
    return merged


def stream_events(package) -> dict[str, dict]:
    """Function logical id → the properties of its DynamoDB event."""
    found = {}
    for lid, fn in package.of_type(FUNCTION).items():
        for event in fn["Properties"].get("Events", {}).values():
            if event["Type"] == "DynamoDB":
                assert lid not in found, f"{lid} has two stream events (did an override miss its event name?)"
                found[lid] = event["Properties"]
    return found


def matches(pattern, event) -> bool:
    """Lambda event filtering, for the subset of patterns used here (exact values, nested objects)."""
    if isinstance(pattern, dict):
        return isinstance(event, dict) and all(k in event and matches(v, event[k]) for k, v in pattern.items())
    return event in pattern


# --- lint ---------------------------------------------------------------------------------------------------

def test_cfn_lint_finds_no_errors(package):
    done = subprocess.run([str(BIN / "cfn-lint"), "--format", "json", str(package.directory / "sam.json")],
                          capture_output=True, text=True, cwd=ROOT)
    findings = json.loads(done.stdout or "[]")
    errors = [f"{f['Rule']['Id']} {f['Message']} ({f['Location']['Path']})" for f in findings
              if f["Level"] == "Error"]
    assert not errors, "\n".join(errors)
    assert done.returncode & 3 == 0, done.stderr  # exit bits: 1 fatal, 2 errors, 4 warnings, 8 informational


# --- tables -------------------------------------------------------------------------------------------------

def test_the_tables_are_those_of_tables_json_and_recoverable(package):
    tables = package.of_type("AWS::DynamoDB::Table")
    assert set(tables) == set(TABLES)
    assert {t["Metadata"]["cuocthi:table"] for t in tables.values()} >= set(store.tables())
    for lid, table in tables.items():
        props = table["Properties"]
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True, lid
        assert table["DeletionPolicy"] == "Retain", lid
        assert props["TableName"] == {"Fn::Sub": "${AWS::StackName}-" + table["Metadata"]["cuocthi:table"]}


def test_functions_find_the_tables_and_bucket_of_their_stack(package):
    """The code names a table TABLE_PREFIX + logical name: the prefix must be the stack's, in every function."""
    env = package.template["Globals"]["Function"]["Environment"]["Variables"]
    assert env["TABLE_PREFIX"] == {"Fn::Sub": "${AWS::StackName}-"}
    assert env["RESULTS_BUCKET"] == {"Ref": "ResultsBucket"}
    settings = stage_settings()
    for lid, fn in package.of_type(FUNCTION).items():
        own = fn["Properties"].get("Environment", {}).get("Variables", {})
        assert "TABLE_PREFIX" not in own and "RESULTS_BUCKET" not in own, f"{lid} overrides the stack's names"
        assert own["TOKEN_SECRET_PARAM"] == settings["environment_variables"]["TOKEN_SECRET_PARAM"]
        assert own["CONTEST_TIMEZONE"] == "Asia/Ho_Chi_Minh"
        assert fn["Properties"]["Tracing"] == "Active", lid


def test_function_sizes_and_concurrency(package):
    fns = package.of_type(FUNCTION)
    finalize, aggregate = fns["FinalizeRounds"]["Properties"], fns["AggregateAttempts"]["Properties"]
    assert finalize["MemorySize"] >= 1024 and finalize["Timeout"] >= 300
    assert aggregate["MemorySize"] >= 512 and aggregate["Timeout"] >= 60
    exports = fns["BuildExports"]["Properties"]       # a whole unit's registrations, streamed through /tmp
    assert exports["MemorySize"] >= 1024 and exports["Timeout"] == 900
    assert exports["EphemeralStorage"] == {"Size": 4096}
    for lid in ("FinalizeRounds", "TickRounds", "BuildExports"):
        props = fns[lid]["Properties"]
        assert props["ReservedConcurrentExecutions"] == 1, lid
        # a tick throttled behind a long run is dropped, not queued for hours: the next minute's tick follows
        assert props["EventInvokeConfig"] == {"MaximumEventAgeInSeconds": 60, "MaximumRetryAttempts": 0}
    assert "ReservedConcurrentExecutions" not in fns["APIHandler"]["Properties"]


def test_log_groups_belong_to_real_functions(package):
    groups = package.of_type("AWS::Logs::LogGroup")
    assert groups
    named = set()
    for lid, group in groups.items():
        match = re.fullmatch(r"/aws/lambda/\$\{(\w+)\}", group["Properties"]["LogGroupName"]["Fn::Sub"])
        assert match and match.group(1) in package.of_type(FUNCTION), f"{lid} names no function"
        named.add(match.group(1))
    assert named == set(package.of_type(FUNCTION))


# --- streams ------------------------------------------------------------------------------------------------

def test_stream_mappings_are_by_reference_with_failure_handling(package):
    events = stream_events(package)
    streamed = {lid for lid, t in TABLES.items() if "StreamSpecification" in t["Properties"]}
    assert {e["Stream"]["Fn::GetAtt"][0] for e in events.values()} == streamed
    for lid, props in events.items():
        assert props["Stream"] == {"Fn::GetAtt": [props["Stream"]["Fn::GetAtt"][0], "StreamArn"]}, lid
        assert "ReportBatchItemFailures" in props["FunctionResponseTypes"], lid
        assert props["BisectBatchOnFunctionError"] is True, lid
        assert 0 < props["MaximumRetryAttempts"] <= 10, lid
        assert 60 <= props["MaximumRecordAgeInSeconds"] < 24 * 3600, lid  # replayable within the stream's 24 h
        destination = props["DestinationConfig"]["OnFailure"]["Destination"]
        assert destination == {"Fn::GetAtt": ["StreamFailureQueue", "Arn"]}, lid
        assert package.resources["StreamFailureQueue"]["Type"] == "AWS::SQS::Queue"
        assert props["FilterCriteria"]["Filters"], lid
        assert 1 <= props["MaximumBatchingWindowInSeconds"] <= 10, lid      # batches fill under light traffic
        assert props["BatchSize"] >= 100, lid


def _record(event_name: str, status: str | None = None) -> dict:
    image = {"attempt_id": {"S": "a1"}}
    if status:
        image["status"] = {"S": status}
    return {"eventName": event_name, "dynamodb": {"NewImage": image}}


def test_stream_filters_let_through_only_what_the_aggregators_use(package):
    events = stream_events(package)

    def passes(table: str, record: dict) -> bool:
        (props,) = [p for p in events.values() if p["Stream"]["Fn::GetAtt"][0] == table]
        return any(matches(json.loads(f["Pattern"]), record) for f in props["FilterCriteria"]["Filters"])

    assert passes("AttemptsTable", _record("MODIFY", "submitted"))
    assert passes("AttemptsTable", _record("INSERT", "submitted"))
    assert not passes("AttemptsTable", _record("INSERT", "in_progress"))
    assert not passes("AttemptsTable", {"eventName": "REMOVE", "dynamodb": {"OldImage": {}}})
    assert passes("ParticipantsTable", _record("INSERT"))
    assert not passes("ParticipantsTable", _record("MODIFY"))
    assert not passes("ParticipantsTable", {"eventName": "REMOVE", "dynamodb": {}})


# --- bucket and API -----------------------------------------------------------------------------------------

def test_results_bucket_is_private_encrypted_and_versioned(package):
    (bucket,) = package.of_type("AWS::S3::Bucket").values()
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert props["VersioningConfiguration"]["Status"] == "Enabled"
    rules = props["LifecycleConfiguration"]["Rules"]
    assert any("NoncurrentVersionExpiration" in r for r in rules)
    assert any("AbortIncompleteMultipartUpload" in r for r in rules)
    (policy,) = package.of_type("AWS::S3::BucketPolicy").values()
    (deny,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_api_stage_is_throttled_and_traced(package):
    props = package.resources["RestAPI"]["Properties"]
    (setting,) = props["MethodSettings"]
    assert setting["ResourcePath"] == "/*" and setting["HttpMethod"] == "*"
    assert "ThrottlingBurstLimit" in setting and "ThrottlingRateLimit" in setting
    assert props["TracingEnabled"] is True
    # the API is named after the stack, so its metrics (ApiName) never mix with another stage's
    assert props["Name"] == {"Fn::Sub": "${AWS::StackName}"}


def test_api_gateway_passes_compressed_pages_as_bytes(package):
    # The app gzips pages and scripts (base64 in the Lambda answer); API Gateway turns them back into bytes only
    # for requests whose first Accept type is a binary media type, and browsers ask for scripts with */*.
    body = package.resources["RestAPI"]["Properties"]["DefinitionBody"]
    assert body["x-amazon-apigateway-binary-media-types"] == ["*/*"]


# --- alarms -------------------------------------------------------------------------------------------------

def _normal(value):
    return {"Ref": "AWS::StackName"} if value == {"Fn::Sub": "${AWS::StackName}"} else value


def alarms_on(package, namespace: str, metric: str) -> list[dict]:
    return [a["Properties"] for a in package.of_type("AWS::CloudWatch::Alarm").values()
            if a["Properties"].get("Namespace") == namespace and a["Properties"].get("MetricName") == metric]


def dims(alarm: dict) -> dict:
    return {d["Name"]: _normal(d["Value"]) for d in alarm["Dimensions"]}


def test_every_alarm_notifies_the_topic(package):
    alarms = package.of_type("AWS::CloudWatch::Alarm")
    assert len(alarms) >= 5
    assert package.resources["AlarmTopic"]["Type"] == "AWS::SNS::Topic"
    for lid, alarm in alarms.items():
        assert {"Ref": "AlarmTopic"} in alarm["Properties"]["AlarmActions"], lid
        metrics = [m["MetricStat"]["Metric"] for m in alarm["Properties"].get("Metrics", []) if "MetricStat" in m]
        for dimension in [d for m in [alarm["Properties"], *metrics] for d in m.get("Dimensions", [])]:
            ref = dimension["Value"].get("Ref") if isinstance(dimension["Value"], dict) else None
            assert ref is None or ref.startswith("AWS::") or ref in package.resources, lid


def test_site_5xx_rate_alarm(package):
    alarm = package.resources["SiteServerErrorRateAlarm"]["Properties"]
    errors, requests, rate = alarm["Metrics"]
    assert rate == {"Id": "rate", "Expression": "errors / requests", "ReturnData": True,
                    "Label": "Url5xxCount / UrlRequestCount"}
    for metric, name in ((errors, "Url5xxCount"), (requests, "UrlRequestCount")):
        assert metric["MetricStat"]["Metric"] == {"Namespace": "AWS/Lambda", "MetricName": name,
                                                  "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": "Site"}}]}
        assert metric["MetricStat"]["Stat"] == "Sum" and metric["ReturnData"] is False
    assert 0 < alarm["Threshold"] < 1 and alarm["DatapointsToAlarm"] == 3


def test_api_5xx_rate_alarm(package):
    (alarm,) = alarms_on(package, "AWS/ApiGateway", "5XXError")
    assert alarm["Statistic"] == "Average" and 0 < alarm["Threshold"] < 1  # a rate, not a count
    api = package.resources["RestAPI"]["Properties"]
    assert dims(alarm) == {"ApiName": _normal(api["Name"]), "Stage": api["StageName"]}


def test_errors_throttles_and_iterator_age_alarms_per_function(package):
    functions = package.of_type(FUNCTION)
    errors = {dims(a)["FunctionName"]["Ref"] for a in alarms_on(package, "AWS/Lambda", "Errors")}
    assert errors == set(functions)
    throttles = {dims(a)["FunctionName"]["Ref"] for a in alarms_on(package, "AWS/Lambda", "Throttles")}
    unreserved = {lid for lid, f in functions.items() if "ReservedConcurrentExecutions" not in f["Properties"]}
    assert throttles == unreserved and "APIHandler" in throttles
    ages = alarms_on(package, "AWS/Lambda", "IteratorAge")
    assert {dims(a)["FunctionName"]["Ref"] for a in ages} == set(stream_events(package))
    assert all(a["Threshold"] == 60_000 and a["ComparisonOperator"] == "GreaterThanThreshold" for a in ages)


def test_on_failure_queue_alarm_fires_on_any_message(package):
    (alarm,) = alarms_on(package, "AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert dims(alarm) == {"QueueName": {"Fn::GetAtt": ["StreamFailureQueue", "QueueName"]}}
    assert alarm["Threshold"] == 0 and alarm["ComparisonOperator"] == "GreaterThanThreshold"


# --- dashboard ----------------------------------------------------------------------------------------------

SEARCH = re.compile(r"SEARCH\('\{([^}]*)\}\s+(.*?)'\s*,")


def plotted(package) -> list[tuple[str, str, frozenset[str], dict[str, str]]]:
    """(namespace, metric, dimension names, known dimension values) of every series on the dashboard."""
    (board,) = package.of_type("AWS::CloudWatch::Dashboard").values()
    body = json.loads(board["Properties"]["DashboardBody"]["Fn::Sub"])
    series = []
    for widget in body["widgets"]:
        for row in widget["properties"].get("metrics", []):
            if isinstance(row[0], dict):
                match = SEARCH.search(row[0]["expression"])
                if match:
                    namespace, *names = match.group(1).split(",")
                    terms = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2)))
                    metric = terms.pop("MetricName")
                    series.append((namespace, metric, frozenset(names), terms))
                continue
            plain = [x for x in row if not isinstance(x, dict)]
            namespace, metric, pairs = plain[0], plain[1], plain[2:]
            values = dict(zip(pairs[::2], pairs[1::2], strict=True))
            series.append((namespace, metric, frozenset(values), values))
    return series


@pytest.fixture
def emitted(monkeypatch):
    """What single_metric prints in the stage's functions: (metric, extra dimensions) → EMF documents."""
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", stage_settings()["environment_variables"]["POWERTOOLS_SERVICE_NAME"])

    def emit(name: str, **dimensions: str) -> list[dict]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            observability.metric(name, 1, **dimensions)
        return [json.loads(line) for line in out.getvalue().splitlines()]
    return emit


def test_dashboard_plots_only_metrics_the_code_emits(package, emitted):
    ours = [s for s in plotted(package) if s[0] == observability.NAMESPACE]
    assert ours
    for namespace, metric, names, values in ours:
        assert metric in observability.METRICS, f"the dashboard plots {metric}, which the code never emits"
        extra = {n: "x" for n in names if n not in values}
        (doc,) = emitted(metric, **extra)
        (directive,) = doc["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == namespace
        assert [sorted(d) for d in directive["Dimensions"]] == [sorted(names)], (
            f"{metric}: the dashboard uses dimensions {sorted(names)}, the code emits {directive['Dimensions']}")
        for name, value in values.items():
            assert doc[name] == value, f"{metric}: {name}={value!r} on the dashboard, {doc[name]!r} emitted"
    shown = {metric for _, metric, _, _ in ours}
    assert {"SubmissionsAccepted", "SubmissionsRefused", "Registrations"} <= shown
    assert shown == set(observability.METRICS)


def test_refusals_are_plotted_by_reason(package):
    refused = [s for s in plotted(package) if s[1] == "SubmissionsRefused"]
    assert refused and all("reason" in names for _, _, names, _ in refused)


def test_dashboard_plots_the_platform_metrics(package):
    series = plotted(package)
    have = {(ns, metric) for ns, metric, _, _ in series}
    for wanted in [("AWS/ApiGateway", "Latency"), ("AWS/ApiGateway", "4XXError"), ("AWS/ApiGateway", "5XXError"),
                   ("AWS/Lambda", "Errors"), ("AWS/Lambda", "Throttles"), ("AWS/Lambda", "ConcurrentExecutions"),
                   ("AWS/Lambda", "IteratorAge"), ("AWS/DynamoDB", "WriteThrottleEvents"),
                   ("AWS/DynamoDB", "ReadThrottleEvents"), ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
                   ("AWS/SNS", "NumberOfNotificationsDelivered"), ("AWS/SNS", "NumberOfNotificationsFailed"),
                   ("AWS/SNS", "SMSMonthToDateSpentUSD")]:
        assert wanted in have, wanted
    sms = {metric: values for ns, metric, _, values in series if ns == "AWS/SNS"}
    assert sms["NumberOfNotificationsDelivered"] == {"PhoneNumber": "PhoneNumberDirect"}   # SMS, not topics
    (board,) = package.of_type("AWS::CloudWatch::Dashboard").values()
    text = board["Properties"]["DashboardBody"]["Fn::Sub"]
    assert '"p50"' in text and '"p99"' in text
    for ref in re.findall(r"\$\{([\w:.]+)\}", text):
        assert ref.startswith("AWS::") or ref.split(".")[0] in package.resources, ref
    throttled = {values.get("TableName") for ns, metric, _, values in series if ns == "AWS/DynamoDB"}
    assert throttled == {"${%s}" % lid for lid in TABLES}


# --- IAM roles and the bundle -------------------------------------------------------------------------------

def test_every_role_carries_the_stage_policy(package):
    policy = json.loads((ROOT / ".chalice" / stage_settings()["iam_policy_file"]).read_text())
    roles = {lid: r for lid, r in package.of_type("AWS::IAM::Role").items() if lid != "FinalizationRole"}
    assert roles
    for lid, role in roles.items():
        (document,) = [p["PolicyDocument"] for p in role["Properties"]["Policies"]]
        assert document == policy, lid


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_cloud_stages_manage_their_own_policy(stage):
    settings = stage_settings(stage)
    assert settings["autogen_policy"] is False
    assert (ROOT / ".chalice" / settings["iam_policy_file"]).is_file()
    assert settings["xray"] is True
    assert settings["environment_variables"]["TOKEN_SECRET_PARAM"].startswith(f"/cuocthi/{stage}/")
    assert "TABLE_PREFIX" not in settings["environment_variables"]  # the stack provides it


def test_bundle_carries_the_runtime_dependencies_but_not_the_runtimes_sdk(package):
    bundle_path = package.directory / "deployment.zip"
    with zipfile.ZipFile(bundle_path) as bundle:
        tops = {name.split("/", 1)[0] for name in bundle.namelist()}
    # aws_xray_sdk: the Tracer of functions with active tracing
    # markdown_it, nh3 (a compiled wheel for Lambda's Linux), tzdata: the pages and the contest's time zone
    for module in ("app.py", "chalicelib", "pynamodb", "aws_lambda_powertools", "aws_xray_sdk", "openpyxl",
                   "markdown_it", "mdurl", "nh3", "tzdata"):
        assert module in tops, f"{module} is missing from deployment.zip"
    assert not {t for t in tops if bundle_module.dropped(t)}, "the runtime's AWS SDK is in the bundle"
    assert bundle_path.stat().st_size < 14 * 2**20


def test_the_bundle_leaves_out_exactly_what_boto3_brings():
    """Only boto3's own requirement closure may be left to the runtime: anything else would be missing there."""
    from importlib.metadata import requires

    closure, todo = set(), ["boto3"]
    while todo:
        name = bundle_module._normal(todo.pop())
        if name not in closure:
            closure.add(name)
            todo += [re.split(r"[\s;\[<>=!~(]", r.strip())[0] for r in requires(name) or [] if "extra ==" not in r]
    assert closure == set(bundle_module.RUNTIME_SDK)


def test_the_runbook_covers_every_alarm(package):
    operations = (ROOT / "README.md").read_text().split("## Operations", 1)[1]
    for _lid, alarm in package.of_type("AWS::CloudWatch::Alarm").items():
        suffix = alarm["Properties"]["AlarmName"]["Fn::Sub"].removeprefix("${AWS::StackName}-")
        assert f"`{suffix}`" in operations, f"README, Operations: say what {suffix} means and what to do"


def test_api_gateway_answers_its_own_refusals_in_the_contract_shape(package):
    """Unknown paths, throttling, oversized bodies and gateway failures never reach the app: API Gateway answers
    them itself, so it must answer in the contract's error shape too."""
    import json as _json

    responses = package.resources["RestAPI"]["Properties"]["GatewayResponses"]
    expected = {"MISSING_AUTHENTICATION_TOKEN": (404, "not_found"), "RESOURCE_NOT_FOUND": (404, "not_found"),
                "THROTTLED": (429, "too_many_requests"), "REQUEST_TOO_LARGE": (413, "payload_too_large"),
                "DEFAULT_5XX": (None, "internal_error")}
    for kind, (status, code) in expected.items():
        body = _json.loads(responses[kind]["ResponseTemplates"]["application/json"])
        assert body["error"]["code"] == code and body["error"]["message"]
        assert responses[kind].get("StatusCode") == status
