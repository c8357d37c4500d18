"""The streamed XLSX (chalicelib/contest/sheets.py) and the fast result rows (chalicelib/events/exports.py):
fragments written apart join into a workbook Excel's readers accept, CRCs combine as zlib's do, no sheet
exceeds its limit, and the fast rows are byte for byte the rows the plain writers make."""
import csv
import io
import zlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from chalicelib.contest import layout, sheets, zipstream
from chalicelib.contest.finals import Accepted
from chalicelib.contest.layout import Column, Layout
from chalicelib.contest.times import LocalClock, iso, sheet_number
from chalicelib.events import exports

texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)


@given(st.binary(max_size=300), st.binary(max_size=300))
def test_crcs_combine_like_zlibs(a, b):
    assert zipstream.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


@given(st.lists(st.integers(1, 40), min_size=1, max_size=30), st.integers(2, 60))
def test_no_sheet_exceeds_its_limit_and_the_order_stays(sizes, sheet_rows):
    sizes = [min(size, sheet_rows - 1) for size in sizes]
    pieces = [(None, sheets.Fragment(n, 0, 0, 0, size)) for n, size in enumerate(sizes)]
    laid = sheets.pack(pieces, sheet_rows)
    assert all(sum(p[1].rows for p in sheet) <= sheet_rows - 1 for sheet in laid)
    assert [p[1].offset for sheet in laid for p in sheet] == list(range(len(sizes)))


@settings(deadline=None)
@given(st.lists(st.lists(st.tuples(texts, st.integers(-5, 10**9), st.none()), max_size=9), min_size=1, max_size=4))
def test_fragments_written_apart_make_one_readable_workbook(parts):
    files, pieces = [], []
    for rows in parts:
        out = io.BytesIO()
        writer = sheets.FragmentWriter(out, 4)
        for row in rows:
            writer.add(sheets.row_xml(row))
        files.append(out)
        pieces += [((lambda o, s, f=out: [f.getvalue()[o:o + s]]), fragment) for fragment in writer.close()]
    book = io.BytesIO()
    sheets.write_workbook(book, "Lượt thi", ["Tên", "Số", "Trống"], sheets.pack(pieces, 9))
    read = load_workbook(io.BytesIO(book.getvalue()), read_only=True)
    got = [row for sheet in read.worksheets for row in list(sheet.iter_rows(values_only=True))[1:]]
    want = [(sheets._ILLEGAL.sub("", t) or None, n, None) for rows in parts for t, n, _ in rows]
    assert got == want


@given(st.lists(texts, max_size=40), st.integers(1, 7), st.lists(st.integers(0, 9), max_size=12))
def test_rows_added_in_batches_make_the_same_fragments(values, max_rows, cuts):
    rows = [sheets.row_xml([v]) for v in values]
    encoded = [row.encode() for row in rows]
    one, many = io.BytesIO(), io.BytesIO()
    single, batched = sheets.FragmentWriter(one, max_rows), sheets.FragmentWriter(many, max_rows)
    for row in rows:
        single.add(row)
    rest = encoded
    for cut in cuts:
        batched.extend(rest[:cut])
        rest = rest[cut:]
    batched.extend(rest)
    assert single.close() == batched.close() and one.getvalue() == many.getvalue()


@given(texts)
@example("Nguyễn Văn  An")
@example(" An")
@example("An ")
@example("=1")
@example("-1")
@example("a,b")
@example("a\u00a0b")
@example("²³")
@example("Nguye\u0302\u0303n")
@example("x\x01")
@example("")
@example("\u2028a")
@example("3f2a9c1e4b5d6a7f.12")
@example(".")
@example("=a.1")
@example("a. ")
def test_a_text_cell_is_the_same_fast_or_plain(value):
    assert exports.text_cells(value) == (exports.csv_field(value), sheets.cell(value))


@given(name=texts, unit=texts, phone=st.from_regex(r"0[0-9]{9}", fullmatch=True), attempt_id=texts,
       known=st.booleans(),
       flags=st.lists(st.sampled_from(["too_fast", "probe", "shared_device", "other"]), max_size=3, unique=True),
       zone=st.sampled_from(["Asia/Ho_Chi_Minh", "UTC", "America/New_York"]))
def test_the_fast_rows_are_the_plain_rows(name, unit, phone, attempt_id, known, flags, zone):
    a = Accepted(attempt_id, "p-9", "u.1", "citizen", 3, 20, 7, 61_234, 1_633_021_200_123, 1_633_021_100_000,
                 tuple(sorted(flags)))
    person = exports.Person(name, phone) if known else None          # a participant since deleted: no name
    people = {"p-9": person} if person else {}
    line, xml = exports.AttemptRows(people, {"u.1": unit}, zone).both(a)
    attempts = Layout(exports.ATTEMPTS, zone)
    plain = exports.attempt_row(a, person, unit)
    assert line.decode() == _plain_csv(attempts.csv_cells(plain)) and xml.decode() == attempts.xml_row(plain)
    csv_rest, xml_rest = exports.RankingRows(people, {"u.1": unit}, truth=5, zone=zone).rest(a)
    ranking = Layout(exports.RANKING, zone)
    ranked = exports.ranking_row(4, 2, a, person, unit, 5)
    assert (exports.RANKED_CSV % (4, 2, csv_rest)).decode() == _plain_csv(ranking.csv_cells(ranked))
    assert (exports.RANKED_XML % (4, 2, xml_rest)).decode() == ranking.xml_row(ranked)


