"""A byline is names: its English is the names written as names, never a translation.

A model asked to translate "Thu Trang – Công Luận" reads the words
("autumn", "public opinion") and writes "Shops - Confusion". The segment stage
flags the byline; the translate stage writes it here instead.
"""

from __future__ import annotations

from pipeline.protect.names import Name, NameStyle, gazetteer, name_key, render_name
from pipeline.protect.spans import ProtectedSpan
from pipeline.text.segment import byline_names


def byline_spans(text: str, style: NameStyle) -> list[ProtectedSpan]:
    """The names of a byline as protected spans; nothing unless names and punctuation are all.

    A byline with words besides its names ("Minh Anh và Thu Hà", "… (tổng hợp)")
    is left to the model, like any other sentence.
    """
    found = byline_names(text)
    rest = text
    for start, end in found:
        rest = rest[:start] + " " * (end - start) + rest[end:]
    if not found or any(c.isalpha() for c in rest):
        return []
    places = gazetteer()
    spans = []
    for start, end in found:
        name = Name(start, end, text[start:end], places.get(name_key(text[start:end])))
        spans.append(ProtectedSpan("name", start, end, name.text, render_name(name, style)))
    return spans


def write_byline(text: str, spans: list[ProtectedSpan]) -> str:
    """``text`` with each span's English in its place (the separators kept)."""
    parts, position = [], 0
    for span in spans:
        parts += [text[position : span.start], span.en]
        position = span.end
    return "".join([*parts, text[position:]]).strip()
