"""A certificate's PDF, read back with pypdf: the Vietnamese text is there exactly, every diacritic kept."""
import io
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from chalicelib.services.certificates import CertificateText, certificate_pdf

NAMES = ["Nguyễn Thị Ánh Tuyết", "Trần Văn Hưởng", "Lê Hoàng Phương Thảo", "Đặng Quốc Bảo", "Hồ Ngọc Ẩn",
         "Phạm Thị Diễm Hằng", "Võ Trường Toản", "Ưng Hoàng Phúc", "Ngô Thị Thuỳ Dương"]


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


def details(**overrides) -> CertificateText:
    values = {"contest": "Cuộc thi trực tuyến tìm hiểu về cải cách hành chính",
              "full_name": "Nguyễn Thị Ánh Tuyết", "unit": "Phường Hải Đình, Thành phố Đồng Hới",
              "round_name": "Đợt thi thứ nhất", "correct": 19, "total": 20, "duration_ms": 754_000, "rank": 12,
              "prize": "Giải Khuyến khích", "issued_on": "ngày 21 tháng 10 năm 2021"}
    return CertificateText(**{**values, **overrides})


def test_the_certificate_names_the_participant_unit_round_result_and_prize():
    pdf = certificate_pdf(details())
    assert pdf.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = text_of(pdf)
    for expected in ("GIẤY CHỨNG NHẬN", "Nguyễn Thị Ánh Tuyết", "Đơn vị: Phường Hải Đình, Thành phố Đồng Hới",
                     "Đã tham gia Đợt thi thứ nhất", "19/20 câu trả lời đúng", "12 phút 34 giây", "Xếp hạng: 12",
                     "Đạt Giải Khuyến khích", "ngày 21 tháng 10 năm 2021"):
        assert expected in text, expected


def test_without_a_prize_there_is_no_prize_line():
    assert "Đạt Giải" not in text_of(certificate_pdf(details(prize=None, rank=None)))


@settings(max_examples=12, deadline=None)
@given(name=st.sampled_from(NAMES))
def test_every_vietnamese_name_comes_back_exactly(name):
    assert name in text_of(certificate_pdf(details(full_name=name)))
