"""Tests for ``pipeline.text.residue``: page furniture is found, article text never is."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.text.residue import detect_residue
from pipeline.text.segment import split_paragraphs

SEED = Path(__file__).parent.parent / "seeds" / "000_fd595707a5dff46e.txt"
BODY = [
    "Chiều 6/03, Phó Bí thư Tỉnh ủy chủ trì Hội nghị sơ kết công tác dân vận giai đoạn 2016 – "
    "2021, với sự tham dự của lãnh đạo các sở, ban ngành trong tỉnh và các huyện, thành phố.",
    "Qua 02 năm thực hiện Chương trình phối hợp, đã có nhiều đơn vị, cá nhân làm tốt công tác "
    "dân vận, góp phần quan trọng vào xây dựng hệ thống chính trị trong sạch, vững mạnh.",
    "Phát biểu kết luận, Chủ tịch UBND tỉnh đề nghị các sở phối hợp chặt chẽ để triển khai "
    "phong trào “Dân vận khéo” trong xây dựng nông thôn mới và đô thị văn minh trên địa bàn.",
]


def test_seed_comment_form_is_residue() -> None:
    text = SEED.read_text(encoding="utf-8")
    paragraphs = [text[s:e] for s, e in split_paragraphs(text)]
    found = detect_residue(paragraphs)
    assert found == {len(paragraphs) - 2: "comment_form", len(paragraphs) - 1: "comment_form"}
    assert paragraphs[len(paragraphs) - 3] == "Thu Trang – Công Luận"


LABELS = [
    ("email_notice", "Email của bạn sẽ không được hiển thị công khai.", "comment_form"),
    ("required_fields", "Các trường bắt buộc được đánh dấu *", "comment_form"),
    ("send_comment", "Gửi bình luận", "comment_form"),
    ("leave_comment", "Để lại một bình luận", "comment_form"),
    ("share_row", "Chia sẻ Facebook | Zalo | Twitter", "share_buttons"),
    ("related", "Tin liên quan", "related_links"),
    ("see_also", "Xem thêm: Giá vàng hôm nay tăng mạnh", "related_links"),
    ("copyright", "Bản quyền © 2019 Đài Phát thanh - Truyền hình Kon Tum", "copyright"),
    ("copyright_symbol", "© 2020 Báo Điện tử ABC. Giấy phép số 123/GP-BTTTT.", "copyright"),
    ("tags", "Từ khóa: dân vận, Kon Tum, hội nghị", "tags"),
    ("breadcrumb", "Trang chủ » Thời sự » Chính trị", "navigation"),
]


@pytest.mark.parametrize(("label", "reason"), [c[1:] for c in LABELS], ids=[c[0] for c in LABELS])
def test_strong_labels_are_residue_anywhere(label: str, reason: str) -> None:
    assert detect_residue([BODY[0], label, BODY[1], BODY[2]]) == {1: reason}


WEAK_TAILS = [
    ("reply_then_notice", ["Trả lời", "Email của bạn sẽ không được hiển thị công khai."]),
    ("form_fields", ["Bình luận", "Tên *", "Email *", "Website", "Gửi bình luận"]),
    ("share_words", ["Chia sẻ:", "Facebook", "Zalo"]),
]


@pytest.mark.parametrize("tail", [c[1] for c in WEAK_TAILS], ids=[c[0] for c in WEAK_TAILS])
def test_weak_labels_count_at_the_page_end(tail: list[str]) -> None:
    found = detect_residue(BODY + tail)
    assert sorted(found) == list(range(len(BODY), len(BODY) + len(tail)))


def test_short_fragments_after_a_comment_form_are_residue() -> None:
    tail = ["Gửi bình luận", "Nguyễn An", "Bài viết rất hay, cảm ơn tác giả!", "5 giờ trước"]
    found = detect_residue(BODY + tail)
    assert found == {i: "comment_form" for i in range(len(BODY), len(BODY) + len(tail))}


def test_comment_form_early_in_a_long_document_does_not_swallow_it() -> None:
    paragraphs = ["Gửi bình luận", "Nguyễn An", *BODY, *BODY]
    assert detect_residue(paragraphs) == {0: "comment_form"}


CONTENT = [
    ("reply_interview", "Trả lời phỏng vấn, ông Lộc nói: bán đất với giá không được duyệt là sai."),
    ("comment_sentence", "Bình luận về vấn đề này, ông A cho rằng đó là việc làm vượt cấp."),
    ("share_sentence", "Chia sẻ với phóng viên, chị Lan cho biết gia đình đã sống ở đây 30 năm."),
    ("see_also_sentence", "Xem thêm các quy định tại Điều 5 của Luật Đất đai năm 2013."),
    ("see_also_with_period", "Xem thêm: Điều 5 Luật Đất đai quy định rõ về việc này."),
    ("copyright_topic", "Bản quyền tác giả đang là vấn đề nóng trong ngành xuất bản."),
    ("qa_answer_label", "Trả lời:"),
    ("byline", "Thu Trang – Công Luận"),
    ("headline", "Hội nghị sơ kết công tác dân vận"),
    ("email_sentence", "Email của ông gửi cho tòa soạn đã được chuyển tới cơ quan chức năng."),
]


@pytest.mark.parametrize("text", [c[1] for c in CONTENT], ids=[c[0] for c in CONTENT])
def test_content_is_never_residue(text: str) -> None:
    assert detect_residue([BODY[0], text, BODY[1], text, BODY[2], text]) == {}


def test_qa_article_keeps_its_answer_label() -> None:
    paragraphs = ["Hỏi: Tôi muốn xin cấp sổ đỏ thì cần giấy tờ gì?", "Trả lời:", BODY[0], BODY[1]]
    assert detect_residue(paragraphs) == {}


def test_empty_document() -> None:
    assert detect_residue([]) == {}
