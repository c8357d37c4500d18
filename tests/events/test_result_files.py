"""`finalized` promises result files that can be read: the finalizer checks them back before the status change,
a finalized round whose files went missing is finalized again by the next schedule run, and the results
endpoint never hands out a link to a missing object."""
import csv
import io
from datetime import datetime, timedelta

import boto3
import pytest
from openpyxl import load_workbook

from app import finalize_rounds
from chalicelib import config
from chalicelib.events import lifecycle
from chalicelib.store import results as result_store
from chalicelib.store import rounds as round_store
from tests.support import scheduled_event

FILENAMES = sorted(f"{name}.{fmt}" for name, fmt in result_store.files())


def _status(round_id="dot-1"):
    return round_store.get_round(round_id, fresh=True).status


def _s3():
    return boto3.client("s3", region_name=config.current().region)


def _stored(round_id="dot-1") -> dict[str, bytes]:
    s3, bucket = _s3(), config.current().results_bucket
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"results/{round_id}/").get("Contents", [])
    return {o["Key"].rsplit("/", 1)[1]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed
            if "/places/" not in o["Key"]}         # the participants' final places (services/own_standing.py)


@pytest.fixture
def closed_round(api, contest):
    """dot-1 with two accepted attempts, closed and past the settle time."""
    contest.open_round()
    for name in ("Nguyễn Văn An", "Trần Thị Bình"):
        token, _ = contest.register(name=name)
        assert contest.submit(token, contest.start(token), right=3).status == 200
    assert api.post("/api/admin/rounds/dot-1/close", token=contest.admin).status == 202
    contest.clock.advance(lifecycle.SETTLE_MS + 60_000)
    return contest


class _Short(result_store.Upload):
    """The store answers, but the file never arrived whole."""

    def _finish(self) -> None:
        del self._buffer[10:]
        super()._finish()


def test_finalized_only_after_every_file_is_read_back(api, closed_round, monkeypatch):
    writer = result_store.writer

    def lose_one(round_id, filename):
        if filename == "attempts.csv":
            return _Short(result_store.key(round_id, filename), "text/csv")
        return writer(round_id, filename)

    monkeypatch.setattr(result_store, "writer", lose_one)
    with pytest.raises(lifecycle.FinalizationFailed):
        finalize_rounds(scheduled_event(), None)
    assert _status() == "closed"
    assert api.get("/api/admin/rounds/dot-1/results", token=closed_round.admin).body["status"] == "pending"

    monkeypatch.setattr(result_store, "writer", writer)
    assert finalize_rounds(scheduled_event(), None) == {"finalized": ["dot-1"]}
    assert _status() == "finalized" and sorted(_stored()) == FILENAMES


def test_a_finalized_round_whose_files_are_gone_is_finalized_again_by_the_next_run(api, closed_round):
    assert finalize_rounds(scheduled_event(), None) == {"finalized": ["dot-1"]}
    before = _stored()
    assert finalize_rounds(scheduled_event(), None) == {"finalized": []}       # all there: nothing to do
    _s3().delete_object(Bucket=config.current().results_bucket, Key="results/dot-1/ranking.xlsx")

    assert finalize_rounds(scheduled_event(), None) == {"finalized": ["dot-1"]}
    assert _status() == "finalized"
    after = _stored()
    assert sorted(after) == FILENAMES
    assert {n: b for n, b in after.items() if n.endswith(".csv")} == {
        n: b for n, b in before.items() if n.endswith(".csv")}              # the same results, written again


def test_the_results_endpoint_never_links_a_missing_file(api, closed_round):
    admin = closed_round.admin
    assert finalize_rounds(scheduled_event(), None) == {"finalized": ["dot-1"]}
    ready = api.get("/api/admin/rounds/dot-1/results", token=admin).body
    assert ready["status"] == "ready" and len(ready["files"]) == len(FILENAMES)

    _s3().delete_object(Bucket=config.current().results_bucket, Key="results/dot-1/units.csv")
    pending = api.get("/api/admin/rounds/dot-1/results", token=admin).body
    assert pending == {"status": "pending", "prediction_truth": None, "files": []}
    assert _status() == "closed"                                            # honest: to be finalized again
    contest_rounds = api.get("/api/contest").body["rounds"]
    assert next(r["status"] for r in contest_rounds if r["id"] == "dot-1") == "closed"

    assert finalize_rounds(scheduled_event(), None) == {"finalized": ["dot-1"]}
    again = api.get("/api/admin/rounds/dot-1/results", token=admin).body
    assert again["status"] == "ready" and sorted(_stored()) == FILENAMES