def _plain_csv(cells: list) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(cells)
    return out.getvalue()


@given(st.integers(946_684_800_000, 4_102_444_799_999), st.sampled_from(["Asia/Ho_Chi_Minh", "UTC", "Europe/Paris"]))
def test_times_are_written_in_the_contests_zone(ms, zone):
    clock = LocalClock(zone)
    written, days = clock.texts(ms)
    assert written == clock.iso(ms)
    assert datetime.fromisoformat(written) == datetime.fromisoformat(iso(ms).replace("Z", "+00:00"))
    local = datetime.fromtimestamp(ms / 1000, ZoneInfo(zone))
    assert written[:23] == local.isoformat(timespec="milliseconds")[:23]
    wall = local.replace(tzinfo=None)                      # a spreadsheet's serial date, the wall clock's time
    assert timedelta(microseconds=-1) <= datetime(1899, 12, 30) + timedelta(days=float(days)) - wall \
        < timedelta(microseconds=10)
    assert from_excel(float(days)) == wall                 # as openpyxl reads it: the same time to the ms


@given(st.integers(0, 10**10))
def test_a_duration_cell_reads_back_to_the_millisecond(ms):
    written = sheet_number(ms)
    assert from_excel(float(written), timedelta=True) == timedelta(milliseconds=ms)
    assert 0 <= float(written) - ms / 86_400_000 < 1e-10
    assert float(sheet_number(-ms)) == -ms / 86_400_000     # negative: the float as it is


def test_a_csv_time_carries_the_zones_offset():
    assert LocalClock("Asia/Ho_Chi_Minh").iso(1_796_155_232_292) == "2026-12-02T03:00:32.292+07:00"


def _workbook(rows, sheet_rows=sheets.SHEET_ROWS):
    columns = [Column("Tên"), Column("Lúc", "time"), Column("Tỷ lệ", "rate"),
               Column("Thời gian (ms)", "duration", "Thời gian")]
    csv_out, xlsx_out = io.BytesIO(), io.BytesIO()
    count = layout.write_both(csv_out, xlsx_out, io.BytesIO(), "Lượt thi", Layout(columns, "Asia/Ho_Chi_Minh"),
                              rows, sheet_rows)
    assert count == len(rows)
    return csv_out.getvalue().decode("utf-8-sig"), load_workbook(io.BytesIO(xlsx_out.getvalue()))


def test_a_workbook_opens_as_an_office_expects():
    rows = [["Nguyễn Văn An, một cái tên rất dài", 1_796_155_232_292, 0.0417, 754_321], ["B", None, None, None]]
    text, book = _workbook(rows)
    assert text.splitlines()[1] == '"Nguyễn Văn An, một cái tên rất dài",2026-12-02T03:00:32.292+07:00,0.0417,754321'
    sheet = book["Lượt thi"]
    assert [c.value for c in sheet[1]] == ["Tên", "Lúc", "Tỷ lệ", "Thời gian"]
    assert all(c.font.bold for c in sheet[1]) and not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:D3"
    name, when, rate, duration = sheet[2]
    assert when.is_date and when.value == datetime(2026, 12, 2, 3, 0, 32, 292_000)
    assert "%" in rate.number_format and rate.value == 0.0417
    assert duration.number_format == "[m]:ss" and duration.value == timedelta(milliseconds=754_321)
    assert sheet.column_dimensions["A"].width == len(rows[0][0]) + 2          # the widest value
    assert sheet.column_dimensions["B"].width >= len("dd/mm/yyyy hh:mm:ss")
    assert [c.value for c in sheet[3]] == ["B", None, None, None]


def test_a_split_sheet_keeps_its_header_filter_and_pane():
    _, book = _workbook([[f"dòng {n}", None, None, None] for n in range(7)], sheet_rows=4)
    assert book.sheetnames == ["Lượt thi", "Lượt thi (2)", "Lượt thi (3)"]
    assert [s.auto_filter.ref for s in book.worksheets] == ["A1:D4", "A1:D4", "A1:D2"]
    assert all(s.freeze_panes == "A2" and s["A1"].font.bold for s in book.worksheets)


def test_widths_are_measured_on_a_bounded_sample():
    widths = Layout([Column("Tên")], "UTC").widths()
    for _ in range(layout.SAMPLE_ROWS):
        widths.see(["x" * 5])
    widths.see(["x" * 50])                                  # past the sample: not measured
    assert not widths.wanted and widths.characters() == [7]
