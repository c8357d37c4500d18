"""The participants' indexes on DynamoDB Local at scale: a district of 5,000 people (4 communes below it) paged
through, people found by phone, CCCD or the start of a name without a Scan (the calls are counted), and the
district's registrations export built by the schedule, downloaded by its links from the S3 emulator and parsed
back from CSV and XLSX."""
from __future__ import annotations

import csv
import io
import itertools
import os
import time
import tracemalloc
import urllib.request
import uuid
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook

from chalicelib.store import participants as participant_store
from tests.localstack import bind_local_store
from tests.seed import person
from tests.support import Api, Clock, Contest, UrlHttp, organizer_contest

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Đức", "Thanh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đào", "Giang", "Hà", "Hạnh", "Khánh", "Lan", "Mai", "Nam", "Oanh", "Phúc",
         "Quỳnh", "Sơn", "Tâm", "Uyên", "Vinh", "Xuân", "Yến"]
COMMUNES = [{"id": f"dong-hoi-xa-{n}", "name": f"Xã Đồng Hới {n}", "parent_id": "dong-hoi", "kind": "commune"}
            for n in range(1, 4)]
DISTRICT_UNITS = ["dong-hoi", "dong-hoi-hai-dinh", *(c["id"] for c in COMMUNES)]
PEOPLE = 5000


@dataclass
class District:
    api: Api
    contest: Contest
    seeded: list
    registered: list

    @property
    def admin(self) -> str:
        return self.contest.admin


@pytest.fixture(scope="module")
def district(dynamodb_local, s3_server):
    """One stack for the module (seeding 5,000 people once): tables under a prefix of its own on DynamoDB
    Local, a bucket on the S3 emulator, the app over HTTP; 5,000 participants spread over dong-hoi and its 4
    communes (seeded to the store: registering them one by one through the API would take minutes), plus 3
    registered through the API with their phone and CCCD claims."""
    from app import app
    from chalicelib import config, store
    from local.api import ApiServer
    from local.s3 import client, ensure_bucket

    with pytest.MonkeyPatch.context() as env, ApiServer(app, 0) as server:
        bucket = f"roster-{uuid.uuid4().hex[:12]}"
        env.setenv("S3_ENDPOINT", s3_server)
        env.setenv("RESULTS_BUCKET", bucket)
        env.setenv("DYNAMODB_ENDPOINT", dynamodb_local)
        env.setenv("TABLE_PREFIX", f"roster{os.getpid()}x{uuid.uuid4().hex[:6]}-")
        bind_local_store(dynamodb_local, os.environ["TABLE_PREFIX"])
        ensure_bucket(client(s3_server), bucket)
        api = Api(UrlHttp(server.url))
        contest = organizer_contest(api, Clock(int(time.time() * 1000)))
        assert api.put("/api/admin/units", {"units": COMMUNES}, token=contest.admin).status == 200
        names = itertools.cycle(itertools.product(FAMILY, MIDDLE, GIVEN))
        seeded = [person(f"p{n:05d}", DISTRICT_UNITS[n % len(DISTRICT_UNITS)], "official" if n % 3 else "citizen",
                         full_name=" ".join(next(names)), phone=f"09{n:08d}") for n in range(PEOPLE)]
        participant_store.save_all(seeded)
        registered = [
            contest.register("Lý Thị Thu Trang", unit_id="dong-hoi-hai-dinh", id_number="044190012345")[1],
            contest.register("Trịnh Công Sơn", unit_id="dong-hoi-xa-2")[1],
            contest.register("Nguyễn Văn Ngoài", unit_id="so-noi-vu")[1]]
        yield District(api, contest, seeded, registered)
    config.current.cache_clear()
    store.reset()


def get(api, token, query: str):
    reply = api.get("/api/admin/participants" + query, token=token)
    assert reply.status == 200, reply.text
    return reply.body


