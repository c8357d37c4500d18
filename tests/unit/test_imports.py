"""Validation of unit and question imports (JSON and table rows)."""
from __future__ import annotations

import unicodedata

import pytest

from chalicelib.contest.imports import (
    QuestionDraft,
    questions_from_json,
    questions_from_rows,
    units_from_json,
    units_from_rows,
)
from chalicelib.contest.tables import read_rows
from chalicelib.contest.units import Unit


def csv(text: str):
    return read_rows(text.encode("utf-8"), "text/csv")


def fields_by_row(errors: list[dict]) -> set[tuple[int, str]]:
    return {(error["row"], error["field"]) for error in errors}


def only_error(errors: list[dict]) -> dict:
    assert len(errors) == 1, errors
    return errors[0]


def is_vietnamese(message: str) -> bool:
    """Has a letter with a Vietnamese diacritic (or đ), i.e. was not left in English or stripped to ASCII."""
    return any(unicodedata.decomposition(char) or char in "đĐ" for char in message)


# --- units as JSON ----------------------------------------------------------------------------------------

def unit(**fields) -> dict:
    return {"id": "qb", "name": "Tỉnh Quảng Bình"} | fields


def test_minimal_unit_gets_defaults():
    units, errors = units_from_json([unit()])
    assert (units, errors) == ([Unit("qb", "Tỉnh Quảng Bình", None, "other", None, None)], [])


def test_full_units_with_a_parent_in_the_same_import():
    units, errors = units_from_json([
        unit(id="dh", name=" Thành phố Đồng Hới ", kind="district", headcount=1200, population=160_000),
        unit(id="dh.hai-dinh_1", name="Phường Hải Đình", parent_id="dh", kind="commune", headcount=0),
    ])
    assert errors == []
    assert units == [
        Unit("dh", "Thành phố Đồng Hới", None, "district", 1200, 160_000),
        Unit("dh.hai-dinh_1", "Phường Hải Đình", "dh", "commune", 0, None),
    ]


def test_parent_outside_the_import_is_left_to_the_caller():
    units, errors = units_from_json([unit(parent_id="not-in-this-file")])
    assert errors == [] and units[0].parent_id == "not-in-this-file"


def test_decomposed_vietnamese_is_stored_composed():
    decomposed = unicodedata.normalize("NFD", "Sở Nội vụ")
    units, _ = units_from_json([unit(name=decomposed)])
    assert units[0].name == "Sở Nội vụ"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"id": None}, "id", "Thiếu mã đơn vị"),
        ({"id": "  "}, "id", "Thiếu mã đơn vị"),
        ({"id": "sở-nội-vụ"}, "id", "Mã đơn vị chỉ được gồm"),
        ({"id": "a b"}, "id", "Mã đơn vị chỉ được gồm"),
        ({"id": "x" * 65}, "id", "Mã đơn vị dài quá 64"),
        ({"id": 12}, "id", "Mã đơn vị phải là chuỗi ký tự"),
        ({"name": ""}, "name", "Thiếu tên đơn vị"),
        ({"name": "x" * 201}, "name", "Tên đơn vị dài quá 200"),
        ({"name": ["Sở"]}, "name", "Tên đơn vị phải là chuỗi ký tự"),
        ({"parent_id": "a/b"}, "parent_id", "Mã đơn vị cha chỉ được gồm"),
        ({"parent_id": "qb"}, "parent_id", "Đơn vị cha không thể là chính đơn vị này"),
        ({"kind": "province"}, "kind", "Loại đơn vị phải là một trong: agency, district, commune, other"),
        ({"kind": 1}, "kind", "Loại đơn vị phải là một trong"),
        ({"headcount": -1}, "headcount", "Số cán bộ, công chức phải là số nguyên không âm"),
        ({"headcount": True}, "headcount", "phải là số nguyên không âm"),
        ({"headcount": 12.0}, "headcount", "phải là số nguyên không âm"),
        ({"headcount": "12"}, "headcount", "phải là số nguyên không âm"),
        ({"population": False}, "population", "Dân số phải là số nguyên không âm"),
        ({"population": 10**12}, "population", "Dân số quá lớn"),
        ({"province": "Quảng Bình"}, "province", "Trường “province” không được hỗ trợ"),
    ],
)
def test_each_unit_rule_is_checked(fields, field, message):
    units, errors = units_from_json([unit(**fields)])
    error = only_error(errors)
    assert units == []
    assert (error["row"], error["field"]) == (1, field)
    assert error["message"].startswith(message) or message in error["message"]


