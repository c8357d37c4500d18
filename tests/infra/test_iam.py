"""The functions' IAM policy (.chalice/policy-<stage>.json, autogen off) against the code.

Chalice's automatic policy cannot see what chalicelib/ and PynamoDB call, so the policy is written by hand and
checked here two ways: statically (every table, index and stream of infra/tables.json and the models, the
results prefix, the token secret; nothing granted on "*" that has a narrower resource), and by running the
application over moto with every AWS call recorded (each route, both stream handlers, the schedule and the
finalizer) and asking the policy, resolved for a stack, whether each call would be allowed."""
from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager

import boto3
import botocore.signers
import pytest
from botocore.client import BaseClient
from moto import mock_aws

from chalicelib import config, store
from chalicelib.services import admin
from local.schema import create_tables
from tests.infra.conftest import ROOT
from tests.support import HOUR, T0, Api, Clock, Contest, questions

STACK = "cuocthi-test"
REGION = "ap-southeast-1"
ACCOUNT = "123456789012"
BUCKET = "cuocthi-test-resultsbucket-1a2b3c"
STAGES = ("dev", "prod")
TABLES = json.loads((ROOT / "infra" / "tables.json").read_text())["Resources"]
LOGICAL = {r["Metadata"]["cuocthi:table"]: lid for lid, r in TABLES.items()}
CHALICE = json.loads((ROOT / ".chalice" / "config.json").read_text())
# Actions with no resource-level permissions: the only ones "*" may be granted for. An SMS published straight to
# a phone number (the one-time codes) has no resource ARN: sns:Publish needs "*".
NO_RESOURCE_LEVEL = {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "cloudwatch:PutMetricData",
                     "sns:Publish"}


def table_name(logical: str) -> str:
    return f"{STACK}-{logical}"


def table_arn(name: str) -> str:
    return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"


def stream_arn(logical: str) -> str:
    return table_arn(table_name(logical)) + "/stream/2026-01-01T00:00:00.000"


def param_arn(name: str) -> str:
    return f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{name.lstrip('/')}"


REFS = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::StackName": STACK,
        "ResultsBucket": BUCKET, "ResultsBucket.Arn": f"arn:aws:s3:::{BUCKET}",
        "StreamFailureQueue.Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{STACK}-StreamFailureQueue-X1Y2",
        **{lid: table_name(logical) for logical, lid in LOGICAL.items()},
        **{f"{lid}.Arn": table_arn(table_name(logical)) for logical, lid in LOGICAL.items()},
        **{f"{lid}.StreamArn": stream_arn(logical) for logical, lid in LOGICAL.items()}}


def resolve(value):
    """The policy's intrinsic functions evaluated for stack STACK (an unknown reference fails the test)."""
    if isinstance(value, list):
        return [resolve(v) for v in value]
    if isinstance(value, dict):
        if "Fn::GetAtt" in value:
            return REFS[".".join(value["Fn::GetAtt"])]
        if "Ref" in value:
            return REFS[value["Ref"]]
        if "Fn::Sub" in value:
            return re.sub(r"\$\{([^}!]+)\}", lambda m: REFS[m.group(1)], value["Fn::Sub"])
        return {k: resolve(v) for k, v in value.items()}
    return value


