"""Find the spans of a sentence that must reach English unchanged in value, and their English.

One finder per kind, each claiming text in turn so spans never overlap:
URLs, e-mail addresses and @handles, then glossary terms, then what the number reader
finds (numbers, amounts, dates, times, codes), then Vietnamese names, then
Latin-script names that no Vietnamese name has taken ("Huoai" of "Đạ Huoai").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.protect.glossary import Glossary
from pipeline.protect.names import BLANK, BLANK_TERM, NameStyle, find_names, render_name
from pipeline.protect.render import (
    DateStyle,
    day_part_before,
    hours_only,
    render_items,
    unit_after,
)
from pipeline.quality.numbers import Currency, find_spans

URL = re.compile(
    r"(?<![\w@/.])(?:https?://|www\.)[^\s<>\"“”]+"
    r"|(?<![\w@/.])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:vn|com|net|org|gov|edu|info|io)"
    r"(?:/[^\s<>\"“”]*)?(?![\w.])",
    re.IGNORECASE,
)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_]{1,30}(?![\w@])")  # "@user13", copied as is
_TRAILING = ".,;:!?)]}’”'\""


@dataclass(frozen=True)
class ProtectedSpan:
    """A span of the translated text that must come through, and the English it becomes.

    Attributes:
        kind: number, amount, percent, date, month, time, code, url, email,
            handle (@user), latin (a Latin-script name), name (a Vietnamese name)
            or term (glossary).
        start, end: character offsets into the text the model translated.
        text: the Vietnamese as written.
        en: its English.
        accepted: for each value the span states (a date and its year are two), the
            values any one of which carries it in an English text (for checks).
    """

    kind: str
    start: int
    end: int
    text: str
    en: str
    accepted: tuple[frozenset, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The record writers store (``accepted`` is internal)."""
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "en": self.en,
        }


@dataclass(frozen=True)
class SpanOptions:
    """How spans are rendered: the user's choices from ``translate`` settings."""

    glossary: Glossary
    currency: Currency = "dong"
    date_style: DateStyle = "month_day"
    name_style: NameStyle = "ascii"


class SpanFinder:
    """Finds the protected spans of sentences (see the module docstring for the order)."""

    def __init__(self, options: SpanOptions) -> None:
        self.options = options

    def find(self, text: str) -> list[ProtectedSpan]:
        """The protected spans of ``text``, in order, never overlapping."""
        claimed = _Claims(text)
        for kind, pattern in (("email", EMAIL), ("url", URL), ("handle", HANDLE)):
            for match in pattern.finditer(text):
                end = match.end() - (len(match.group()) - len(match.group().rstrip(_TRAILING)))
                claimed.add(kind, match.start(), end, text[match.start() : end])
        for term in self.options.glossary.find(claimed.blanked()):
            claimed.add("term", term.start, term.end, term.english)
        latin = []
        blanked = claimed.blanked()
        for span in find_spans(blanked, currency=self.options.currency):
            if span.items[0].kind == "name":
                latin.append(span)
                continue
            self._add_number(claimed, span, blanked)
        for name in find_names(claimed.blanked()):
            claimed.add("name", name.start, name.end, render_name(name, self.options.name_style))
        for span in latin:
            kind = "code" if any(c.isdigit() for c in text[span.start : span.end]) else "latin"
            claimed.add(kind, span.start, span.end, render_items(span.items, "month_day"))
        return claimed.spans()

    def _add_number(self, claimed: _Claims, span: Any, blanked: str) -> None:
        text = claimed.text
        first = span.items[0]
        start, end = span.start, span.end
        if first.kind == "time":
            digits = hours_only(text, start, end)
            if digits is not None:
                claimed.add("number", *digits, text[digits[0] : digits[1]].lstrip("0") or "0")
                return
        kind = first.kind
        if kind == "number" and text[end : end + 2].lstrip(" ").startswith("%"):
            kind = "percent"
        values = tuple(item.accepted for item in span.items)
        english = render_items(span.items, self.options.date_style)
        if kind == "date":
            start, english = day_part_before(text, start, english) or (start, english)
        elif kind == "number":
            # Read in the blanked text: a unit that a glossary term took stays the term's.
            end, english = unit_after(blanked, end, english) or (end, english)
        claimed.add(kind, start, end, english, values)


class _Claims:
    """Spans claimed so far; later finders see claimed text blanked out."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._spans: list[ProtectedSpan] = []

    def add(
        self, kind: str, start: int, end: int, english: str, accepted: tuple[frozenset, ...] = ()
    ) -> None:
        if start >= end or any(start < s.end and s.start < end for s in self._spans):
            return
        self._spans.append(ProtectedSpan(kind, start, end, self.text[start:end], english, accepted))

    def blanked(self) -> str:
        chars = list(self.text)
        for span in self._spans:
            blank = BLANK_TERM if span.kind == "term" else BLANK
            chars[span.start : span.end] = blank * (span.end - span.start)
        return "".join(chars)

    def spans(self) -> list[ProtectedSpan]:
        return sorted(self._spans, key=lambda s: s.start)
