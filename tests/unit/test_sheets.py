"""The streamed XLSX (chalicelib/contest/sheets.py) and the fast result rows (chalicelib/events/exports.py):
fragments written apart join into a workbook Excel's readers accept, CRCs combine as zlib's do, no sheet
exceeds its limit, and the fast rows are byte for byte the rows the plain writers make."""
import csv
import io
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from chalicelib.contest import sheets, tables
from chalicelib.contest.finals import Accepted
from chalicelib.events import exports

texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)


@given(st.binary(max_size=300), st.binary(max_size=300))
def test_crcs_combine_like_zlibs(a, b):
    assert sheets.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


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


def _plain_csv(row: list) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(tables.csv_cells(row))
    return out.getvalue()


@given(name=texts, unit=texts, phone=st.from_regex(r"0[0-9]{9}", fullmatch=True),
       flags=st.lists(st.sampled_from(["too_fast", "probe", "shared_device", "other"]), max_size=3, unique=True))
def test_the_fast_rows_are_the_plain_rows(name, unit, phone, flags):
    a = Accepted("a1f3", "p-9", "u.1", "citizen", 3, 20, 7, 61_234, 1_633_021_200_123, 1_633_021_100_000,
                 tuple(sorted(flags)))
    person = exports.Person(name, phone)
    time_text = exports.TimeText()
    line, xml = exports.AttemptRows({"p-9": person}, {"u.1": unit}).both(a)
    plain = exports.attempt_row(a, person, unit, time_text)
    assert line == _plain_csv(plain) and xml == sheets.row_xml(plain)
    csv_rest, xml_rest = exports.RankingRows({"p-9": person}, {"u.1": unit}, truth=5).rest(a)
    ranked = exports.ranking_row(4, 2, a, person, unit, 5, time_text)
    assert exports.ranked_csv(4, 2, csv_rest) == _plain_csv(ranked)
    assert exports.ranked_xml(4, 2, xml_rest) == sheets.row_xml(ranked)


def test_times_read_as_the_api_writes_them():
    from chalicelib.contest.times import iso

    for ms in (0, 1_633_021_200_123, 1_633_021_259_999, 4_102_444_799_999):
        assert exports.TimeText()(ms) == iso(ms)
