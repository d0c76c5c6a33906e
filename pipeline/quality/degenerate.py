"""Recognise degenerate translations: loops, empty output, copied source, absurd length.

Neural decoders fail in a few recognisable ways (Holtzman et al., "The Curious
Case of Neural Text Degeneration", ICLR 2020): they loop on a short phrase,
stop at once, or echo the input. Each failure has a cheap surface signature,
so a segment can be flagged, and retried with safer decoding, without a model.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from pipeline.document import FLAG_COPIED, FLAG_EMPTY, FLAG_LENGTH_RATIO, FLAG_REPETITION

# The flags ``diagnose`` gives; a segment with any of them has a degenerate output.
DEGENERATE_FLAGS = frozenset({FLAG_EMPTY, FLAG_REPETITION, FLAG_COPIED, FLAG_LENGTH_RATIO})

# A phrase of 1-4 tokens repeated this many times in a row is a loop; a single
# token needs one more, because "very, very, very" happens in real prose.
LOOP_MAX_NGRAM = 4
LOOP_MIN_RUNS = 3
LOOP_MIN_RUNS_UNIGRAM = 4
# One token making up more than this share of an output this long is a loop too.
DOMINANT_SHARE = 0.5
DOMINANT_MIN_TOKENS = 8
# An output in which at least this share of the words are lowercase Vietnamese
# words (names keep their marks in English, so capitalised words do not count)
# was not translated.
VIETNAMESE_SHARE = 0.5
VIETNAMESE_MIN_WORDS = 2
# Vietnamese and its English translation are about as long in characters
# (ratio ~1.0-1.3 on the included test set); far outside this band, words were
# dropped or invented. Short sources ("Hà Nội") vary too much to judge.
MIN_LENGTH_RATIO = 0.3
MAX_LENGTH_RATIO = 3.0
MIN_SOURCE_CHARS = 20

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
_WORD = re.compile(r"[^\W\d_]+")
_VIETNAMESE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")


def diagnose(source: str, output: str) -> list[str]:
    """Name what is wrong with one translation, if anything.

    Args:
        source: the Vietnamese segment.
        output: its English translation.

    Returns:
        Flag names from ``pipeline.document`` (``empty_output``, ``repetition``,
        ``copied_source``, ``length_ratio``), in that order; empty when the
        output looks sound.
    """
    if not output.strip():
        return [FLAG_EMPTY] if _WORD.search(source) else []
    flags = []
    if is_loop(tokens(output)) and not is_loop(tokens(source)):
        flags.append(FLAG_REPETITION)
    if is_copied(source, output):
        flags.append(FLAG_COPIED)
    if is_length_off(source, output):
        flags.append(FLAG_LENGTH_RATIO)
    return flags


def tokens(text: str) -> list[str]:
    """Casefolded word and punctuation tokens."""
    return _TOKEN.findall(text.casefold())


def is_loop(items: list[str]) -> bool:
    """True when an n-gram (n <= 4) repeats back to back, or one word dominates.

    Args:
        items: tokens of one text.
    """
    words = [t for t in items if t[0].isalnum()]
    if len(words) >= DOMINANT_MIN_TOKENS:
        _, top = Counter(words).most_common(1)[0]
        if top > DOMINANT_SHARE * len(words):
            return True
    return _longest_run(items, 1) >= LOOP_MIN_RUNS_UNIGRAM or any(
        _longest_run(items, n) >= LOOP_MIN_RUNS for n in range(2, LOOP_MAX_NGRAM + 1)
    )


def _longest_run(items: list[str], n: int) -> int:
    """The most times any n-gram occurs back to back in ``items``."""
    best = 1
    for offset in range(n):
        run = 1
        for i in range(offset + n, len(items) - n + 1, n):
            if items[i : i + n] == items[i - n : i]:
                run += 1
                best = max(best, run)
            else:
                run = 1
    return best


def is_copied(source: str, output: str) -> bool:
    """True when the output repeats the source or is mostly lowercase Vietnamese words.

    Names ("Thu Trang – Công Luận"), numbers and web addresses are rightly
    copied, so a verbatim copy counts only when the source holds a lowercase
    Vietnamese word.
    """
    if _squash(output) == _squash(source):
        return any(w[0].islower() and has_vietnamese_marks(w) for w in _WORD.findall(source))
    words = _WORD.findall(unicodedata.normalize("NFC", output))
    vietnamese = sum(1 for w in words if w[0].islower() and has_vietnamese_marks(w))
    return vietnamese >= VIETNAMESE_MIN_WORDS and vietnamese >= VIETNAMESE_SHARE * len(words)


def has_vietnamese_marks(word: str) -> bool:
    """True when ``word`` holds đ or a Vietnamese tone or vowel mark."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    return "đ" in decomposed or any(c in _VIETNAMESE_MARKS for c in decomposed)


def is_length_off(source: str, output: str) -> bool:
    """True when the output is under 0.3 or over 3 times as long as a source of 20+ characters."""
    source_chars = len(" ".join(source.split()))
    if source_chars < MIN_SOURCE_CHARS:
        return False
    ratio = len(" ".join(output.split())) / source_chars
    return ratio < MIN_LENGTH_RATIO or ratio > MAX_LENGTH_RATIO


def _squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
