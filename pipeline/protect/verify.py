"""Does an English text carry a protected span? By value for numbers, by spelling for the rest.

Used on outputs the pipeline cannot check by placeholder tokens: a model that
got the English written into its input (inline mode), and the retry without
protection. "8,500,000 dong" is carried by "8.5 million dong" too (values
written in digits only: "a few" does not carry "1"); a name by its spelling
with or without diacritics; a term by its exact English.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.protect.names import ascii_fold
from pipeline.protect.spans import ProtectedSpan
from pipeline.quality.english import WordIndex, english_spans
from pipeline.quality.numbers import CURRENCY_LABELS

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
    values = _digit_values(text) if any(s.kind in NUMERIC_KINDS for s in spans) else set()
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
        if span.kind in NUMERIC_KINDS and _carries_values(span, values, text):
            continue
        if words is not None and span.kind in ("latin", "code") and words.has_name(span.text):
            continue
        missing.append(span)
    return missing


def _carries_values(span: ProtectedSpan, values: set, text: str) -> bool:
    """Every value of the span is there ("6/3/2024" needs the date and the year), and an
    amount's currency word too ("25 billion" alone is not "25 billion dong")."""
    if not span.accepted or not all(accepted & values for accepted in span.accepted):
        return False
    if span.kind == "amount":
        label = "VND" if span.en.startswith("VND") else "dong"
        return CURRENCY_LABELS[label].search(text) is not None
    return True


def _digit_values(text: str) -> set:
    """Values the English writes in digits (and month names): "a few" is not the number 1."""
    return {value for _, _, values in english_spans(text) for value in values}


def _fold(text: str) -> str:
    """Case and diacritics do not matter ("Nguyễn" is carried by "Nguyen"), spacing neither."""
    return " ".join(ascii_fold(text).casefold().split())


def _count(haystack: str, needle: str) -> int:
    if not needle:
        return 0
    # A number inside a longer one does not count: "97" is not in "97.7", nor "2" in "2,5".
    return len(
        re.findall(rf"(?<![^\W_])(?<![0-9][.,]){re.escape(needle)}(?![^\W_]|[.,][0-9])", haystack)
    )
