"""Does an English text carry a protected span? By value for numbers, by spelling for the rest.

Used on outputs the pipeline cannot check by placeholder tokens: a model that
got the English written into its input (inline mode), and the retry without
protection. "8,500,000 dong" is carried by "8.5 million dong" too; a name by
its spelling with or without diacritics; a term by its exact English.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.protect.names import ascii_fold
from pipeline.protect.spans import ProtectedSpan
from pipeline.quality.english import WordIndex, english_values

NUMERIC_KINDS = frozenset({"number", "amount", "percent", "date", "month", "time"})


def lost(spans: list[ProtectedSpan], text: str, *, each: bool = True) -> list[ProtectedSpan]:
    """The spans ``text`` does not carry.

    Args:
        spans: the protected spans of the source.
        text: an English output.
        each: count repeats: two spans with the same English need it twice
            (a model given the English inline must copy each one).

    Returns:
        The spans missing from ``text``, in order.
    """
    if not spans:
        return []
    folded = _fold(text)
    values = english_values(text) if any(s.kind in NUMERIC_KINDS for s in spans) else set()
    words = WordIndex(text) if any(s.kind in ("latin", "code") for s in spans) else None
    needed = Counter(_fold(s.en) for s in spans) if each else Counter()
    missing = []
    for span in spans:
        wanted = _fold(span.en)
        found = _count(folded, wanted)
        if each and found < needed[wanted]:
            found = 0
        if found:
            continue
        if span.kind in NUMERIC_KINDS and span.accepted & values:
            continue
        if words is not None and span.kind in ("latin", "code") and words.has_name(span.text):
            continue
        missing.append(span)
    return missing


def _fold(text: str) -> str:
    """Case and diacritics do not matter ("Nguyễn" is carried by "Nguyen"), spacing neither."""
    return " ".join(ascii_fold(text).casefold().split())


def _count(haystack: str, needle: str) -> int:
    if not needle:
        return 0
    return len(re.findall(rf"(?<![^\W_]){re.escape(needle)}(?![^\W_])", haystack))
