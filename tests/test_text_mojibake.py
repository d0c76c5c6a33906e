"""Mojibake repair: UTF-8 read as cp1252 or latin-1, once or twice, and lost bytes."""

from __future__ import annotations

from pathlib import Path

import ftfy.bad_codecs  # noqa: F401 - registers "sloppy-windows-1252", how Windows reads cp1252
import pytest

from pipeline.document import FLAG_MOJIBAKE, Document
from pipeline.settings import NormalizeSettings
from pipeline.stages.normalize import NormalizeStage
from pipeline.text.decode import decode_bytes
from pipeline.text.mojibake import repair_mojibake
from pipeline.text.normalize import normalize_text

TEXT = (
    "Ông Nguyễn Văn Hòa chủ trì Hội nghị sơ kết đường lối “Dân vận khéo” – "
    "ỦY BAN ĐẠI HỘI, giai đoạn 2016…2021; giá 25°C, café."
)


def misread(text: str, *codecs: str) -> str:
    """``text`` as UTF-8 bytes read with each codec in turn."""
    for codec in codecs:
        text = text.encode("utf-8").decode(codec)
    return text


@pytest.mark.parametrize(
    "codecs",
    [
        ("sloppy-windows-1252",),
        ("latin-1",),
        ("sloppy-windows-1252", "sloppy-windows-1252"),
        ("latin-1", "latin-1"),
        ("latin-1", "sloppy-windows-1252"),
        ("sloppy-windows-1252", "sloppy-windows-1252", "sloppy-windows-1252"),
    ],
    ids=["cp1252", "latin1", "cp1252_twice", "latin1_twice", "latin1_then_cp1252", "thrice"],
)
def test_repairs_misdecoded_vietnamese(codecs: tuple[str, ...]) -> None:
    damaged = misread(TEXT, *codecs)
    assert damaged != TEXT
    assert repair_mojibake(damaged) == TEXT


@pytest.mark.parametrize(
    ("damaged", "expected"),
    [
        ("Ã´ng Ä‘Æ°á»ng", "ông đường"),  # the 0x9D of "ờ" dropped, as web pages do
        ("Äáº¡i há»™i", "Đại hội"),  # the 0x90 of "Đ" dropped
        ("Ä\ufffdáº¡i há»™i", "Đại hội"),  # ... or replaced by U+FFFD
        ("Ã”ng nÃ³i: â€œkhÃ©oâ€", "Ông nói: “khéo”"),  # the 0x9D of "”" dropped
    ],
    ids=["lost_9d", "lost_90", "replacement_char", "lost_quote"],
)
def test_puts_back_bytes_cp1252_lost(damaged: str, expected: str) -> None:
    assert repair_mojibake(damaged) == expected


@pytest.mark.parametrize(
    "text",
    [
        TEXT,
        TEXT.upper(),
        "HỌ ĐÃ ĐẾN NGÃ BA, BÃO SỐ 5",
        "Ärzte in München; naïve façade © 2020",
        "plain ASCII text",
    ],
    ids=["vietnamese", "capitals", "a_tilde_capitals", "german_french", "ascii"],
)
def test_leaves_correct_text_alone(text: str) -> None:
    assert repair_mojibake(text) == text


def test_ambiguous_lost_byte_needs_a_preference() -> None:
    damaged = "tá»"  # ờ, ở? no: E1 BB + 0x81/0x8D/0x8F/0x9D: tề, tọ, tỏ, tờ all fit
    assert repair_mojibake(damaged) == damaged
    assert repair_mojibake(damaged, prefer=lambda w: w == "tờ") == "tờ"


def test_doubly_misdecoded_file_comes_out_right(tmp_path: Path) -> None:
    seed = next((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
    original = seed.read_text(encoding="utf-8")
    damaged = tmp_path / "damaged.txt"
    damaged.write_bytes(misread(original, "sloppy-windows-1252", "sloppy-windows-1252").encode())
    doc = Document(id="d", source=str(damaged), text=decode_bytes(damaged.read_bytes(), source="d"))
    stage = NormalizeStage(NormalizeSettings(restore_tones="off"))
    doc = stage(doc)
    assert doc.text == normalize_text(original)
    assert doc.flags == [FLAG_MOJIBAKE]


def test_clean_file_is_not_flagged() -> None:
    stage = NormalizeStage(NormalizeSettings(restore_tones="off"))
    doc = stage(Document(id="d", source="d", text=TEXT))
    assert doc.flags == [] and doc.text == TEXT