def test_kind_is_case_insensitive_and_blank_means_other():
    units, errors = units_from_json([unit(id="a", kind="District"), unit(id="b", kind="")])
    assert errors == [] and [u.kind for u in units] == ["district", "other"]


def test_duplicate_unit_id_is_reported_on_the_later_row_and_the_first_kept():
    units, errors = units_from_json([unit(), unit(id="x"), unit(name="Bản sao")])
    assert [u.id for u in units] == ["qb", "x"]
    error = only_error(errors)
    assert (error["row"], error["field"]) == (3, "id")
    assert "“qb” bị trùng" in error["message"]


@pytest.mark.parametrize("items", [{"units": []}, "qb", None, 3])
def test_units_must_be_a_list(items):
    assert units_from_json(items) == (
        [], [{"row": 0, "field": "units", "message": "Danh sách đơn vị phải là một mảng JSON"}]
    )


def test_an_item_that_is_not_an_object_is_reported_and_the_rest_checked():
    units, errors = units_from_json(["qb", unit()])
    assert [u.id for u in units] == ["qb"]
    assert fields_by_row(errors) == {(1, "units")}


def test_empty_unit_list_is_valid():
    assert units_from_json([]) == ([], [])


# --- units as rows ----------------------------------------------------------------------------------------

def test_unit_rows_read_blank_cells_as_absent_and_digits_as_numbers():
    rows = csv(
        "id,name,parent_id,kind,headcount,population\n"
        "qb,Tỉnh Quảng Bình,,,350,\n"
        "bt,Huyện Bố Trạch,qb,district,120,185000\n"
    )
    assert units_from_rows(rows) == (
        [
            Unit("qb", "Tỉnh Quảng Bình", None, "other", 350, None),
            Unit("bt", "Huyện Bố Trạch", "qb", "district", 120, 185_000),
        ],
        [],
    )


def test_unit_rows_need_only_id_and_name_columns():
    assert units_from_rows(csv("name,id\nSở Y tế,syt\n")) == ([Unit("syt", "Sở Y tế", None, "other", None, None)], [])


@pytest.mark.parametrize("cell", ["-3", "1.5", "12a", "1.200", "١٢"])
def test_unit_row_numbers_must_be_digits(cell):
    units, errors = units_from_rows(csv(f"id,name,headcount\nqb,Quảng Bình,{cell}\n"))
    assert units == []
    assert only_error(errors) == {
        "row": 2, "field": "headcount", "message": "Số cán bộ, công chức phải là số nguyên không âm"
    }


def test_unit_rows_with_a_missing_column_get_one_error_for_the_file():
    units, errors = units_from_rows(csv("id,ten\na,Sở A\nb,Sở B\n"))
    assert units == []
    assert {"row": 0, "field": "name", "message": "Thiếu cột “name”"} in errors
    assert all(error["row"] == 0 for error in errors)


def test_unknown_unit_column_is_reported_once_and_rows_still_checked():
    units, errors = units_from_rows(csv("id,name,parrent_id\na,Sở A,x\nb,,y\n"))
    assert [u.id for u in units] == ["a"]
    assert errors == [
        {"row": 0, "field": "parrent_id", "message": "Cột “parrent_id” không được hỗ trợ"},
        {"row": 3, "field": "name", "message": "Thiếu tên đơn vị"},
    ]


def test_duplicate_unit_rows_name_the_file_row():
    _, errors = units_from_rows(csv("id,name\n\na,Sở A\nb,Sở B\na,Sở A lần hai\n"))
    assert fields_by_row(errors) == {(5, "id")}


# --- questions as JSON ------------------------------------------------------------------------------------

def question(**fields) -> dict:
    return {"text": "Cải cách hành chính gồm mấy nội dung?", "options": ["4", "5", "6"], "answer": 2} | fields


def test_valid_questions_with_and_without_id():
    drafts, errors = questions_from_json([
        question(),
        question(id="q-2", text="  Câu hai?  ", options=[" Đúng ", "Sai"], answer=0),
    ])
    assert errors == []
    assert drafts == [
        QuestionDraft(None, "Cải cách hành chính gồm mấy nội dung?", ("4", "5", "6"), 2),
        QuestionDraft("q-2", "Câu hai?", ("Đúng", "Sai"), 0),
    ]


