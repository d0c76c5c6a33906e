"""Tests for ``pipeline.text.segment``: paragraphs, sentences, headlines and bylines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.evaluation.boundaries import gold_paragraph, score_splitter
from pipeline.text.segment import (
    byline_names,
    is_byline,
    is_headline,
    split_paragraphs,
    split_sentences,
)

GOLD = Path(__file__).parent / "data" / "segmentation_gold.jsonl"
SEED = Path(__file__).parent.parent / "seeds" / "000_fd595707a5dff46e.txt"


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


PARAGRAPH_CASES = [
    ("blank_line", "Một.\n\nHai.", ["Một.", "Hai."]),
    ("single_newline", "Một.\nHai.", ["Một.", "Hai."]),
    ("edge_whitespace", "  \n  Một câu.  \n\n \n", ["Một câu."]),
    ("empty", "", []),
    ("only_space", " \n \n", []),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in PARAGRAPH_CASES], ids=[c[0] for c in PARAGRAPH_CASES]
)
def test_split_paragraphs(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in split_paragraphs(text)] == expected


SENTENCE_CASES = [
    (
        "tp_hcm_ends",
        "Hội nghị diễn ra tại TP.HCM. Sau đó, đoàn về Hà Nội.",
        ["Hội nghị diễn ra tại TP.HCM.", "Sau đó, đoàn về Hà Nội."],
    ),
    (
        "title",
        "Theo PGS.TS. Nguyễn Văn A, giá sẽ tăng. Ông nói thêm.",
        ["Theo PGS.TS. Nguyễn Văn A, giá sẽ tăng.", "Ông nói thêm."],
    ),
    (
        "title_before_starter",
        "Các đơn vị gồm Công an TP. Mỗi đơn vị cử hai người.",
        ["Các đơn vị gồm Công an TP.", "Mỗi đơn vị cử hai người."],
    ),
    (
        "numbers",
        "Có 1.700 đơn và 8.500.000 đ, tăng 2,5%. Năm sau giảm.",
        ["Có 1.700 đơn và 8.500.000 đ, tăng 2,5%.", "Năm sau giảm."],
    ),
    (
        "dates_times",
        "Sáng 6/03 lúc 7h30, ngày 12.3.2020. Hội nghị bế mạc.",
        ["Sáng 6/03 lúc 7h30, ngày 12.3.2020.", "Hội nghị bế mạc."],
    ),
    (
        "url_email",
        "Xem www.abc.vn hoặc gửi a.b@abc.vn. Xin cảm ơn.",
        ["Xem www.abc.vn hoặc gửi a.b@abc.vn.", "Xin cảm ơn."],
    ),
    (
        "initials",
        "Anh Nguyễn V. A. cho biết như vậy. Anh đi.",
        ["Anh Nguyễn V. A. cho biết như vậy.", "Anh đi."],
    ),
    (
        "given_name_ends",
        "Người bị hại là ông Nguyễn Văn A. Ông bị thương nhẹ.",
        ["Người bị hại là ông Nguyễn Văn A.", "Ông bị thương nhẹ."],
    ),
    (
        "list_item",
        "1. Tăng cường kiểm tra. 2. Cải cách thủ tục.",
        ["1. Tăng cường kiểm tra.", "2. Cải cách thủ tục."],
    ),
    ("roman_section", "II. Nội dung thực hiện.", ["II. Nội dung thực hiện."]),
    (
        "ellipsis_upper",
        "Có sữa, bánh kẹo... Và chính họ đã làm.",
        ["Có sữa, bánh kẹo...", "Và chính họ đã làm."],
    ),
    (
        "ellipsis_lower",
        "Các chính sách… tăng cường hơn nữa.",
        ["Các chính sách… tăng cường hơn nữa."],
    ),
    (
        "ellipsis_in_quote",
        "Ông kể: “Khổ lắm… Cả nhà đói”. Rồi ông khóc.",
        ["Ông kể: “Khổ lắm… Cả nhà đói”.", "Rồi ông khóc."],
    ),
    (
        "quote_keeps_closer",
        "Ông nói: “Sẽ làm.” Sau đó ông đi.",
        ["Ông nói: “Sẽ làm.”", "Sau đó ông đi."],
    ),
    (
        "question_then_lowercase",
        "“Tại sao?” ông hỏi. Không ai đáp.",
        ["“Tại sao?” ông hỏi.", "Không ai đáp."],
    ),
    (
        "exclamation_then_dash",
        "“Đi đi!” – bà xua tay. Tôi về.",
        ["“Đi đi!” – bà xua tay.", "Tôi về."],
    ),
    (
        "quoted_name",
        "Mô hình như “Dân vận khéo” trên một số lĩnh vực còn hình thức.",
        ["Mô hình như “Dân vận khéo” trên một số lĩnh vực còn hình thức."],
    ),
    (
        "parenthesis",
        "Ông H. (xin giấu tên) kể lại. Chúng tôi nghe.",
        ["Ông H. (xin giấu tên) kể lại.", "Chúng tôi nghe."],
    ),
    (
        "headline",
        "Hội nghị sơ kết 02 năm công tác dân vận",
        ["Hội nghị sơ kết 02 năm công tác dân vận"],
    ),
    ("newline_is_boundary", "Tiêu đề\nCâu một. Câu hai.", ["Tiêu đề", "Câu một.", "Câu hai."]),
    ("leading_ellipsis", "... Rồi cũng chính con sông này.", ["... Rồi cũng chính con sông này."]),
    ("only_punctuation", "...", ["..."]),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in SENTENCE_CASES], ids=[c[0] for c in SENTENCE_CASES]
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


def test_split_sentences_offsets_are_absolute() -> None:
    text = "Đầu.\n\nMột câu. Hai câu.\n\nCuối."
    start = text.index("Một")
    end = text.index("\n\nCuối")
    assert split_sentences(text, start, end) == [(start, start + 8), (start + 9, end)]


def test_seed_article_keeps_quoted_phrase_in_one_sentence() -> None:
    text = SEED.read_text(encoding="utf-8")
    sentences = [text[s:e] for s, e in split_sentences(text)]
    quoted = [s for s in sentences if "“Dân vận khéo” trên một số lĩnh vực" in s]
    assert len(quoted) == 1 and quoted[0].startswith("Dù vậy") and quoted[0].endswith("lan tỏa.")
    assert (
        "SO KET 02 NAM THUC HIEN CHUONG TRINH PHOI HOP VE CONG TAC DAN VAN GIAI DOAN 2016 – 2021"
        in (sentences)
    )


def _read_gold() -> list[dict]:
    with GOLD.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def test_gold_set_is_large_and_well_formed() -> None:
    cases = _read_gold()
    assert len(cases) >= 300
    assert len({c["id"] for c in cases}) == len(cases)
    assert all(c["sentences"] and all(s == s.strip() and s for s in c["sentences"]) for c in cases)


def test_gold_boundary_f1() -> None:
    result = score_splitter(split_sentences, [gold_paragraph(c["sentences"]) for c in _read_gold()])
    assert result.f1 >= 0.99, (result.precision, result.recall)


HEADLINES = [
    ("title_case", "Hội nghị sơ kết công tác dân vận", True),
    ("all_caps", "SO KET 02 NAM THUC HIEN CHUONG TRINH PHOI HOP", True),
    ("question_title", "Vì sao giá xăng tăng liên tiếp?", False),
    ("sentence", "Hội nghị đã kết thúc tốt đẹp.", False),
    ("long_paragraph", " ".join(["Người dân phấn khởi vì được mùa"] * 10), False),
    ("lowercase_start", "và nhiều người khác", False),
    ("lead_in", "Các nội dung chính gồm:", False),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in HEADLINES], ids=[c[0] for c in HEADLINES]
)
def test_is_headline(text: str, expected: bool) -> None:
    assert is_headline(text) is expected


BYLINES = [
    ("two_names", "Thu Trang – Công Luận", True),
    ("one_name", "Nguyễn Văn A", True),
    ("source", "Theo VnExpress", True),
    ("source_parenthesis", "(Theo TTXVN)", True),
    ("source_colon", "Nguồn: Báo Tuổi Trẻ", True),
    ("credit", "Bài và ảnh: Minh Hà", True),
    ("names_with_note", "Thanh Hà - Minh Đức (tổng hợp)", True),
    ("caps_name", "NGUYỄN VĂN A", True),
    ("sentence", "Hội nghị đã kết thúc tốt đẹp.", False),
    ("lowercase_words", "Phát biểu tại hội nghị", False),
    ("theo_person", "Theo ông A, giá sẽ tăng mạnh trong tháng tới.", False),
    ("too_long", "Nguyễn Văn A – " * 8, False),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in BYLINES], ids=[c[0] for c in BYLINES]
)
def test_is_byline(text: str, expected: bool) -> None:
    assert is_byline(text) is expected


PIECES = list("aAbĐđ Ôô1. .…!?“”\"'()[]-–\n\t:;,\u00a0") + ["TP.", "TS. ", "v.v. ", "... ", "V. "]
TEXT = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@given(text=TEXT)
def test_spans_cover_text_with_only_whitespace_between(text: str) -> None:
    spans = split_sentences(text)
    position = 0
    for start, end in spans:
        assert position <= start < end
        assert text[position:start].strip() == ""
        assert not text[start].isspace() and not text[end - 1].isspace()
        position = end
    assert text[position:].strip() == ""
    rebuilt = "".join(text[s:e] for s, e in spans)
    assert "".join(rebuilt.split()) == "".join(text.split())


@given(text=TEXT, cut=st.integers(0, 80), size=st.integers(0, 80))
def test_spans_stay_inside_the_window(text: str, cut: int, size: int) -> None:
    start = min(cut, len(text))
    end = min(start + size, len(text))
    for s, e in split_sentences(text, start, end):
        assert start <= s < e <= end
    window = text[start:end]
    inner = "".join(text[s:e] for s, e in split_sentences(text, start, end))
    assert "".join(inner.split()) == "".join(window.split())


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Thu Trang – Công Luận", ["Thu Trang", "Công Luận"]),
        ("Thanh Hà - Minh Đức (tổng hợp).", ["Thanh Hà", "Minh Đức"]),
        ("Minh Anh và Thu Hà", ["Minh Anh", "Thu Hà"]),
        ("Theo VnExpress", []),
        ("Bài và ảnh: Minh Hà", []),
        ("Hội nghị đã kết thúc tốt đẹp.", []),
    ],
)
def test_byline_names(text: str, names: list[str]) -> None:
    assert [text[start:end] for start, end in byline_names(text)] == names
