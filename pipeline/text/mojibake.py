"""Repair text that was mis-decoded before it reached vien ("Ã´ng" for "ông").

UTF-8 read as cp1252 or latin-1, once or twice, is undone by ftfy, which
only re-decodes what is clearly mojibake. ftfy cannot repair the common
web form where the bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90,
0x9D) were dropped or replaced by "�" ("Ä‘Æ°á»ng" for "đường", "Ä" for
"Đ"): each byte is put back by hand, and kept only when the word becomes a
Vietnamese syllable. When several bytes would fit ("tá»" can be tờ, tỏ, tọ
or tề) the optional ``prefer`` score chooses, or the word is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import ftfy
import ftfy.bad_codecs  # noqa: F401 - registers the "sloppy-windows-1252" codec

from pipeline.text.syllables import LETTERS, PUNCTUATION, is_syllable

# The bytes cp1252 has no character for: a decoder drops them or writes "�".
LOST_BYTES = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
# Bytes lost per word that are searched for.
MAX_LOST = 2
# Characters of a cp1252 reading of UTF-8 continuation bytes 0x80-0xBF.
_CONTINUATION = "\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ\ufffd"
# A word holding a cp1252 reading of UTF-8: "Ä" or "Æ" (lead bytes of Đ, đ, Ă, ă,
# Ơ, Ư..., and no Vietnamese letter), "á»", "áº", "â€", a C1 control, a Latin-1
# symbol, "Ã" before a continuation, or "�". A lone "Ã" is a Vietnamese capital.
_MARKER = f"(?:[ÄÆ\\u0080-\\u009f\\u00a1-\\u00bf\\ufffd]|á[»º]|â€|Ã[{_CONTINUATION}])"
# Words end at ASCII white space only: a cp1252 reading of "à" or "Ạ" holds a NBSP.
_SUSPECT = re.compile(f"[^ \\t\\n\\r\\f\\v]*{_MARKER}[^ \\t\\n\\r\\f\\v]*")
_HAS_MARKER = re.compile(_MARKER)
# Mis-decodings undone per word (UTF-8 read as cp1252 three times is the worst seen).
MAX_LEVELS = 3
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=False,
    decode_inconsistent_utf8=True,
    fix_c1_controls=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


def repair_mojibake(text: str, *, prefer: Callable[[str], float] | None = None) -> str:
    """Undo UTF-8 mis-read as cp1252/latin-1 (up to several times), and dropped bytes.

    Args:
        text: decoded text, before any normalization (control characters of
            the mis-decoding must still be there).
        prefer: scores a repaired word (higher is better) when more than one
            lost byte fits; without it such words stay as they are.

    Returns:
        The repaired text; ``text`` itself when nothing looked mis-decoded.
    """
    if text.isascii():
        return text
    # Words with lost bytes first: ftfy would take a space after "â€" for a lost NBSP.
    text = _SUSPECT.sub(lambda m: _repair_word(m.group(), prefer), text)
    return ftfy.fix_text(text, _CONFIG)


def _repair_word(word: str, prefer: Callable[[str], float] | None) -> str:
    """Undo the mis-decodings of one word, putting back lost bytes at the last one.

    The word is kept unless the result reads as Vietnamese, and unless exactly
    one reading does (or ``prefer`` picks one).
    """
    current = word
    for _ in range(MAX_LEVELS):
        if not _HAS_MARKER.search(current):
            break
        data = _as_bytes(current.replace("\ufffd", ""))
        if data is None:
            return word  # not a cp1252 or latin-1 reading of bytes: real text
        readings = {r for r in _decodings(data, MAX_LOST) if _vietnamese(r)}
        try:
            current = data.decode("utf-8")
            continue  # nothing lost at this level: peel the next one
        except UnicodeDecodeError:
            pass
        if len(readings) == 1:
            return readings.pop()
        if readings and prefer is not None:
            return max(sorted(readings), key=prefer)
        return word
    return current if current != word and _vietnamese(current) else word


def _as_bytes(text: str) -> bytes | None:
    """The bytes a cp1252 (or else latin-1) decoder read as ``text``, if any."""
    for codec in ("sloppy-windows-1252", "latin-1"):
        try:
            return text.encode(codec)
        except UnicodeEncodeError:
            continue
    return None


def _decodings(data: bytes, budget: int) -> Iterator[str]:
    """UTF-8 readings of ``data`` with up to ``budget`` lost bytes put back where decoding fails."""
    try:
        yield data.decode("utf-8")
        return
    except UnicodeDecodeError as e:
        if budget == 0:
            return
        for byte in LOST_BYTES:
            yield from _decodings(data[: e.end] + bytes([byte]) + data[e.end :], budget - 1)


def _vietnamese(word: str) -> bool:
    """True when ``word`` reads as Vietnamese: no mojibake left, its marked letter runs
    are syllables and its other non-ASCII characters are common punctuation."""
    if _HAS_MARKER.search(word):
        return False
    if any(not c.isascii() and not c.isalpha() and c not in PUNCTUATION for c in word):
        return False
    return all(
        r.isascii() or (all(c.isascii() or c in LETTERS for c in r) and is_syllable(r))
        for r in _LETTER_RUN.findall(word)
    )
