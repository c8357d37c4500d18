"""The registrations export: asked for (202), built by the `build_exports` schedule, fetched by short-lived
links; a coordinator's export is of their subtree; a failing build is tried again, three times at most, and a
run that died is taken over once its lease has passed."""
import csv
import io
from datetime import datetime

import boto3
import pytest
from openpyxl import load_workbook

from app import build_exports
from chalicelib import config
from chalicelib.contest.export_jobs import LEASE_MS
from chalicelib.store import exports as export_store
from tests.api.test_organizer_accounts import token_of
from tests.support import assert_error, scheduled_event


@pytest.fixture
def bucket(aws):
    s3 = boto3.client("s3", region_name=aws.region)
    s3.create_bucket(Bucket=aws.results_bucket, CreateBucketConfiguration={"LocationConstraint": aws.region})
    return s3


@pytest.fixture
def people(contest):
    contest.register("Nguyễn Văn An", unit_id="so-noi-vu")
    contest.register("Trần Thị Bình", unit_id="dong-hoi-hai-dinh", category="citizen", birth_year=1990)
    contest.register("=HYPERLINK(\"x\") Lê", unit_id="dong-hoi")


def ask(api, token, **body):
    return api.post("/api/admin/exports", {"kind": "registrations", **body}, token=token)


def csv_rows(bucket, export_id) -> list[list[str]]:
    body = bucket.get_object(Bucket=config.current().results_bucket,
                             Key=export_store.key(export_id, "csv"))["Body"].read()
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_a_coordinator_exports_their_subtree(api, contest, people, bucket, clock):
    coordinator = token_of(api, contest.admin, "dp-dong-hoi", "coordinator", "dong-hoi")
    reply = ask(api, coordinator)
    assert reply.status == 202, reply.text
    export = reply.body["export"]
    assert export["status"] == "pending" and set(export) == {"id", "status"}
    status = api.get(f"/api/admin/exports/{export['id']}", token=coordinator)
    assert status.status == 200 and status.body["status"] == "pending" and status.body["files"] == []

    assert build_exports(scheduled_event(), None) == {"built": [export["id"]], "failed": []}
    assert build_exports(scheduled_event(), None) == {"built": [], "failed": []}     # built once
    status = api.get(f"/api/admin/exports/{export['id']}", token=coordinator).body
    assert (status["status"], status["rows"], status["unit_id"]) == ("ready", 2, "dong-hoi")
    assert [(f["name"], f["format"]) for f in status["files"]] == [("registrations", "csv"),
                                                                     ("registrations", "xlsx")]
    assert all("X-Amz-Signature" in f["url"] and "dang-ky-dong-hoi" in f["url"] for f in status["files"])
    header, *rows = csv_rows(bucket, export["id"])
    assert header[:3] == ["Mã thí sinh", "Họ và tên", "Số điện thoại"]
    assert sorted(row[1] for row in rows) == ["'=HYPERLINK(\"x\") Lê", "Trần Thị Bình"]   # no formula runs
    binh = next(row for row in rows if row[1] == "Trần Thị Bình")
    assert binh[4:7] == ["Phường Hải Đình", "Nhân dân", "1990"]
    assert binh[8] == "2021-10-01T07:00:00.000+07:00"          # the contest's time zone

    book = load_workbook(io.BytesIO(bucket.get_object(Bucket=config.current().results_bucket,
                                                      Key=export_store.key(export["id"], "xlsx"))["Body"].read()))
    sheet = book["Đăng ký"]
    assert [c.value for c in sheet[1]] == header and all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:L3"
    registered = next(row[8] for row in sheet.iter_rows(min_row=2) if row[1].value == "Trần Thị Bình")
    assert registered.is_date and registered.value == datetime(2021, 10, 1, 7, 0)


def test_export_scope_and_refusals(api, contest, people, bucket, tables):
    coordinator = token_of(api, contest.admin, "dp-hai-dinh", "coordinator", "dong-hoi-hai-dinh")
    viewer = token_of(api, contest.admin, "xem", "viewer")
    whole = ask(api, contest.admin).body["export"]["id"]
    district = ask(api, contest.admin, unit_id="dong-hoi").body["export"]["id"]
    with tables.unchanged():
        assert_error(ask(api, coordinator, unit_id="dong-hoi"), 403, "forbidden")
        assert_error(ask(api, coordinator, unit_id="so-noi-vu"), 403, "forbidden")
        assert_error(ask(api, viewer), 403, "forbidden")
        assert_error(api.get(f"/api/admin/exports/{whole}", token=coordinator), 403, "forbidden")
        assert_error(api.get(f"/api/admin/exports/{district}", token=coordinator), 403, "forbidden")
        assert_error(ask(api, contest.admin, unit_id="khong-co"), 400, "invalid", {"unit_id"})
        assert_error(api.post("/api/admin/exports", {"kind": "ket-qua"}, token=contest.admin), 400, "invalid",
                     {"kind"})
        assert_error(api.get("/api/admin/exports/khong-co", token=contest.admin), 404, "export_not_found")
    assert sorted(build_exports(scheduled_event(), None)["built"]) == sorted([whole, district])
    whole_status = api.get(f"/api/admin/exports/{whole}", token=contest.admin).body
    assert (whole_status["rows"], whole_status["unit_id"]) == (3, None)


def test_a_failing_build_is_tried_three_times(api, contest, people, bucket, aws_calls):
    export_id = ask(api, contest.admin).body["export"]["id"]
    aws_calls.fail("PutObject", "ServiceUnavailable", times=None, service="s3")
    for _ in range(3):
        assert build_exports(scheduled_event(), None) == {"built": [], "failed": [export_id]}
    assert build_exports(scheduled_event(), None) == {"built": [], "failed": []}
    status = api.get(f"/api/admin/exports/{export_id}", token=contest.admin).body
    assert status["status"] == "failed" and status["files"] == []
    assert export_store.waiting() == []


def test_a_build_left_by_a_dead_run_is_taken_over_after_its_lease(api, contest, people, bucket, clock):
    export_id = ask(api, contest.admin).body["export"]["id"]
    (job,) = export_store.waiting()
    assert export_store.claim(job, clock.now, clock.now + LEASE_MS)     # a run that then died
    assert build_exports(scheduled_event(), None) == {"built": [], "failed": []}
    clock.advance(LEASE_MS + 1)
    assert build_exports(scheduled_event(), None) == {"built": [export_id], "failed": []}


def test_a_ready_export_whose_files_expired_says_so(api, contest, people, bucket):
    export_id = ask(api, contest.admin).body["export"]["id"]
    build_exports(scheduled_event(), None)
    bucket.delete_object(Bucket=config.current().results_bucket, Key=export_store.key(export_id, "xlsx"))
    status = api.get(f"/api/admin/exports/{export_id}", token=contest.admin).body
    assert status["status"] == "expired" and status["files"] == []
