"""A byline is names: its English is the names written as names, never a translation.

A model asked to translate "Thu Trang – Công Luận" reads the words
("autumn", "public opinion") and writes "Shops - Confusion". The segment stage
flags the byline; the translate stage writes its names' English in place of
them (``substitute.make_plan`` inline) instead of translating it.
"""

from __future__ import annotations

from pipeline.protect.names import Name, NameStyle, gazetteer, name_key, render_name
from pipeline.protect.spans import ProtectedSpan
from pipeline.protect.stitch import pieces
from pipeline.text.segment import byline_names


def byline_spans(text: str, style: NameStyle) -> list[ProtectedSpan]:
    """The names of a byline as protected spans; nothing unless names and punctuation are all.

    A byline with words besides its names ("Minh Anh và Thu Hà", "… (tổng hợp)")
    is left to the model, like any other sentence.
    """
    places = gazetteer()
    spans = []
    for start, end in byline_names(text):
        name = Name(start, end, text[start:end], places.get(name_key(text[start:end])))
        spans.append(ProtectedSpan("name", start, end, name.text, render_name(name, style)))
    between = "".join(p for p in pieces(text, spans) if isinstance(p, str))
    return [] if any(c.isalpha() for c in between) else spans
