from chalicelib.contest.phones import normalize_phone


def test_national_forms_are_one_number():
    assert {normalize_phone(p) for p in ("+84 912 345 678", "84912345678", "0912.345.678", "091-234-5678")} == {
        "0912345678"}


def test_full_width_digits_are_folded_to_ascii():
    assert normalize_phone("０９１２３４５６７８") == "0912345678"


def test_not_mobile_numbers():
    for raw in ("", "0212345678", "091234567", "09123456789", "abc", None, 912345678, "٠٩١٢٣٤٥٦٧٨x"):
        assert normalize_phone(raw) is None
