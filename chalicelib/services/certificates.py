"""Certificates (giấy chứng nhận): one A4 landscape PDF per participant and round, in Vietnamese, written with
fpdf2 in Be Vietnam Pro (a typeface drawn for Vietnamese: every diacritic, stacked ones included). Pure: the
caller gives the figures and keeps the bytes."""
from __future__ import annotations

from chalicelib.contest.records import Struct


class CertificateText(Struct, frozen=True):
    contest: str
    full_name: str
    unit: str
    round_name: str
    correct: int
    total: int
    duration_ms: int
    rank: int | None = None
    prize: str | None = None
    issued_on: str = ""              # the date in words, e.g. "ngày 21 tháng 10 năm 2021"
    organizer: str = "BAN TỔ CHỨC CUỘC THI"


def _duration(ms: int) -> str:
    seconds = ms // 1000
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} phút {seconds} giây" if minutes else f"{seconds} giây"


def _lines(text: CertificateText) -> list[tuple[str, str, int]]:
    """(text, style, size) from top to bottom."""
    result = f"Kết quả: {text.correct}/{text.total} câu trả lời đúng, thời gian làm bài {_duration(text.duration_ms)}"
    lines = [(text.contest.upper(), "B", 16), ("GIẤY CHỨNG NHẬN", "B", 30), ("Chứng nhận", "", 14),
             (text.full_name, "B", 24), (f"Đơn vị: {text.unit}", "", 14),
             (f"Đã tham gia {text.round_name}", "", 14), (result, "", 13)]
    if text.rank is not None:
        lines.append((f"Xếp hạng: {text.rank}", "", 13))
    if text.prize:
        lines.append((f"Đạt {text.prize}", "B", 18))
    return lines


def certificate_pdf(text: CertificateText) -> bytes:
    from fontpkg_be_vietnam_pro import ROOT as FONTS  # imported here: only this path needs fpdf2 and the font
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_margins(28, 20, 28)
    pdf.set_auto_page_break(False)
    pdf.set_title(f"Giấy chứng nhận - {text.full_name}")
    pdf.set_creator("cuocthi")
    pdf.add_font("BeVietnamPro", "", str(FONTS / "files" / "BeVietnamPro-Regular.ttf"))
    pdf.add_font("BeVietnamPro", "B", str(FONTS / "files" / "BeVietnamPro-Bold.ttf"))
    pdf.add_page()
    pdf.set_draw_color(11, 83, 148)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, 269, 182)
    pdf.set_y(28)
    for line, style, size in _lines(text):
        pdf.set_font("BeVietnamPro", style, size)
        pdf.set_text_color(*((11, 83, 148) if size >= 24 else (0, 0, 0)))
        pdf.multi_cell(0, size * 0.55, line, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(size * 0.25)
    pdf.set_y(160)
    pdf.set_font("BeVietnamPro", "", 12)
    if text.issued_on:
        pdf.cell(0, 7, text.issued_on, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("BeVietnamPro", "B", 13)
    pdf.cell(0, 7, text.organizer, align="R")
    return bytes(pdf.output())
