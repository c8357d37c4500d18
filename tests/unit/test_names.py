import unicodedata

import pytest

from chalicelib.contest.names import mask_name


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Nguyễn Văn An", "Nguyễn V. A."),
        ("  trần   thị  bích ngọc ", "trần t. b. n."),
        ("An", "An"),
        ("Đặng Đình Ánh", "Đặng Đ. Á."),
        ("Lê\tThị\nẤn", "Lê T. Ấ."),
        ("", ""),
        ("   ", ""),
    ],
)
def test_mask_name(full_name: str, expected: str) -> None:
    assert mask_name(full_name) == expected


def test_mask_name_keeps_accent_of_decomposed_initial() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Ánh")
    assert mask_name(decomposed) == "Nguyễn Á."


def test_mask_name_keeps_marks_without_precomposed_form() -> None:
    o_horn_breve = "\u01a0\u0306"  # Ê-đê letter with no single code point
    assert mask_name(f"Niê {o_horn_breve}n") == f"Niê {o_horn_breve}."
