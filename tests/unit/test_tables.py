"""Reading imports from CSV/XLSX and writing result files."""
from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.contest import tables
from chalicelib.contest.tables import XLSX_MIME, TableFormatError, read_rows, write_csv, write_xlsx

BOM = b"\xef\xbb\xbf"
UNITS_CSV = "id,name,headcount\nqb,Quảng Bình,120\nbd,Bố Trạch,\n"


def csv_rows(text: str, encoding: str = "utf-8", content_type: str = "text/csv"):
    return read_rows(text.encode(encoding), content_type)


# --- CSV reading ------------------------------------------------------------------------------------------

def test_csv_without_bom_gives_numbered_records():
    assert csv_rows(UNITS_CSV) == [
        (2, {"id": "qb", "name": "Quảng Bình", "headcount": "120"}),
        (3, {"id": "bd", "name": "Bố Trạch", "headcount": ""}),
    ]


def test_csv_with_bom_reads_the_same_and_keeps_the_first_header_name_clean():
    assert read_rows(BOM + UNITS_CSV.encode(), "text/csv") == csv_rows(UNITS_CSV)


@pytest.mark.parametrize("content_type", ["text/csv; charset=utf-8", "TEXT/CSV;charset=UTF-8", " text/csv "])
def test_csv_content_type_may_carry_parameters(content_type):
    assert csv_rows(UNITS_CSV, content_type=content_type) == csv_rows(UNITS_CSV)


def test_header_names_are_stripped_and_lower_cased_and_cells_stripped():
    assert csv_rows(" ID , Name \n  a1 ,  Sở Tư pháp  \n") == [(2, {"id": "a1", "name": "Sở Tư pháp"})]


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_file():
    text = "\n , \nid,name\n\n,\na,Ba Đồn\n  \nb,Lệ Thủy\n"
    assert csv_rows(text) == [(6, {"id": "a", "name": "Ba Đồn"}), (8, {"id": "b", "name": "Lệ Thủy"})]


def test_short_rows_are_padded_and_cells_past_the_header_dropped():
    assert csv_rows("id,name,kind\na\nb,B,district,extra\n") == [
        (2, {"id": "a", "name": "", "kind": ""}),
        (3, {"id": "b", "name": "B", "kind": "district"}),
    ]


def test_quoted_cells_keep_commas_quotes_and_line_breaks():
    text = 'text,answer\n"Câu hỏi, có ""ngoặc""\nhai dòng",A\n'
    assert csv_rows(text) == [(2, {"text": 'Câu hỏi, có "ngoặc"\nhai dòng', "answer": "A"})]


def test_semicolon_csv_from_vietnamese_excel_is_read():
    assert csv_rows("id;name\nqb;Quảng Bình, tỉnh\n") == [(2, {"id": "qb", "name": "Quảng Bình, tỉnh"})]


def test_empty_file_has_no_rows():
    assert csv_rows("") == []
    assert read_rows(BOM, "text/csv") == []


def test_non_utf8_csv_is_refused_with_a_vietnamese_message():
    legacy = "id,name\nqt,Đông Hà\n".encode("cp1258")  # "Save as CSV" on Vietnamese Windows
    with pytest.raises(TableFormatError, match="UTF-8") as caught:
        read_rows(legacy, "text/csv")
    assert "Hãy lưu lại tệp" in str(caught.value)


def test_repeated_header_names_are_refused():
    with pytest.raises(TableFormatError, match="bị lặp: id"):
        csv_rows("id,name,ID\na,b,c\n")


def test_unsupported_content_type_is_refused():
    with pytest.raises(TableFormatError, match="không được hỗ trợ"):
        read_rows(UNITS_CSV.encode(), "application/json")


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 3)
    assert len(csv_rows("id\n1\n2\n")) == 2
    with pytest.raises(TableFormatError, match="quá nhiều dòng"):
        csv_rows("id\n1\n2\n3\n")


# --- CSV writing ------------------------------------------------------------------------------------------

def test_write_csv_is_excel_friendly_utf8_with_bom_and_crlf():
    body = write_csv(["Họ tên", "điểm"], [["Nguyễn Văn Á", 20], ["Trần, B", None]])
    assert body.startswith(BOM)
    assert body[len(BOM):].decode("utf-8") == 'Họ tên,điểm\r\nNguyễn Văn Á,20\r\n"Trần, B",\r\n'


def test_write_csv_defuses_text_a_spreadsheet_would_run_as_a_formula():
    body = write_csv(["name", "n"], [["=HYPERLINK(\"http://x\")", -5], ["@SUM(A1)", 0], ["Lê A", 1]])
    records = read_rows(body, "text/csv")
    assert [values["name"] for _, values in records] == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "Lê A"]
    assert records[0][1]["n"] == "-5"  # numbers are data, never prefixed


