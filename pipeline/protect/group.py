"""Fewer placeholders for the same spans: join the spans that stand side by side.

A small model copies three or four placeholders well and a dozen badly: given
"｟3｠, ｟4｠ ｟5｠ … giữa ｟7｠ ｟8｠ và ｟9｠" it repeats one token and drops others, and the
sentence falls back to clumsier outputs. Vietnamese writes a title before the
name it belongs to ("Chủ tịch UBND tỉnh Nguyễn Văn Hòa") and a body before the
body it belongs to ("Ban cán sự Đảng UBND tỉnh": the Party Personnel Committee
of the provincial People's Committee), so such runs have one English order and
can travel as one token. A range of numbers ("2016 – 2021") travels as one too.
"""

from __future__ import annotations

import re

from pipeline.protect.names import gazetteer, name_key
from pipeline.protect.spans import ProtectedSpan

_WORDS = frozenset({"term", "name"})
_SPACE = re.compile(r" +")
_COMMA = re.compile(r", +")
_DASH = re.compile(r" *[–-] *")


def group_spans(source: str, spans: list[ProtectedSpan]) -> list[ProtectedSpan]:
    """``spans`` with each run of neighbours that have one English order joined into one span.

    Joined: a term and the term or person's name right after it ("X of the Y",
    "X Y"), terms and names separated by a comma, and two numbers joined by a
    dash ("2016–2021"). A place name after a term is left alone, since English
    puts it first ("UBND tỉnh Kon Tum" is the Kon Tum provincial People's Committee).

    Args:
        source: the text the spans' offsets point into.
        spans: its protected spans, in order.

    Returns:
        The grouped spans, in order; the same spans when none stand side by side.
    """
    grouped: list[ProtectedSpan] = []
    for span in spans:
        joined = _join(source, grouped[-1], span) if grouped else None
        if joined is None:
            grouped.append(span)
        else:
            grouped[-1] = joined
    return grouped


def _join(source: str, left: ProtectedSpan, right: ProtectedSpan) -> ProtectedSpan | None:
    between = source[left.end : right.start]
    english = None
    if left.kind in _WORDS and right.kind in _WORDS:
        if _COMMA.fullmatch(between):
            english = f"{left.en}, {right.en}"
        elif _SPACE.fullmatch(between) and left.kind == "term":
            if right.kind == "term":
                of = "of" if right.en.lower().startswith("the ") else "of the"
                english = f"{left.en} {of} {right.en}"
            elif name_key(right.text) not in gazetteer():
                english = f"{left.en} {right.en}"
        kind = "term"
    elif left.kind == right.kind == "number" and _DASH.fullmatch(between):
        english = f"{left.en}–{right.en}"
        kind = "number"
    if english is None:
        return None
    return ProtectedSpan(
        kind,
        left.start,
        right.end,
        source[left.start : right.end],
        english,
        left.accepted + right.accepted,
    )
