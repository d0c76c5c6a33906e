"""Move tone marks between the old (hòa, thủy) and new (hoà, thuỷ) placements.

Vietnamese has two accepted spellings for open syllables whose rhyme is
"oa", "oe" or "uy": the old style puts the tone on the first vowel, the new
style (Ministry of Education rules, 1980s) on the second. Syllables with a
final consonant (hoàng, tuyết) and the "qu"/"gi" onsets (quý, giá) are
spelled the same in both styles and are left alone.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining tone marks: grave, acute, tilde, hook above, dot below.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_ONSET_LETTERS = frozenset("bcdđghklmnprstvx")
_RHYMES = frozenset({"oa", "oe", "uy"})
# Only words ending in a/e/y (with any tone) can hold an oa/oe/uy rhyme.
_WORD = re.compile(r"[^\W\d_]*[aeyàáảãạèéẻẽẹỳýỷỹỵAEYÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ](?![^\W\d_])")


@lru_cache(maxsize=4096)
def split_tone(char: str) -> tuple[str, str]:
    """Return ``(char without tone, tone mark or "")`` for one character."""
    decomposed = unicodedata.normalize("NFD", char)
    tones = "".join(c for c in decomposed if c in TONE_MARKS)
    if not tones:
        return char, ""
    base = "".join(c for c in decomposed if c not in TONE_MARKS)
    return unicodedata.normalize("NFC", base), tones


def _retone(word: str, old: bool) -> str:
    """Place the tone of one syllable; return it unchanged if the rule does not apply."""
    if len(word) < 2:
        return word
    parts = [split_tone(c) for c in word]
    tones = [t for _, t in parts if t]
    if len(tones) != 1 or len(tones[0]) != 1:
        return word
    base = "".join(b for b, _ in parts)
    lower = base.lower()
    rhyme, onset = lower[-2:], lower[:-2]
    if rhyme not in _RHYMES or not set(onset) <= _ONSET_LETTERS or onset.endswith("q"):
        return word
    target = len(word) - (2 if old else 1)
    chars = [b for b, _ in parts]
    chars[target] = unicodedata.normalize("NFC", chars[target] + tones[0])
    return "".join(chars)


def to_old_style(text: str) -> str:
    """Rewrite "hoà, thuỷ, hoá" as "hòa, thủy, hóa".

    Args:
        text: NFC text.

    Returns:
        The text with tone marks on the first vowel of open oa/oe/uy rhymes.
    """
    return _WORD.sub(lambda m: _retone(m.group(), old=True), text)


def _mark_free(char: str) -> str:
    """The letter under every diacritic of ``char``: "ệ" -> "e", "Đ" -> "D"."""
    if char in "đĐ":
        return "d" if char == "đ" else "D"
    decomposed = unicodedata.normalize("NFD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)) or char


class _Unmarked(dict[int, str]):
    """Lazily filled ``str.translate`` table from a letter to its mark-free form."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        self[code] = char if char.isascii() else _mark_free(char)
        return self[code]


_UNMARKED = _Unmarked()


def strip_marks(text: str) -> str:
    """Remove every diacritic (tones, breve, circumflex, horn, the bar of đ).

    This is how Vietnamese looks when typed without marks; each NFC letter
    maps to one letter, so the result has the length of the input.

    Args:
        text: NFC text.

    Returns:
        ``text`` with "Tiếng Việt" written as "Tieng Viet".
    """
    return text.translate(_UNMARKED)


def to_new_style(text: str) -> str:
    """Rewrite "hòa, thủy, hóa" as "hoà, thuỷ, hoá".

    Args:
        text: NFC text.

    Returns:
        The text with tone marks on the second vowel of open oa/oe/uy rhymes.
    """
    return _WORD.sub(lambda m: _retone(m.group(), old=False), text)