def test_six_options_are_allowed():
    drafts, errors = questions_from_json([question(options=list("abcdef"), answer=5)])
    assert errors == [] and drafts[0].answer == 5


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"text": None}, "text", "Thiếu nội dung câu hỏi"),
        ({"text": " \n "}, "text", "Thiếu nội dung câu hỏi"),
        ({"text": "x" * 2001}, "text", "Nội dung câu hỏi dài quá 2000 ký tự"),
        ({"text": 5}, "text", "Nội dung câu hỏi phải là chuỗi ký tự"),
        ({"options": None}, "options", "Thiếu các phương án trả lời"),
        ({"options": "A;B"}, "options", "Các phương án trả lời phải là một danh sách"),
        ({"options": ["Có"], "answer": 0}, "options", "Câu hỏi phải có từ 2 đến 6 phương án"),
        ({"options": list("abcdefg")}, "options", "Câu hỏi phải có từ 2 đến 6 phương án"),
        ({"options": ["Có", " "], "answer": 0}, "options", "Thiếu phương án B"),
        ({"options": ["Có", 2], "answer": 0}, "options", "Phương án B phải là chuỗi ký tự"),
        ({"options": ["Có", "x" * 501], "answer": 0}, "options", "Phương án B dài quá 500 ký tự"),
        ({"options": ["Hà  Nội", "Huế", "hà nội"]}, "options", "Phương án C trùng với phương án A"),
        ({"answer": None}, "answer", "Thiếu đáp án"),
        ({"answer": 3}, "answer", "Đáp án không hợp lệ: câu hỏi chỉ có 3 phương án"),
        ({"answer": -1}, "answer", "Đáp án không hợp lệ: phải là số thứ tự"),
        ({"answer": True}, "answer", "Đáp án không hợp lệ"),
        ({"answer": "C"}, "answer", "Đáp án không hợp lệ"),
        ({"answer": 1.0}, "answer", "Đáp án không hợp lệ"),
        ({"id": "câu 1"}, "id", "Mã câu hỏi chỉ được gồm"),
        ({"correct": 1}, "correct", "Trường “correct” không được hỗ trợ"),
    ],
)
def test_each_question_rule_is_checked(fields, field, message):
    drafts, errors = questions_from_json([question(**fields)])
    error = only_error(errors)
    assert drafts == []
    assert (error["row"], error["field"]) == (1, field)
    assert error["message"].startswith(message)


def test_duplicate_question_id_is_reported_on_the_later_item():
    drafts, errors = questions_from_json([question(id="q1"), question(), question(id="q1")])
    assert len(drafts) == 2
    assert fields_by_row(errors) == {(3, "id")}
    assert "Mã câu hỏi “q1” bị trùng" in errors[0]["message"]


def test_questions_must_be_a_list():
    assert questions_from_json({"questions": []}) == (
        [], [{"row": 0, "field": "questions", "message": "Danh sách câu hỏi phải là một mảng JSON"}]
    )


def test_all_problems_of_one_question_are_reported():
    _, errors = questions_from_json([{"text": "", "options": ["A", "A"], "answer": 7, "x": 1}])
    assert {error["field"] for error in errors} == {"text", "options", "answer", "x"}


# --- questions as rows ------------------------------------------------------------------------------------

HEADER = "id,text,option_a,option_b,option_c,option_d,option_e,option_f,answer\n"


def test_question_rows_with_trailing_empty_options_and_letter_answers():
    rows = csv(HEADER + "q1,Thủ tục hành chính là gì?,Quy trình,Giấy tờ,,,,,b\n,Câu hai?,Có,Không,Tùy,,,,C\n")
    assert questions_from_rows(rows) == (
        [
            QuestionDraft("q1", "Thủ tục hành chính là gì?", ("Quy trình", "Giấy tờ"), 1),
            QuestionDraft(None, "Câu hai?", ("Có", "Không", "Tùy"), 2),
        ],
        [],
    )


def test_question_rows_without_id_and_optional_option_columns():
    rows = csv("Text,Option_A,Option_B,Answer\nĐúng hay sai?,Đúng,Sai,a\n")
    assert questions_from_rows(rows) == ([QuestionDraft(None, "Đúng hay sai?", ("Đúng", "Sai"), 0)], [])


def test_six_options_in_rows_answer_f():
    drafts, errors = questions_from_rows(csv(HEADER + "q,Câu?,1,2,3,4,5,6,F\n"))
    assert errors == [] and drafts[0].options == ("1", "2", "3", "4", "5", "6") and drafts[0].answer == 5