def test_find_by_phone_cccd_and_name_without_a_scan(district, aws_calls):
    api, contest = district.api, district.contest
    trang, son, _ = district.registered
    for query, expected, queries in ((f"?q=%2B84{trang['phone'][1:]}", ["Lý Thị Thu Trang"], 0),
                                     ("?q=044190012345", ["Lý Thị Thu Trang"], 0),
                                     ("?q=trinh%20cong", ["Trịnh Công Sơn"], 1),
                                     ("?q=nguyen%20van%20an&limit=200", None, 1)):
        aws_calls.clear()
        body = get(api, contest.admin, query)
        found = [p["full_name"] for p in body["participants"]]
        if expected is not None:
            assert found == expected, query
        else:   # every seeded "Nguyễn Văn An", and none of the other names; the same names by id
            wanted = sorted(p.id for p in district.seeded if p.full_name == "Nguyễn Văn An")
            assert [p["id"] for p in body["participants"]] == wanted and len(wanted) >= 2
        assert aws_calls.count("Scan", table="participants") == 0, query
        assert aws_calls.count("Query", table="participants") == queries, query
    aws_calls.clear()
    assert [p["full_name"] for p in get(api, contest.admin, f"?q={son['phone']}")["participants"]] == [
        "Trịnh Công Sơn"]
    assert aws_calls.count("GetItem", table="guards") == 1 and aws_calls.count("GetItem", table="participants") == 1


def test_paging_through_a_district_of_5000(district, aws_calls):
    api, contest = district.api, district.contest
    expected = {p.id for p in district.seeded} | {p["id"] for p in district.registered[:2]}
    seen: list[str] = []
    cursor, pages = None, 0
    aws_calls.clear()
    while True:
        body = get(api, contest.admin, "?unit_id=dong-hoi&limit=200" + (f"&cursor={cursor}" if cursor else ""))
        assert len(body["participants"]) <= 200
        assert {p["unit_id"] for p in body["participants"]} <= set(DISTRICT_UNITS)
        seen += [p["id"] for p in body["participants"]]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == len(expected) and set(seen) == expected
    assert pages <= len(expected) // 200 + len(DISTRICT_UNITS)
    assert aws_calls.count("Scan", table="participants") == 0
    assert aws_calls.count("Query", table="participants") <= pages + len(DISTRICT_UNITS)


def test_the_registrations_export_of_5000_parsed_back(district):
    api, contest = district.api, district.contest
    from app import build_exports
    from tests.support import scheduled_event

    reply = api.post("/api/admin/accounts", {"username": "dp-dong-hoi", "password": "mat-khau-dp-1",
                                             "role": "coordinator", "unit_id": "dong-hoi"}, token=contest.admin)
    assert reply.status == 201
    coordinator = api.post("/api/admin/sessions", {"username": "dp-dong-hoi",
                                                   "password": "mat-khau-dp-1"}).body["token"]
    export = api.post("/api/admin/exports", {"kind": "registrations"}, token=coordinator).body["export"]
    started = time.monotonic()
    tracemalloc.start()
    try:
        assert build_exports(scheduled_event(), None) == {"built": [export["id"]], "failed": []}
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    seconds = time.monotonic() - started
    status = api.get(f"/api/admin/exports/{export['id']}", token=coordinator).body
    assert status["status"] == "ready" and status["rows"] == PEOPLE + 2
    files = {f["format"]: urllib.request.urlopen(f["url"], timeout=30).read() for f in status["files"]}

    assert files["csv"].startswith(b"\xef\xbb\xbf")
    header, *csv_rows = list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig"))))
    workbook = load_workbook(io.BytesIO(files["xlsx"]), read_only=True)
    xlsx_header, *xlsx_rows = [[("" if v is None else str(v)) for v in row]
                               for row in workbook.worksheets[0].iter_rows(values_only=True)]
    assert header == xlsx_header and header[:3] == ["Mã thí sinh", "Họ và tên", "Số điện thoại"]
    assert len(csv_rows) == len(xlsx_rows) == PEOPLE + 2
    expected = {p.id: p for p in district.seeded}
    by_id = {row[0]: row for row in csv_rows}
    assert set(by_id) == set(expected) | {p["id"] for p in district.registered[:2]}
    for row in csv_rows[:50] + xlsx_rows[-50:]:
        if row[0] in expected:
            assert (row[1], row[2], row[3]) == (expected[row[0]].full_name, expected[row[0]].phone,
                                                 expected[row[0]].unit_id)
    assert [row[0] for row in xlsx_rows] == [row[0] for row in csv_rows]     # the same rows, in the same order
    assert peak < 40 * 2**20, f"building the export of {PEOPLE} rows peaked at {peak / 2**20:.1f} MiB"
    print(f"\nexport of {PEOPLE + 2} rows in {seconds:.1f} s (traced): peak memory {peak / 2**20:.1f} MiB, "
          f"CSV {len(files['csv']) / 2**20:.2f} MiB, XLSX {len(files['xlsx']) / 2**20:.2f} MiB")
