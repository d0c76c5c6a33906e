"""Property tests: segmenting loses nothing, writers round-trip, normalizing is idempotent."""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import Document, Paragraph, Segment
from pipeline.text.normalize import TONE_STYLES, normalize_text
from pipeline.text.segment import split_paragraphs, split_sentences
from pipeline.writers.tmx import TmxWriter, read_tmx
from pipeline.writers.tsv import TsvWriter, read_tsv

# Characters that drive the splitter (sentence marks, quotes, brackets, digits,
# Vietnamese letters, odd spaces and line breaks), mixed with any Unicode text.
NEWS = st.lists(
    st.sampled_from(
        list("Aaăâbcdđeêghiklmnoôơpqrstuưvxy ĐÀÁẢẠẶỆỘỨ0123456789 .,;:!?…\"“”‘’'«»()[]-–—*•/%")
        + ["TS.", "TP. ", "Q. 1", "1.700", " ông nói", "\n", "\n\n", "\t", "\u00a0", "\u2028"]
    ),
    max_size=120,
).map("".join)
TEXT = st.one_of(NEWS, st.text(max_size=200))


def _xml_char(char: str) -> bool:
    """XML 1.0 ``Char`` (the writer escapes CR, which XML would otherwise read back as LF)."""
    code = ord(char)
    return char in "\t\n\r" or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code > 0xFFFF


XML_TEXT = st.text(st.characters(codec="utf-8").filter(_xml_char), max_size=80)


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_segmenting_keeps_every_character_in_order(text: str) -> None:
    pieces, cursor = [], 0
    for p_start, p_end in split_paragraphs(text):
        for start, end in split_sentences(text, p_start, p_end):
            assert p_start <= start < end <= p_end
            gap = text[cursor:start]
            assert gap.strip() == "", (gap, text)
            pieces += [gap, text[start:end]]
            cursor = end
    assert text[cursor:].strip() == ""
    assert "".join(pieces) + text[cursor:] == text


@given(TEXT)
@settings(max_examples=200, deadline=None)
def test_every_non_space_character_is_in_one_sentence(text: str) -> None:
    text = normalize_text(text)
    covered = [0] * len(text)
    for p_start, p_end in split_paragraphs(text):
        for start, end in split_sentences(text, p_start, p_end):
            for i in range(start, end):
                covered[i] += 1
    assert all(n == 1 for i, n in enumerate(covered) if not text[i].isspace())
    assert all(n <= 1 for n in covered)


@pytest.mark.parametrize("tone_style", TONE_STYLES)
@given(text=TEXT)
@settings(max_examples=150, deadline=None)
def test_normalize_is_idempotent_and_nfc(tone_style: str, text: str) -> None:
    once = normalize_text(text, tone_style=tone_style)
    assert normalize_text(once, tone_style=tone_style) == once
    assert unicodedata.is_normalized("NFC", once)


def _document(pairs: list[tuple[str, str]]) -> Document:
    segments = [
        Segment(id=f"doc/p1/s{i}", vi=vi, en=en, start=0, end=0, flags=["retried"] * (i % 2))
        for i, (vi, en) in enumerate(pairs, start=1)
    ]
    return Document(
        id="doc",
        source="doc.txt",
        text="",
        paragraphs=[Paragraph(index=1, start=0, end=0, segments=segments)],
    )


def _round_trip(writer_class, read, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        with writer_class(out, run_info={"signature": "vien:test"}) as writer:
            writer.write(_document(pairs))
        return read(out / writer_class.files[0])


PAIRS = st.lists(st.tuples(XML_TEXT, XML_TEXT), min_size=1, max_size=5)


@given(PAIRS)
@settings(max_examples=150, deadline=None)
def test_tmx_round_trips_xml_legal_text(pairs: list[tuple[str, str]]) -> None:
    units = _round_trip(TmxWriter, read_tmx, pairs)
    assert [(vi, en) for _, vi, en in units] == pairs


@given(st.lists(st.tuples(st.text(max_size=80), st.text(max_size=80)), min_size=1, max_size=5))
@settings(max_examples=150, deadline=None)
def test_tsv_round_trips_any_text(pairs: list[tuple[str, str]]) -> None:
    rows = _round_trip(TsvWriter, lambda p: list(read_tsv(p)), pairs)
    assert [(r["vi"], r["en"]) for r in rows] == pairs


def test_tmx_stays_parseable_with_noncharacters() -> None:
    units = _round_trip(TmxWriter, read_tmx, [("Hà Nội\ufffe", "Hanoi\uffff")])
    assert [(vi, en) for _, vi, en in units] == [("Hà Nội", "Hanoi")]


@pytest.mark.parametrize(
    ("vi", "en"),
    [("Hà\x00Nội\x1b", "Ha\x07noi"), ("tab\tand\nnewline", "x")],
    ids=["control-characters-dropped", "tab-and-newline-kept"],
)
def test_tmx_drops_what_xml_cannot_carry(vi: str, en: str) -> None:
    ((_, got_vi, got_en),) = _round_trip(TmxWriter, read_tmx, [(vi, en)])
    keep = "\t\n"
    assert got_vi == "".join(c for c in vi if c >= " " or c in keep)
    assert got_en == "".join(c for c in en if c >= " " or c in keep)