@pytest.mark.parametrize(
    ("cells", "field", "message"),
    [
        (",Có,Không,,,,,A", "text", "Thiếu nội dung câu hỏi"),
        ("Câu?,Có,,Không,,,,A", "option_b", "Thiếu phương án B"),
        ("Câu?,,Có,Không,,,,B", "option_a", "Thiếu phương án A"),
        ("Câu?,Có,,,,,,A", "option_b", "Câu hỏi phải có từ 2 đến 6 phương án"),
        ("Câu?,,,,,,,A", "option_a", "Câu hỏi phải có từ 2 đến 6 phương án"),
        ("Câu?,Có,có,,,,,A", "option_b", "Phương án B trùng với phương án A"),
        ("Câu?,Có,Không,,,,,", "answer", "Thiếu đáp án"),
        ("Câu?,Có,Không,,,,,C", "answer", "Đáp án không hợp lệ: câu hỏi chỉ có 2 phương án"),
        ("Câu?,Có,Không,,,,,G", "answer", "Đáp án không hợp lệ: phải là một chữ cái từ A đến F"),
        ("Câu?,Có,Không,,,,,1", "answer", "Đáp án không hợp lệ: phải là một chữ cái từ A đến F"),
        ("Câu?,Có,Không,,,,,AB", "answer", "Đáp án không hợp lệ: phải là một chữ cái từ A đến F"),
    ],
)
def test_each_question_row_rule_is_checked(cells, field, message):
    drafts, errors = questions_from_rows(csv(HEADER + "q," + cells + "\n"))
    assert drafts == []
    assert only_error(errors) == {"row": 2, "field": field, "message": message}


def test_question_rows_with_missing_columns_get_one_error_per_column():
    _, errors = questions_from_rows(csv("text,option_a,dap_an\nCâu?,Có,A\n"))
    assert fields_by_row(errors) == {(0, "option_b"), (0, "answer"), (0, "dap_an")}


def test_duplicate_question_rows_are_reported_on_the_later_row():
    rows = csv(HEADER + "q1,Câu 1?,Có,Không,,,,,A\nq1,Câu 2?,Có,Không,,,,,B\n")
    drafts, errors = questions_from_rows(rows)
    assert [draft.text for draft in drafts] == ["Câu 1?"]
    assert fields_by_row(errors) == {(3, "id")}


# --- whole files ------------------------------------------------------------------------------------------

def test_every_bad_question_row_is_reported():
    rows = csv(
        HEADER
        + "q1,Câu 1?,Có,Không,,,,,A\n"  # row 2: good
        + "q2,,Có,Không,,,,,A\n"  # row 3: no text
        + "\n"  # row 4: blank
        + "q3,Câu 3?,Có,,Không,,,,A\n"  # row 5: gap
        + "q4,Câu 4?,Có,Không,,,,,E\n"  # row 6: answer names an empty option
        + "q5,Câu 5?,Có,Không,,,,,B\n"  # row 7: good
    )
    drafts, errors = questions_from_rows(rows)
    assert [draft.id for draft in drafts] == ["q1", "q5"]
    assert {error["row"] for error in errors} == {3, 5, 6}


def test_every_bad_unit_row_is_reported():
    rows = csv("id,name,kind,population\na,Sở A,agency,\nb,,agency,\nc,Huyện C,huyen,\nd,Huyện D,district,-1\n")
    units, errors = units_from_rows(rows)
    assert [u.id for u in units] == ["a"]
    assert fields_by_row(errors) == {(3, "name"), (4, "kind"), (5, "population")}


def test_every_message_is_vietnamese():
    _, unit_errors = units_from_json([
        unit(id="", name="", parent_id="?", kind="x", headcount=-1, population="1", extra=1), 5, unit(), unit(),
    ])
    _, question_errors = questions_from_json([
        {"id": 1, "text": 2, "options": ["a", "a", ""], "answer": False}, question(options=1), question(answer=9),
    ])
    _, row_errors = questions_from_rows(csv("text,option_a,x\nCâu?,Có,1\n"))
    _, non_list = units_from_json("x")
    messages = [error["message"] for error in unit_errors + question_errors + row_errors + non_list]
    assert len(messages) >= 15
    assert [message for message in messages if not is_vietnamese(message)] == []
