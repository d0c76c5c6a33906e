"""Sentence case for sentences written all in capitals (headlines).

Translation models learn from news text in sentence case; a headline in
capitals reaches them as rare, split-up pieces and comes out as noise
("S SOOT 2 Tensing THINE…" against "Surget 2 this year's … program").
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]{2,}")
MIN_WORDS = 3
MIN_CAPITAL_SHARE = 0.8


def is_shouting(text: str) -> bool:
    """True when most words of ``text`` (three or more) are written in capitals."""
    words = _WORD.findall(text)
    return len(words) >= MIN_WORDS and sum(w.isupper() for w in words) >= MIN_CAPITAL_SHARE * len(
        words
    )


def unshout(text: str) -> str:
    """``text`` in sentence case when it is written in capitals, else unchanged.

    Character for character, so offsets into the result are offsets into ``text``.
    """
    if not is_shouting(text):
        return text
    lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    first = next((i for i, c in enumerate(lowered) if c.isalpha()), None)
    if first is None:
        return lowered
    return lowered[:first] + lowered[first].upper() + lowered[first + 1 :]
