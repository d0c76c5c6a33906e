"""Tests for ``pipeline.text.html.extract_article``."""

from __future__ import annotations

import pytest

pytest.importorskip("trafilatura")

from pipeline.text.html import extract_article  # noqa: E402

BODY = [
    "(kontumtv.vn) – Chiều 6/03, Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh Nguyễn Văn Hòa chủ trì "
    "Hội nghị sơ kết 02 năm thực hiện Chương trình phối hợp về công tác dân vận.",
    "Qua 02 năm thực hiện Chương trình phối hợp, đã có nhiều đơn vị, cá nhân làm tốt công tác "
    "dân vận, góp phần quan trọng vào xây dựng hệ thống chính trị trong sạch, vững mạnh.",
    "Phát biểu kết luận Hội nghị, Chủ tịch UBND tỉnh đề nghị Sở Nội vụ phối hợp với các đơn vị "
    "có liên quan tham mưu UBND tỉnh chỉ đạo triển khai công tác dân vận chính quyền.",
]
TITLE = "Hội nghị sơ kết 02 năm thực hiện Chương trình phối hợp về công tác dân vận"
PAGE = f"""<!DOCTYPE html><html lang="vi"><head><title>{TITLE} – Kon Tum TV</title>
<script>window.tracking = "Trang chủ";</script><style>p {{ color: red; }}</style></head>
<body><nav><a href="/">Trang chủ</a> <a href="/thoi-su">Thời sự</a></nav>
<main><article><h1>{TITLE}</h1>
{"".join(f"<p>{p}</p>" for p in BODY)}
</article>
<div id="comments" class="comments-area"><h3 class="comment-reply-title">Trả lời</h3>
<form id="commentform" class="comment-form"><p>Email của bạn sẽ không được hiển thị công khai.</p>
<label>Bình luận</label><textarea></textarea>
<input type="submit" value="Gửi bình luận"></form></div></main>
<footer><p>Bản quyền © 2019 Đài Phát thanh – Truyền hình Kon Tum.</p></footer></body></html>"""


def test_page_gives_headline_and_paragraphs_separated_by_blank_lines() -> None:
    assert extract_article(PAGE) == "\n\n".join([TITLE, *BODY])


DROPPED = [
    ("navigation", "Thời sự"),
    ("script", "tracking"),
    ("style", "color"),
    ("comment_form", "Email của bạn"),
    ("footer", "Bản quyền"),
    ("site_name", "Kon Tum TV"),
]


@pytest.mark.parametrize("fragment", [c[1] for c in DROPPED], ids=[c[0] for c in DROPPED])
def test_page_furniture_is_dropped(fragment: str) -> None:
    assert fragment not in extract_article(PAGE)


def test_fragment_without_html_element() -> None:
    assert extract_article("<p>Xin chào các bạn.</p><p>Hẹn gặp lại.</p>") == (
        "Xin chào các bạn.\n\nHẹn gặp lại."
    )


def test_entities_are_decoded() -> None:
    assert (
        extract_article("<p>Giá &gt; 1.000 đ &amp; tăng&nbsp;nhẹ.</p>")
        == "Giá > 1.000 đ & tăng nhẹ."
    )


def test_empty_page() -> None:
    assert extract_article("  ") == ""
