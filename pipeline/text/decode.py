"""Turn the bytes of one input file into Unicode text, whatever Vietnamese encoding it uses.

Old Vietnamese documents still arrive in TCVN3, VNI, VISCII, VIQR or
Windows-1258. Decoding them as UTF-8 or cp1252 gives readable-looking garbage
("ViÖt Nam", "Vieät Nam") that a translation model cannot use, so each
plausible decoding is scored by how many real Vietnamese syllables it yields
and the best one wins.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from pathlib import Path

from pipeline.errors import InputError
from pipeline.text.legacy import (
    decode_cp1258,
    decode_tcvn3,
    decode_viqr,
    decode_viscii,
    decode_vni,
)
from pipeline.text.syllables import score

logger = logging.getLogger(__name__)

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (docx, xlsx, epub?)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Word/Excel file"),
    (b"{\\rtf", "an RTF document"),
    (b"\x7fELF", "an executable"),
    (b"RIFF", "a RIFF media file"),
    (b"OggS", "an Ogg media file"),
    (b"ID3", "an MP3 file"),
)
# Bytes below 0x20 that text may hold: tab, line feed, form feed, carriage
# return, and the six VISCII capitals (Ẳ Ẵ Ẫ Ỷ Ỹ Ỵ).
_TEXT_CONTROLS = frozenset(b"\t\n\x0c\r\x02\x05\x06\x14\x19\x1e\x1a")
MAX_CONTROL_SHARE = 0.02
# A legacy decoding must turn most of its non-ASCII words into syllables.
MIN_GOOD_SHARE = 0.8
# UTF-8 with a few broken sequences (a truncated download) is kept, with a warning.
MAX_REPLACED_SHARE = 0.001
# Scoring the start of a long file decides as well as scoring all of it.
SCORED_CHARS = 100_000
# VIQR is plain ASCII, so it is converted only when marks are everywhere.
MIN_VIQR_WORDS = 3
MIN_VIQR_SHARE = 0.15

# Tried in this order; when two read equally well (TCVN3 "Những" is VISCII "Nhọng"), the
# first wins, so the order is how common each still is in Vietnamese files.
_LEGACY: dict[str, Callable[[bytes], str]] = {
    "tcvn3": decode_tcvn3,
    "vni": decode_vni,
    "windows-1258": decode_cp1258,
    "viscii": decode_viscii,
}


def decode_bytes(data: bytes, *, source: str) -> str:
    """Decode one file's bytes to NFC text.

    UTF-8 (with or without BOM) and BOM-marked UTF-16/32 are read directly.
    Otherwise Windows-1258, VISCII, TCVN3 and VNI are each tried and scored
    by the Vietnamese syllables they produce; ASCII text that is clearly VIQR
    is converted too.

    Args:
        data: the raw file content.
        source: the file name, for error messages.

    Returns:
        The text in Unicode NFC.

    Raises:
        InputError: the bytes are binary, or no known encoding decodes them.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as e:
                raise InputError(source, f"invalid {encoding} after its byte-order mark") from e
            _check_text(text, source)
            return unicodedata.normalize("NFC", text)
    _check_binary(data, source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return unicodedata.normalize("NFC", _decode_legacy(data, source))
    if text.isascii():
        return _maybe_viqr(text, source)
    return unicodedata.normalize("NFC", text)


def _check_binary(data: bytes, source: str) -> None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise InputError(source, f"binary file ({kind}); convert it to plain text first")
    if b"\x00" in data:
        raise InputError(
            source, "binary file or UTF-16 without byte-order mark (contains NUL bytes)"
        )
    controls = sum(1 for b in data if b < 0x20 and b not in _TEXT_CONTROLS)
    if data and controls / len(data) > MAX_CONTROL_SHARE:
        raise InputError(source, f"binary file ({controls} control bytes); not plain text")


def _check_text(text: str, source: str) -> None:
    controls = sum(1 for c in text if c < " " and c not in "\t\n\x0c\r")
    if "\x00" in text or (text and controls / len(text) > MAX_CONTROL_SHARE):
        raise InputError(source, "binary content behind a byte-order mark; not plain text")


def _decode_legacy(data: bytes, source: str) -> str:
    """Pick the legacy decoding that yields the most Vietnamese syllables."""
    scored = []
    for name, decoder in _LEGACY.items():
        try:
            text = decoder(data)
        except UnicodeDecodeError:
            continue
        good, bad = score(text[:SCORED_CHARS])
        scored.append((good - 2 * bad, good, bad, name, text))
    replaced = data.decode("utf-8", errors="replace")
    good, bad = score(replaced[:SCORED_CHARS])
    scored.append((good - 2 * bad, good, bad, "utf-8", replaced))
    top = max(s[0] for s in scored)
    tied = [s for s in scored if s[0] == top]
    best = tied[0] if len(tied) == 1 else max(tied, key=lambda s: _commonness(s[4]))
    _, good, bad, name, text = best
    if name == "utf-8":
        broken = text.count("\ufffd")
        if broken <= max(1, len(text) * MAX_REPLACED_SHARE):
            logger.warning("%s: replaced %d invalid UTF-8 sequence(s)", source, broken)
            return text
    elif good and good >= MIN_GOOD_SHARE * (good + bad):
        logger.info("%s: decoded as %s (%d syllables, %d odd words)", source, name, good, bad)
        return text
    raise InputError(
        source,
        "not UTF-8 and not TCVN3, VNI, VISCII or Windows-1258 Vietnamese; convert it to UTF-8",
    )


# The bundled tone model knows how common each spelling is; it settles ties.
_TONE_MODEL = Path(__file__).resolve().parent.parent.parent / "models" / "vien-tones-vi"


def _commonness(text: str) -> float:
    """Summed unigram log-probability of the words: "Những" is common, "Nhọng" is not.

    Two legacy readings can both be valid syllables; the likelier words win.
    Without the bundled model (an installed package without ``models/``) every
    reading scores alike and the first encoding in ``_LEGACY`` order wins.
    """
    if not (_TONE_MODEL / "config.json").exists():
        return 0.0
    from pipeline.text.tone_model import load_tone_model

    model = load_tone_model(str(_TONE_MODEL))
    unseen = float(model.unigram.min()) - 5.0  # below any word the model has seen
    words = (w.strip(".,;:!?\"'()").lower() for w in text[:SCORED_CHARS].split())
    return sum(model.word_logp(w) if model.has_spelling(w) else unseen for w in words if w)


def _maybe_viqr(text: str, source: str) -> str:
    """Convert ASCII text only when it is clearly VIQR, never prose with stray marks."""
    converted, marked = decode_viqr(text)
    words = len(text.split())
    good, bad = score(converted[:SCORED_CHARS])
    clear = marked >= MIN_VIQR_WORDS and marked >= MIN_VIQR_SHARE * words
    if clear and good >= MIN_GOOD_SHARE * (good + bad):
        logger.info("%s: decoded as VIQR (%d marked words)", source, marked)
        return converted
    return text