plain_text = st.text(
    alphabet=st.sampled_from("aăâbcdđeêghiklmnoôơpqrstuưvxyÀÁẢÃẠàáảãạỲỳỸỹ ĐđƯư,\"';\n0123456789"),
    max_size=12,
).map(str.strip).filter(lambda text: not text.startswith(("-", "+", "=", "@")))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(plain_text, min_size=3, max_size=3).filter(any), max_size=5))
def test_csv_round_trip_keeps_vietnamese_text(rows):
    header = ["mã", "tên", "ghi chú"]
    records = read_rows(write_csv(header, rows), "text/csv")
    assert [list(values.values()) for _, values in records] == rows
    assert [number for number, _ in records] == list(range(2, len(rows) + 2))


# --- XLSX -------------------------------------------------------------------------------------------------

def test_xlsx_written_by_write_xlsx_reads_back():
    body = write_xlsx(
        "Xếp hạng",
        ["Hạng", "Họ tên", "Điểm", "Tỉ lệ", "Ghi chú"],
        [[1, "Nguyễn Thị Ánh", 20, 0.5, None], [2, "Phạm Văn Đức", 19.0, 1.25, "đạt"]],
    )
    assert read_rows(body, XLSX_MIME) == [
        (2, {"hạng": "1", "họ tên": "Nguyễn Thị Ánh", "điểm": "20", "tỉ lệ": "0.5", "ghi chú": ""}),
        (3, {"hạng": "2", "họ tên": "Phạm Văn Đức", "điểm": "19", "tỉ lệ": "1.25", "ghi chú": "đạt"}),
    ]


def test_xlsx_text_that_looks_like_a_formula_stays_text():
    body = write_xlsx("Kết quả", ["name"], [["=1+1"]])
    cell = openpyxl.load_workbook(io.BytesIO(body))["Kết quả"]["A2"]
    assert (cell.data_type, cell.value) == ("s", "=1+1")
    assert read_rows(body, XLSX_MIME) == [(2, {"name": "=1+1"})]


def test_xlsx_sheet_title_is_made_valid():
    body = write_xlsx("Đợt 1/2: [kết quả] rất dài quá mức cho phép", ["a"], [])
    title = openpyxl.load_workbook(io.BytesIO(body)).sheetnames[0]
    assert title == "Đợt 1_2_ _kết quả_ rất dài quá"


def test_xlsx_drops_characters_excel_cannot_store():
    body = write_xlsx("s", ["name"], [["Lê\x00 Văn\x07 B"]])
    assert read_rows(body, XLSX_MIME) == [(2, {"name": "Lê Văn B"})]


def test_xlsx_from_excel_reads_first_sheet_with_blank_rows_and_row_numbers():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A3"], sheet["B3"], sheet["C3"] = " Text ", "Option_A", "answer"
    sheet["A4"], sheet["B4"], sheet["C4"] = "Câu 1", 12.0, "b"
    sheet["A6"], sheet["B6"] = "Câu 2", True
    workbook.create_sheet("Khác")["A1"] = "ignored"
    out = io.BytesIO()
    workbook.save(out)
    assert read_rows(out.getvalue(), XLSX_MIME) == [
        (4, {"text": "Câu 1", "option_a": "12", "answer": "b"}),
        (6, {"text": "Câu 2", "option_a": "TRUE", "answer": ""}),
    ]


@pytest.mark.parametrize(
    "body",
    [b"", b"not a spreadsheet at all", UNITS_CSV.encode()],
    ids=["empty", "garbage", "csv-sent-as-xlsx"],
)
def test_unreadable_xlsx_is_refused(body):
    with pytest.raises(TableFormatError, match="Không đọc được tệp Excel"):
        read_rows(body, XLSX_MIME)


def test_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    with pytest.raises(TableFormatError):
        read_rows(out.getvalue(), XLSX_MIME)


def rewrite_sheet(body: bytes, replacements: dict[str, str]) -> bytes:
    """The workbook with its first sheet's XML edited, to mimic files other programs write."""
    source, out = zipfile.ZipFile(io.BytesIO(body)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for old, new in replacements.items():
                    assert old in text
                    text = text.replace(old, new)
                data = text.encode()
            target.writestr(name, data)
    return out.getvalue()


def test_xlsx_with_a_wrong_stored_size_and_float_numbers_is_read_whole():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["mã", "biên chế", "dân số"])
    sheet.append(["qb", 1.5, 2.5])
    sheet.append(["bt", "Bố Trạch", None])
    out = io.BytesIO()
    workbook.save(out)
    body = rewrite_sheet(out.getvalue(), {
        '<dimension ref="A1:C3" />': '<dimension ref="A1:A1" />',
        "<v>1.5</v>": "<v>12.0</v>",
        "<v>2.5</v>": "<v>1E+16</v>",
    })
    assert read_rows(body, XLSX_MIME) == [
        (2, {"mã": "qb", "biên chế": "12", "dân số": "10000000000000000"}),
        (3, {"mã": "bt", "biên chế": "Bố Trạch", "dân số": ""}),
    ]
