"""Pages and announcements: Markdown rendered by markdown-it-py, anything unsafe removed by nh3."""
import pytest

from chalicelib.contest.pages import SLUG, render


def test_markdown_becomes_html():
    html = render("# Thể lệ\n\n**Đối tượng** dự thi:\n\n- cán bộ\n- nhân dân\n\n| Giải | Số lượng |\n|---|---|\n"
                  "| Nhất | 1 |\n\n[Cổng dịch vụ công](https://dichvucong.gov.vn)")
    assert "<h1>Thể lệ</h1>" in html and "<strong>Đối tượng</strong>" in html
    assert "<li>cán bộ</li>" in html and "<td>Nhất</td>" in html
    assert '<a href="https://dichvucong.gov.vn" rel="noopener noreferrer nofollow">Cổng dịch vụ công</a>' in html


@pytest.mark.parametrize("unsafe, gone", [
    ("<script>alert(1)</script>Chữ", "alert"),
    ('<img src="x" onerror="alert(1)">', "onerror"),
    ("[bấm](javascript:alert(1))", 'href="javascript'),
    ('<a href="javascript:alert(1)">bấm</a>', 'href="javascript'),
    ('<iframe src="https://a.example"></iframe>', "iframe"),
    ('<p style="position:fixed">x</p>', "style"),
    ("<style>body{display:none}</style>", "display"),
    ('<form action="/x"><input name="a"></form>', "form"),
])
def test_anything_unsafe_is_removed(unsafe, gone):
    assert gone not in render(unsafe)


def test_slugs():
    assert all(SLUG.fullmatch(s) for s in ("the-le", "huong-dan", "a", "x" * 40))
    assert not any(SLUG.fullmatch(s) for s in ("", "Thể-lệ", "the_le", "x" * 41, "a/b"))