def _book(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_the_files_open_as_an_office_expects(api, closed_round):
    """Times in the contest's zone (ISO with its offset in CSV, date-times in XLSX), a bold frozen header with
    filters, widths, percentages, durations, Vietnamese sheet names and the parent unit."""
    assert finalize_rounds(scheduled_event(), None) == {"finalized": ["dot-1"]}
    files = _stored()
    titles = {name: _book(files[f"{name}.xlsx"]).sheetnames for name in ("ranking", "units", "attempts", "prizes")}
    assert titles == {"ranking": ["Xếp hạng"], "units": ["Đơn vị"], "attempts": ["Lượt thi"],
                      "prizes": ["Giải thưởng"]}
    for name in titles:
        sheet = _book(files[f"{name}.xlsx"]).active
        last = sheet[1][-1].column_letter
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
        assert all(c.font.bold for c in sheet[1])
        assert not any(c.font.bold for r in sheet.iter_rows(min_row=2) for c in r)
        assert all(sheet.column_dimensions[c.column_letter].width >= 6 for c in sheet[1])

    csv_rows = list(csv.reader(io.StringIO(files["attempts.csv"].decode("utf-8-sig"))))
    header, first = csv_rows[0], csv_rows[1]
    submitted_text = first[header.index("Thời điểm nộp bài")]
    assert submitted_text.endswith("+07:00")                     # Asia/Ho_Chi_Minh, the default zone
    sheet = _book(files["attempts.xlsx"]).active
    labels = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == first[0])
    submitted = row[labels.index("Thời điểm nộp bài")]
    local = datetime.fromisoformat(submitted_text).replace(tzinfo=None)
    assert submitted.is_date and submitted.value == local and "dd/mm/yyyy" in submitted.number_format
    duration = row[labels.index("Thời gian làm bài")]
    assert duration.value == timedelta(milliseconds=int(first[header.index("Thời gian làm bài (ms)")]))
    assert "Thời gian làm bài (ms)" in header                    # the CSV keeps the ms for machines

    units = _book(files["units.xlsx"]).active
    labels = [c.value for c in units[1]]
    rows = {r[1].value: r for r in units.iter_rows(min_row=2)}
    commune = rows["dong-hoi-hai-dinh"]
    assert (commune[labels.index("Mã đơn vị cấp trên")].value, commune[labels.index("Đơn vị cấp trên")].value) == (
        "dong-hoi", rows["dong-hoi"][labels.index("Tên đơn vị")].value)
    rate = commune[labels.index("Tỷ lệ người dân tham gia")]
    assert "%" in rate.number_format
    unit_csv = list(csv.reader(io.StringIO(files["units.csv"].decode("utf-8-sig"))))
    assert "Mã đơn vị cấp trên" in unit_csv[0] and "Đơn vị cấp trên" in unit_csv[0]


def test_the_files_follow_the_zone_the_organizers_set(api, closed_round):
    reply = api.put("/api/admin/contest", {"timezone": "Asia/Tokyo"}, token=closed_round.admin)
    assert reply.status == 200, reply.text
    assert finalize_rounds(scheduled_event(), None) == {"finalized": ["dot-1"]}
    files = _stored()
    header, *rows = list(csv.reader(io.StringIO(files["ranking.csv"].decode("utf-8-sig"))))
    texts = [row[header.index("Thời điểm nộp bài")] for row in rows]
    assert texts and all(t.endswith("+09:00") for t in texts)
    sheet = _book(files["ranking.xlsx"]).active
    cells = [row[header.index("Thời điểm nộp bài")].value for row in sheet.iter_rows(min_row=2)]
    assert cells == [datetime.fromisoformat(t).replace(tzinfo=None) for t in texts]     # Tokyo's wall clock