def policy(stage: str) -> list[dict]:
    settings = CHALICE["stages"][stage]
    document = json.loads((ROOT / ".chalice" / settings["iam_policy_file"]).read_text())
    statements = [resolve(s) for s in document["Statement"]]
    for s in statements:
        assert s["Effect"] == "Allow" and "NotAction" not in s and "NotResource" not in s, s
        s["Action"] = [s["Action"]] if isinstance(s["Action"], str) else s["Action"]
        s["Resource"] = [s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"]
    return statements


def allowed(statements: list[dict], action: str, resource: str) -> bool:
    return any(fnmatch.fnmatchcase(action.lower(), a.lower()) and
               any(fnmatch.fnmatchcase(resource, r) for r in s["Resource"])
               for s in statements for a in s["Action"])


def token_param(stage: str) -> str:
    return CHALICE["stages"][stage]["environment_variables"]["TOKEN_SECRET_PARAM"]


# --- static -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("stage", STAGES)
def test_every_table_of_the_code_is_allowed_item_access(stage):
    statements = policy(stage)
    for logical in set(store.tables()) | set(LOGICAL):
        assert logical in LOGICAL, f"model {logical} has no table in infra/tables.json"
        for action in ("GetItem", "Query", "PutItem", "UpdateItem", "ConditionCheckItem"):
            assert allowed(statements, f"dynamodb:{action}", table_arn(table_name(logical))), (logical, action)


@pytest.mark.parametrize("stage", STAGES)
def test_indexes_are_allowed_exactly_where_tables_have_them(stage):
    statements = policy(stage)
    for logical, lid in LOGICAL.items():
        declared = {i["IndexName"] for i in TABLES[lid]["Properties"].get("GlobalSecondaryIndexes", [])}
        used = store.tables().get(logical, set())
        assert used <= declared, f"{logical}: the model queries indexes the table lacks: {used - declared}"
        for index in declared:
            assert allowed(statements, "dynamodb:Query", f"{table_arn(table_name(logical))}/index/{index}")
        if not declared:
            assert not allowed(statements, "dynamodb:Query", f"{table_arn(table_name(logical))}/index/any"), (
                f"{logical} has no index, yet the policy grants its indexes")


@pytest.mark.parametrize("stage", STAGES)
def test_streams_are_readable_exactly_where_tables_have_them(stage):
    statements = policy(stage)
    for logical, lid in LOGICAL.items():
        streamed = "StreamSpecification" in TABLES[lid]["Properties"]
        for action in ("DescribeStream", "GetRecords", "GetShardIterator", "ListStreams"):
            assert allowed(statements, f"dynamodb:{action}", stream_arn(logical)) is streamed, (logical, action)


@pytest.mark.parametrize("stage", STAGES)
def test_only_the_stacks_own_tables_are_reachable(stage):
    for s in policy(stage):
        for resource in s["Resource"]:
            if resource.startswith("arn:aws:dynamodb:"):
                table = resource.split(":table/", 1)[1].split("/", 1)[0]
                assert table in {table_name(logical) for logical in LOGICAL}, resource
    assert not allowed(policy(stage), "dynamodb:GetItem", table_arn("another-stack-attempts"))


@pytest.mark.parametrize("stage", STAGES)
def test_results_prefix_only(stage):
    statements = policy(stage)
    for action in ("s3:PutObject", "s3:GetObject"):
        assert allowed(statements, action, f"arn:aws:s3:::{BUCKET}/results/dot-1/ranking.csv"), action
        assert not allowed(statements, action, f"arn:aws:s3:::{BUCKET}/elsewhere/file.csv"), action
    assert not allowed(statements, "s3:DeleteObject", f"arn:aws:s3:::{BUCKET}/results/dot-1/ranking.csv")


@pytest.mark.parametrize("stage", STAGES)
def test_token_secret_of_its_own_stage_only(stage):
    statements = policy(stage)
    assert allowed(statements, "ssm:GetParameter", param_arn(token_param(stage)))
    for other in STAGES:
        if other != stage:
            assert not allowed(statements, "ssm:GetParameter", param_arn(token_param(other)))


@pytest.mark.parametrize("stage", STAGES)
def test_stream_failures_can_reach_the_queue(stage):
    assert allowed(policy(stage), "sqs:SendMessage", REFS["StreamFailureQueue.Arn"])


@pytest.mark.parametrize("stage", STAGES)
def test_nothing_is_granted_on_star_that_has_a_narrower_resource(stage):
    for s in policy(stage):
        for action in s["Action"]:
            assert "*" not in action, f"wildcard action {action}"
            if "*" in s["Resource"]:
                assert action in NO_RESOURCE_LEVEL, f"{action} is granted on '*'"
            if action.startswith("logs:"):
                assert all(r.startswith(f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{STACK}-")
                           for r in s["Resource"]), s["Resource"]


def test_stage_policies_differ_only_in_the_token_secret():
    documents = {stage: (ROOT / ".chalice" / CHALICE["stages"][stage]["iam_policy_file"]).read_text()
                 for stage in STAGES}
    assert documents["dev"].replace(token_param("dev"), token_param("prod")) == documents["prod"]


# --- dynamic: the application's own calls ---------------------------------------------------------------------

class Recorder:
    """Every AWS call the application makes (and every presigned URL it signs) while `on`."""

    def __init__(self, monkeypatch) -> None:
        self.calls: list[tuple[str, str, dict]] = []
        self.on = False
        make_call = BaseClient._make_api_call
        presign = botocore.signers.generate_presigned_url
        recorder = self

        def _make_api_call(client, operation, params):
            if recorder.on:
                recorder.calls.append((client.meta.service_model.service_name, operation, params))
            return make_call(client, operation, params)

        def generate_presigned_url(client, ClientMethod, Params=None, ExpiresIn=3600, HttpMethod=None):
            if recorder.on:
                operation = client.meta.method_to_api_mapping[ClientMethod]
                recorder.calls.append((client.meta.service_model.service_name, operation, Params or {}))
            return presign(client, ClientMethod, Params, ExpiresIn, HttpMethod)

        monkeypatch.setattr(BaseClient, "_make_api_call", _make_api_call)
        monkeypatch.setattr(botocore.signers, "generate_presigned_url", generate_presigned_url)

    @contextmanager
    def recording(self) -> Iterator[None]:
        self.on = True
        try:
            yield
        finally:
            self.on = False


S3_ACTIONS = {"PutObject": "s3:PutObject", "CreateMultipartUpload": "s3:PutObject", "UploadPart": "s3:PutObject",
              "CompleteMultipartUpload": "s3:PutObject", "GetObject": "s3:GetObject", "HeadObject": "s3:GetObject",
              "AbortMultipartUpload": "s3:AbortMultipartUpload"}
TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem",
            "Get": "GetItem"}


def needed(service: str, operation: str, params: dict) -> Iterator[tuple[str, str]]:
    """The IAM (action, resource) pairs one API call is authorized against."""
    if service == "dynamodb":
        if operation in ("BatchGetItem", "BatchWriteItem"):
            for name in params["RequestItems"]:
                yield f"dynamodb:{operation}", table_arn(name)
        elif operation in ("TransactWriteItems", "TransactGetItems"):
            for item in params["TransactItems"]:
                ((kind, body),) = item.items()
                yield f"dynamodb:{TRANSACT[kind]}", table_arn(body["TableName"])
        elif operation in ("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "DescribeTable"):
            arn = table_arn(params["TableName"])
            yield f"dynamodb:{operation}", arn + (f"/index/{params['IndexName']}" if params.get("IndexName") else "")
        else:
            raise AssertionError(f"no IAM mapping for dynamodb {operation}: add it to tests/infra/test_iam.py")
    elif service == "s3" and operation in S3_ACTIONS:
        yield S3_ACTIONS[operation], f"arn:aws:s3:::{params['Bucket']}/{params['Key']}"
    elif service == "ssm" and operation == "GetParameter":
        yield "ssm:GetParameter", param_arn(params["Name"])
    elif service == "sns" and operation == "Publish" and "PhoneNumber" in params:
        yield "sns:Publish", "*"
    else:
        raise AssertionError(f"no IAM mapping for {service} {operation}: add it to tests/infra/test_iam.py")


@pytest.fixture
def stack_aws(monkeypatch):
    """The application pointed at STACK's tables and bucket, on moto."""
    monkeypatch.setenv("TABLE_PREFIX", f"{STACK}-")
    monkeypatch.setenv("RESULTS_BUCKET", BUCKET)
    monkeypatch.delenv("SMS_OUTBOX")            # SMS through SNS, as in the cloud
    with mock_aws():
        config.current.cache_clear()
        settings = config.current()
        create_tables(boto3.client("dynamodb", region_name=settings.region), settings.table_prefix)
        boto3.client("s3", region_name=settings.region).create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": settings.region})
        store.bind(settings)
        yield settings
    config.current.cache_clear()
    store.reset()


def stream_event(table: str, event_name: str) -> dict:
    """Lambda-shaped stream records for every item of a table (moto serves no stream reads here)."""
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    items = [i for page in dynamodb.get_paginator("scan").paginate(TableName=table) for i in page["Items"]]
    keys = [k["AttributeName"] for k in dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]]
    return {"Records": [{
        "eventID": f"{table}-{n}", "eventName": event_name, "eventVersion": "1.1", "eventSource": "aws:dynamodb",
        "awsRegion": REGION, "eventSourceARN": table_arn(table) + "/stream/2026-01-01T00:00:00.000",
        "dynamodb": {"ApproximateCreationDateTime": T0 / 1000, "Keys": {k: item[k] for k in keys}, "NewImage": item,
                     "SequenceNumber": str(10**20 + n), "SizeBytes": 100, "StreamViewType": "NEW_IMAGE"}}
        for n, item in enumerate(items)]}


def sent_codes(phone: str) -> list[str]:
    """The codes of the SMS moto's SNS received for this phone, oldest first."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends

    messages = sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.values()
    return [re.search(r"\b[0-9]{6}\b", text).group(0) for to, text in messages if to == "+84" + phone[1:]]


def _route_pattern(path: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")


def run_everything(client, clock: Clock, recorder: Recorder) -> set[tuple[str, str]]:
    """Drives every route, both stream handlers and both schedules; returns the (method, path) requests made."""
    requests: set[tuple[str, str]] = set()
    api = Api(client.http)
    send = api.call

    def call(method, path, *args, **kw):
        requests.add((method, path.split("?")[0]))
        return send(method, path, *args, **kw)

    api.call = call
    admin.create_organizer("btc", "mat-khau-btc-1")
    token = api.post("/api/admin/sessions", {"username": "btc", "password": "mat-khau-btc-1"}).body["token"]
    contest = Contest(api, clock, token)
    contest.add_units()
    api.put("/api/admin/contest", {"publication": "review", "contact": "Sở Nội vụ"}, token=token)
    api.put("/api/admin/pages/the-le", {"title": "Thể lệ", "body": "# Thể lệ"}, token=token)
    api.get("/api/pages/the-le")
    api.post("/api/admin/previews", {"body": "*x*"}, token=token)
    notice = api.post("/api/admin/announcements", {"title": "Khai mạc", "body": "Mở đợt 1."}, token=token)
    api.get("/api/announcements")
    api.call("DELETE", f"/api/admin/announcements/{notice.body['announcement']['id']}", token=token)
    api.call("DELETE", "/api/admin/units/dong-hoi-hai-dinh", token=token)
    contest.open_round("dot-1")
    api.get("/api/admin/rounds/dot-1/questions", token=token)
    api.put("/api/admin/rounds/dot-1", {"name": "Đợt thi thứ nhất"}, token=token)
    participant, me = contest.register()
    phone = me["phone"]
    api.post("/api/sessions", {"phone": phone, "password": "sai-mat-khau"})
    api.post("/api/sessions", {"phone": phone, "password": "mat-khau-123"})
    api.get("/api/me", token=participant)
    api.put("/api/me", {"full_name": "Nguyễn Văn Ân"}, token=participant)
    for purpose in ("login", "reset"):
        api.post("/api/verifications", {"phone": phone, "purpose": purpose})
    codes = sent_codes(phone)
    assert len(codes) == 2, "the codes did not go out through SNS"
    api.post("/api/sessions", {"phone": phone, "code": codes[0]})
    participant = api.post("/api/password-resets", {"phone": phone, "code": codes[1],
                                                    "new_password": "mat-khau-moi-1"}).body["token"]
    participant = api.put("/api/me/password", {"password": "mat-khau-moi-1", "new_password": "mat-khau-123"},
                          token=participant).body["token"]
    started = api.post("/api/rounds/dot-1/attempts", token=participant)
    attempt = started.body["attempt"]
    api.get(f"/api/attempts/{attempt['id']}", token=participant)
    answers = {q["id"]: q["options"][0]["id"] for q in attempt["questions"]}
    for _ in range(2):  # the second is refused: already submitted
        api.post(f"/api/attempts/{attempt['id']}/submission", {"answers": answers, "prediction": 3},
                 token=participant)

    for table, event_name, function in (("attempts", "MODIFY", "aggregate_attempts"),
                                        ("participants", "INSERT", "count_registrations")):
        event = stream_event(f"{STACK}-{table}", event_name)
        assert event["Records"], f"no {table} to stream"
        with recorder.recording():
            reply = client.lambda_.invoke(function, event)
        assert reply.payload == {"batchItemFailures": []}, reply.payload

    for path in ("/api/contest", "/api/units", "/api/stats", "/api/rounds/dot-1/leaderboard",
                 "/api/rounds/dot-1/units"):
        api.get(path)
    api.get("/api/admin/stats", token=token)
    api.post("/api/admin/rounds/dot-1/close", token=token)
    clock.advance(HOUR)
    schedule = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                               resources=[])
    with recorder.recording():
        client.lambda_.invoke("tick_rounds", schedule)
        client.lambda_.invoke("finalize_rounds", schedule)
    api.get("/api/admin/rounds/dot-1/results", token=token)
    api.call("DELETE", "/api/admin/units/so-noi-vu", token=token)     # in use: its participants' index read
    api.get("/api/admin/rounds/dot-1/prizes", token=token)
    api.post("/api/admin/rounds/dot-1/finalize", token=token)
    with recorder.recording():
        client.lambda_.invoke("finalize_rounds", schedule)
    api.post("/api/admin/rounds/dot-1/publish", token=token)
    api.get("/api/rounds/dot-1/prizes")
    api.get("/api/me/rounds/dot-1/standing", token=participant)
    api.get(f"/api/attempts/{attempt['id']}", token=participant)           # with its answer review now
    requests.add(("GET", "/api/me/rounds/dot-1/certificate"))               # a PDF: not through Api's decoding
    pdf = api.http.request("GET", "/api/me/rounds/dot-1/certificate", body=b"",
                           headers={"authorization": f"Bearer {participant}", "accept": "application/pdf"})
    assert pdf.status_code == 200, pdf.body
    api.call("DELETE", "/api/sessions/current", token=participant)
    api.put("/api/admin/rounds/dot-1/questions", {"questions": questions(6)}, token=token)
    drive_organizer_work(api, token, me, client, schedule, recorder)
    return requests


def drive_organizer_work(api, token, me, client, schedule, recorder) -> None:
    """Accounts, the audit log, the participant search and card, changes, and an export built and fetched."""
    api.get("/api/admin/me", token=token)
    api.post("/api/admin/accounts", {"username": "dp-1", "password": "mat-khau-dp-1", "role": "coordinator",
                                     "unit_id": "dong-hoi"}, token=token)
    api.get("/api/admin/accounts", token=token)
    api.put("/api/admin/accounts/dp-1", {"disabled": True}, token=token)
    for query in ("", "?q=nguyen", f"?q={me['phone']}", "?q=044190000001", "?unit_id=so-noi-vu",
                  "?status=disqualified"):
        api.get(f"/api/admin/participants{query}", token=token)
    path = f"/api/admin/participants/{me['id']}"
    api.get(path, token=token)
    api.put(path, {"full_name": "Nguyễn Văn Ân"}, token=token)
    api.post(path + "/disqualify", {"reason": "Thi hộ"}, token=token)
    api.get("/api/rounds/dot-1/leaderboard")
    api.post(path + "/reinstate", token=token)
    api.post(path + "/password", token=token)
    export = api.post("/api/admin/exports", {"kind": "registrations"}, token=token).body["export"]
    with recorder.recording():
        client.lambda_.invoke("build_exports", schedule)
    api.get(f"/api/admin/exports/{export['id']}", token=token)
    api.get("/api/admin/audit", token=token)


def test_policy_allows_every_call_the_application_makes(stack_aws, clock, monkeypatch):
    from chalice.test import Client

    from app import app

    recorder = Recorder(monkeypatch)
    with Client(app) as client:
        original = client.http.request

        def request(*args, **kw):
            with recorder.recording():
                return original(*args, **kw)

        client.http.request = request
        made = run_everything(client, clock, recorder)
        routes = [(method, path) for path, entries in app.routes.items() for method in entries]
        for method, path in routes:  # the pages and other parameterless reads nobody drove above
            if method == "GET" and "{" not in path and not any(m == method and p == path for m, p in made):
                request("GET", path, headers={}, body=b"")
                made.add((method, path))

    # every API route must be driven; the static pages are swept above where they take no parameter
    missed = [(m, p) for m, p in routes
              if p.startswith("/api/") and not any(m == mm and _route_pattern(p).match(pp) for mm, pp in made)]
    assert not missed, f"drive these routes in run_everything too: {missed}"
    statements = policy("prod")
    touched_tables = set()
    denied = []
    for service, operation, params in recorder.calls:
        for action, resource in needed(service, operation, params):
            if action.startswith("dynamodb:"):
                touched_tables.add(resource.split(":table/", 1)[1].split("/")[0])
            if not allowed(statements, action, resource):
                denied.append(f"{action} on {resource}")
    assert not denied, "the policy would refuse:\n" + "\n".join(sorted(set(denied)))
    assert {table_name(logical) for logical in store.tables()} <= touched_tables, "some tables were never exercised"
    assert any(s == "s3" and o == "PutObject" for s, o, _ in recorder.calls), "no result file was written"
    assert any(s == "s3" and o == "GetObject" for s, o, _ in recorder.calls), "no result link was signed"
