"""Tests for ``pipeline.text.decode``: UTF encodings, legacy Vietnamese encodings, binary input."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.text.decode import decode_bytes
from pipeline.text.legacy_tables import (
    TONE_MARKS,
    tcvn3_table,
    vietnamese_letters,
    viscii_table,
    vni_letters,
)

PARAGRAPH = (
    "Chiều 6/03, Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh Nguyễn Văn Hòa chủ trì Hội nghị sơ kết "
    "02 năm thực hiện Chương trình phối hợp về công tác dân vận. Qua đó, tăng cường khối đại "
    "đoàn kết toàn dân tộc, củng cố niềm tin của nhân dân vào Đảng, chính quyền. “Dân vận khéo” "
    "được đẩy mạnh ở Đà Nẵng, Huế, Quảng Ngãi; người dân được hưởng lợi rõ rệt."
)
# VISCII and VIQR have no typographic quotes.
PARAGRAPH_ASCII_QUOTES = PARAGRAPH.replace("“", '"').replace("”", '"')
# Every lowercase letter once, and capitals that each encoding can hold.
ALL_LOWER = " ".join("đi" if c == "đ" else "b" + c for c in vietnamese_letters() if c.islower())
ALL_UPPER = " ".join("ĐI" if c == "Đ" else "B" + c for c in vietnamese_letters() if c.isupper())
TCVN3_CAPITALS = "Ăn Âu Êm Ôm Ơn Ưa Đi"


def _letter_bytes(table: list[str]) -> dict[str, bytes]:
    letters = set(vietnamese_letters())
    return {c: bytes([b]) for b, c in enumerate(table) if c in letters}


def encode_tcvn3(text: str) -> bytes:
    table = _letter_bytes(tcvn3_table())
    return b"".join(table[c] if c in table else c.encode("cp1252") for c in text)


def encode_viscii(text: str) -> bytes:
    table = _letter_bytes(viscii_table())
    return b"".join(table[c] if c in table else c.encode("ascii") for c in text)


def encode_vni(text: str) -> bytes:
    spelled = vni_letters()
    return "".join(spelled.get(c, c) for c in text).encode("cp1252")


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 keeps a base letter and appends the tone as a combining mark."""
    out = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        tone = "".join(c for c in decomposed if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out.append(base.encode("cp1258") + tone.encode("cp1258"))
    return b"".join(out)


_VIQR_MARKS = {"\u0306": "(", "\u0302": "^", "\u031b": "+"}
_VIQR_TONES = {"\u0301": "'", "\u0300": "`", "\u0309": "?", "\u0303": "~", "\u0323": "."}


def encode_viqr(text: str) -> bytes:
    """RFC 1456 VIQR, escaping punctuation that follows a vowel."""
    out = []
    for char in text:
        if char in ".?'`~^(+" and out and out[-1][-1:].lower() in "aeiouy^(+'`?~.":
            out.append("\\" + char)
            continue
        if char in "đĐ":
            out.append("dd" if char == "đ" else "DD")
            continue
        decomposed = unicodedata.normalize("NFD", char)
        mark = "".join(_VIQR_MARKS.get(c, "") for c in decomposed)
        tone = "".join(_VIQR_TONES.get(c, "") for c in decomposed)
        out.append(decomposed[0] + mark + tone)
    return "".join(out).encode("ascii")


ENCODERS: dict[str, Callable[[str], bytes]] = {
    "tcvn3": encode_tcvn3,
    "viscii": encode_viscii,
    "vni": encode_vni,
    "windows-1258": encode_cp1258,
    "viqr": encode_viqr,
}

ROUND_TRIPS = [
    ("utf-8", PARAGRAPH.encode("utf-8"), PARAGRAPH),
    ("utf-8-bom", b"\xef\xbb\xbf" + PARAGRAPH.encode("utf-8"), PARAGRAPH),
    ("utf-16-le-bom", b"\xff\xfe" + PARAGRAPH.encode("utf-16-le"), PARAGRAPH),
    ("utf-16-be-bom", b"\xfe\xff" + PARAGRAPH.encode("utf-16-be"), PARAGRAPH),
    ("utf-8-nfd", unicodedata.normalize("NFD", PARAGRAPH).encode("utf-8"), PARAGRAPH),
    ("tcvn3", encode_tcvn3(PARAGRAPH), PARAGRAPH),
    (
        "tcvn3-letters",
        encode_tcvn3(ALL_LOWER + " " + TCVN3_CAPITALS),
        ALL_LOWER + " " + TCVN3_CAPITALS,
    ),
    ("viscii", encode_viscii(PARAGRAPH_ASCII_QUOTES), PARAGRAPH_ASCII_QUOTES),
    ("viscii-letters", encode_viscii(ALL_LOWER + " " + ALL_UPPER), ALL_LOWER + " " + ALL_UPPER),
    ("vni", encode_vni(PARAGRAPH), PARAGRAPH),
    ("vni-letters", encode_vni(ALL_LOWER + " " + ALL_UPPER), ALL_LOWER + " " + ALL_UPPER),
    ("windows-1258", encode_cp1258(PARAGRAPH), PARAGRAPH),
    (
        "windows-1258-letters",
        encode_cp1258(ALL_LOWER + " " + ALL_UPPER),
        ALL_LOWER + " " + ALL_UPPER,
    ),
    ("viqr-escaped", encode_viqr(PARAGRAPH_ASCII_QUOTES), PARAGRAPH_ASCII_QUOTES),
    (
        "viqr-plain",
        b"Vie^.t Nam la` mo^.t nu+o+'c o+? DDo^ng Nam A'. Ha` No^.i la` thu? ddo^.",
        "Việt Nam là một nước ở Đông Nam Á. Hà Nội là thủ đô.",
    ),
    (
        "ascii-english",
        b"It's a test. Don't convert e.g. this? No.",
        "It's a test. Don't convert e.g. this? No.",
    ),
    ("ascii-unaccented", b"Viet Nam va Ha Noi.", "Viet Nam va Ha Noi."),
    ("empty", b"", ""),
]


@pytest.mark.parametrize(
    ("data", "expected"), [c[1:] for c in ROUND_TRIPS], ids=[c[0] for c in ROUND_TRIPS]
)
def test_decode_bytes(data: bytes, expected: str) -> None:
    assert decode_bytes(data, source="doc.txt") == expected


def test_tcvn3_capitals_with_tones_decode_as_lowercase() -> None:
    # ABC fonts drew toned capitals with the lowercase codes in a separate font.
    assert decode_bytes(encode_tcvn3("ủy ban nhân dân tỉnh"), source="x") == "ủy ban nhân dân tỉnh"


def test_legacy_tables_hold_each_letter_once() -> None:
    letters = vietnamese_letters()
    assert len(letters) == len(set(letters)) == 134
    assert sorted(c for c in viscii_table() if c in letters) == sorted(letters)
    assert len(set(vni_letters().values())) == 134


def test_utf8_with_one_broken_byte_is_kept() -> None:
    data = (PARAGRAPH * 20).encode("utf-8")
    broken = data[:100] + b"\xff" + data[100:]
    assert decode_bytes(broken, source="x").count("\ufffd") == 1


REJECTS = [
    ("nul", b"abc\x00def", "NUL"),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
    ("pdf", b"%PDF-1.4\n", "PDF"),
    ("zip", b"PK\x03\x04\x14\x00", "ZIP"),
    ("jpeg", b"\xff\xd8\xff\xe0", "JPEG"),
    ("ole", b"\xd0\xcf\x11\xe0\xa1\xb1", "Word"),
    ("controls", bytes(range(1, 32)) * 4 + b"text", "control"),
    (
        "random_high_bytes",
        bytes([0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xF0, 0x90, 0x28]) * 30,
        "not UTF-8",
    ),
    ("utf16_bom_binary", b"\xff\xfe" + "\x01\x02\x03abc".encode("utf-16-le") * 5, "binary"),
]


@pytest.mark.parametrize(("data", "reason"), [c[1:] for c in REJECTS], ids=[c[0] for c in REJECTS])
def test_decode_bytes_rejects(data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason) as caught:
        decode_bytes(data, source="bad.bin")
    assert caught.value.source == "bad.bin"
    assert "\n" not in caught.value.reason


WORDS = [
    "việt",
    "nam",
    "hà",
    "nội",
    "những",
    "người",
    "dân",
    "được",
    "hưởng",
    "lợi",
    "chính",
    "quyền",
    "công",
    "tác",
    "dân",
    "vận",
    "khéo",
    "thủy",
    "lợi",
    "hòa",
    "bình",
    "quý",
    "giá",
    "đường",
    "phố",
    "ngập",
    "sâu",
    "mưa",
    "lớn",
    "kéo",
    "dài",
    "nhiều",
    "giờ",
    "xuất",
    "khẩu",
    "gạo",
    "tăng",
    "trưởng",
    "kinh",
    "tế",
    "đất",
    "đai",
    "bồi",
    "thường",
    "giải",
    "phóng",
    "mặt",
    "bằng",
    "nước",
    "ở",
    "đâu",
    "khỏe",
    "mạnh",
    "yêu",
    "thương",
    "ước",
    "mơ",
    "ngữ",
    "pháp",
    "tiếng",
    "anh",
    "học",
    "sinh",
    "giỏi",
]
CAPITALIZABLE = [w for w in WORDS if w[0].upper() in "ĂÂÊÔƠƯĐ" or w[0].isascii()]


def _sentence(words: list[str], capitalize: bool) -> str:
    text = " ".join(words)
    return (text[0].upper() + text[1:] + ".") if capitalize else text + "."


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_legacy_round_trip(encoding: str, data: st.DataObject) -> None:
    pool = CAPITALIZABLE if encoding == "tcvn3" else WORDS
    sentences = data.draw(
        st.lists(st.lists(st.sampled_from(WORDS), min_size=4, max_size=10), min_size=2, max_size=4)
    )
    first = data.draw(st.sampled_from(pool))
    text = " ".join(_sentence([first, *words], capitalize=True) for words in sentences)
    assert decode_bytes(ENCODERS[encoding](text), source="x") == text


@pytest.mark.parametrize("text", ["Nam nam nam nam hòa.", "Hòa bình.", "Thủy điện hoà bình."])
def test_old_style_tone_marks_settle_ties_like_new_style(text: str) -> None:
    # One legacy byte reads as hòa (VISCII), hũa (TCVN3) or hịa (VNI): the tone model
    # counted "hoà", and must know "hòa" is the same word (found by the round-trip test).
    assert decode_bytes(ENCODERS["viscii"](text), source="x") == text
