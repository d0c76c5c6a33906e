"""Tests for ``pipeline.text.normalize`` and ``pipeline.text.tones``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.text.normalize import TONE_STYLES, normalize_text
from pipeline.text.tones import to_new_style, to_old_style

NORMALIZE_CASES = [
    ("nfc", "Vie\u0323\u0302t Nam", "Việt Nam"),
    ("crlf", "một\r\nhai\rba", "một\nhai\nba"),
    ("unicode_line_separators", "một\u2028hai\u2029ba\x85bốn", "một\nhai\nba\nbốn"),
    ("nbsp", "8.500.000\u00a0đ", "8.500.000 đ"),
    ("thin_and_narrow_spaces", "a\u2009b\u202fc\u3000d", "a b c d"),
    ("space_run", "Ban Dân  vận   Tỉnh ủy", "Ban Dân vận Tỉnh ủy"),
    ("tab", "cột\tcột", "cột cột"),
    ("line_end_spaces", "câu một.   \n   câu hai.", "câu một.\ncâu hai."),
    ("zero_width", "Hà\u200bNội\u200c\u200d", "HàNội"),
    ("bom_inside", "\ufeffXin chào", "Xin chào"),
    ("soft_hyphen", "công\u00adtác", "côngtác"),
    ("zero_width_between_spaces", "a \u200b b", "a b"),
    ("control_chars", "a\x07b\x1bc\x00d", "abcd"),
    ("blank_lines", "đoạn một\n\n\n\nđoạn hai", "đoạn một\n\nđoạn hai"),
    ("blank_lines_with_spaces", "một\n  \n \t \n\nhai", "một\n\nhai"),
    ("edge_blank_lines", "\n\n  tiêu đề\n\n", "tiêu đề"),
    (
        "typographic_kept",
        "“Dân vận khéo” – giai đoạn 2016—2021…",
        "“Dân vận khéo” – giai đoạn 2016—2021…",
    ),
    ("tone_marks_kept", "hòa hoà thủy thuỷ", "hòa hoà thủy thuỷ"),
    ("empty", "", ""),
]


@pytest.mark.parametrize(
    ("raw", "expected"), [c[1:] for c in NORMALIZE_CASES], ids=[c[0] for c in NORMALIZE_CASES]
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


STYLE_CASES = [
    ("old", "Hoà bình, thuỷ lợi, hoá học, khoẻ", "Hòa bình, thủy lợi, hóa học, khỏe"),
    ("new", "Hòa bình, thủy lợi, hóa học, khỏe", "Hoà bình, thuỷ lợi, hoá học, khoẻ"),
    ("old", "Uỷ ban, uỷ viên", "Ủy ban, ủy viên"),
    ("new", "Ủy ban nhân dân tỉnh", "Uỷ ban nhân dân tỉnh"),
    ("new", "HÒA BÌNH", "HOÀ BÌNH"),
    ("new", "quý giá, quà, quỳnh", "quý giá, quà, quỳnh"),
    ("old", "quý giá, quà, quỳnh", "quý giá, quà, quỳnh"),
    ("new", "hoàng, tuyết, khoét, xoáy, khuỷu", "hoàng, tuyết, khoét, xoáy, khuỷu"),
    ("new", "Nguyễn Văn Hòa", "Nguyễn Văn Hoà"),
    ("new", "òa khóc", "oà khóc"),
    ("old", "toe, hoa, thuy", "toe, hoa, thuy"),
]


@pytest.mark.parametrize(
    ("style", "raw", "expected"),
    STYLE_CASES,
    ids=[f"{c[0]}-{c[1].split(',')[0]}" for c in STYLE_CASES],
)
def test_tone_style(style: str, raw: str, expected: str) -> None:
    assert normalize_text(raw, tone_style=style) == expected


TONE_WORDS = [
    ("hòa", "hoà"),
    ("thủy", "thuỷ"),
    ("hóa", "hoá"),
    ("Thúy", "Thuý"),
    ("lòe", "loè"),
    ("ủy", "uỷ"),
    ("Ủy", "Uỷ"),
    ("quý", "quý"),
    ("giá", "giá"),
    ("hoàng", "hoàng"),
    ("quyền", "quyền"),
]


@pytest.mark.parametrize(("old", "new"), TONE_WORDS, ids=[w[0] for w in TONE_WORDS])
def test_to_new_style(old: str, new: str) -> None:
    assert to_new_style(old) == new


@pytest.mark.parametrize(("old", "new"), TONE_WORDS, ids=[w[0] for w in TONE_WORDS])
def test_to_old_style(old: str, new: str) -> None:
    assert to_old_style(new) == old


def test_unknown_tone_style_lists_valid_ones() -> None:
    with pytest.raises(ValueError, match="keep, old, new"):
        normalize_text("x", tone_style="modern")


ALPHABET = st.sampled_from(
    list("aăâeêioôơuưy đĐhòóỏõọàủúùhoaquygi .,!?\n\r\t")
    + ["\u00a0", "\u2009", "\u200b", "\u200d", "\ufeff", "\u00ad", "\x07", "\x85", "\u2028"]
    + ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u031b", "\u2000", "“", "”"]
)


@pytest.mark.parametrize("style", TONE_STYLES)
@given(text=st.text(ALPHABET, max_size=60))
def test_normalize_is_idempotent_on_vietnamese_like_text(style: str, text: str) -> None:
    once = normalize_text(text, tone_style=style)
    assert normalize_text(once, tone_style=style) == once


@given(text=st.text(max_size=80))
def test_normalize_is_idempotent_on_any_text(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
