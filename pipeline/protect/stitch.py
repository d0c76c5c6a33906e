"""The last resort: translate the text between protected spans, and put the spans' English between.

Used only when the protected and the unprotected translations both lost a
span. The words around a span keep Vietnamese order, so the English reads
worse, but every number, name and term stands exactly as it must; the
segment is flagged so a reader knows.
"""

from __future__ import annotations

import re

from pipeline.protect.spans import ProtectedSpan

_EDGE = re.compile(r"^(?P<lead>[\W_]*)(?P<core>.*?)(?P<trail>[\W_]*)$", re.DOTALL)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)]*$")
_SPACE_BEFORE = re.compile(r"\s+([,.;:!?%)\]}”’])")
_SPACE_AFTER = re.compile(r"([(\[{“‘])\s+")


def pieces(source: str, spans: list[ProtectedSpan]) -> list[str | ProtectedSpan]:
    """``source`` cut at its spans: text pieces (maybe empty) alternating with spans."""
    out: list[str | ProtectedSpan] = []
    last = 0
    for span in spans:
        out.append(source[last : span.start])
        out.append(span)
        last = span.end
    out.append(source[last:])
    return out


def split_edges(piece: str) -> tuple[str, str, str]:
    """Punctuation before, words, punctuation after: only the words go to the model."""
    match = _EDGE.match(piece)
    assert match is not None  # the pattern matches any string
    return match["lead"], match["core"], match["trail"]


def fit(translation: str, core: str) -> str:
    """A piece's translation fitted to where it stands in the sentence.

    The model treats every piece as a sentence: it capitalises the first word
    and adds a full stop. Both are undone unless the Vietnamese had them.
    """
    text = translation.strip()
    if not _SENTENCE_END.search(core):
        text = re.sub(r"[.!?…]+$", "", text)
    if core[:1].islower() and text[:1].isupper() and text[1:2].islower():
        text = text[0].lower() + text[1:]
    return text


def join(parts: list[str], *, capitalise: bool = True) -> str:
    """One sentence from its parts: single spaces, none before closing punctuation.

    ``capitalise`` upper-cases the first letter when it opens the sentence.
    """
    text = " ".join(p.strip() for p in parts if p.strip())
    text = _SPACE_AFTER.sub(r"\1", _SPACE_BEFORE.sub(r"\1", text))
    first = re.search(r"[^\W\d_]", text)
    if capitalise and first is not None and not text[: first.start()].strip(" \"'“‘(["):
        text = text[: first.start()] + text[first.start()].upper() + text[first.start() + 1 :]
    return text
