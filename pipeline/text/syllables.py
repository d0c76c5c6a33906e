"""Recognise well-formed Vietnamese syllables, to score candidate decodings.

A decoding that turns bytes into real syllables ("việt", "những") is almost
certainly right; a wrong one yields letters no syllable can hold ("ViÖt",
"Vieät"). Counting both kinds turns encoding detection into a scored choice.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pipeline.text.legacy_tables import TONE_MARKS, vietnamese_letters

_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
_NUCLEUS = (
    r"(?:uyê|uyu|uya|ươi|ươu|uôi|oai|oay|oeo|uây|iêu|yêu|"
    r"ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|uy|"
    r"ưa|ưi|ươ|ưu|yê|"
    r"[aăâeêioôơuưy])"
)
_CODA = r"(?:ch|ng|nh|[cmnpt])?"
_SYLLABLE = re.compile(_ONSET + _NUCLEUS + _CODA)
_WORD = re.compile(r"[^\W\d_]+")
LETTERS = frozenset(vietnamese_letters())
# Non-ASCII characters common in Vietnamese text that are not letters.
PUNCTUATION = frozenset("“”‘’–—…«»•°·€£¥©®™×÷§±½¼¾\u00a0")


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """True when ``word`` is one well-formed Vietnamese syllable with at most one tone."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(c in TONE_MARKS for c in decomposed) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    return _SYLLABLE.fullmatch(bare) is not None


def score(text: str) -> tuple[int, int]:
    """Count ``(good, bad)`` words: good are syllables with non-ASCII letters.

    Bad are words that hold non-ASCII characters yet are no syllable or mix
    case inside ("ViÖt"), plus
    any stray non-ASCII symbol that Vietnamese text does not use.
    """
    good = bad = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        mixed_case = not word.isupper() and any(c.isupper() for c in word[1:])
        if not mixed_case and all(c in LETTERS or c.isascii() for c in word) and is_syllable(word):
            good += 1
        else:
            bad += 1
    bad += sum(
        1
        for c in text
        if not c.isascii() and c not in LETTERS and c not in PUNCTUATION and not c.isalpha()
    )
    bad += sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r\x0c")
    return good, bad
