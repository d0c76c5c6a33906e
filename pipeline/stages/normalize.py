"""The ``normalize`` stage: clean text and set page residue aside."""

from __future__ import annotations

from typing import ClassVar

from pipeline.document import Document, Removed
from pipeline.settings import NormalizeSettings
from pipeline.stages.base import Stage
from pipeline.text.normalize import normalize_text
from pipeline.text.residue import detect_residue
from pipeline.text.segment import split_paragraphs


class NormalizeStage(Stage):
    """NFC, whitespace and tone-mark style; residue is recorded in ``doc.removed``.

    The text keeps the residue so every offset still points into one string;
    ``segment`` skips the removed spans, and writers list them as removed.
    """

    name: ClassVar[str] = "normalize"
    Settings = NormalizeSettings
    requires: ClassVar[frozenset[str]] = frozenset({"text"})
    provides: ClassVar[frozenset[str]] = frozenset({"normalized"})

    def __call__(self, doc: Document) -> Document:
        settings: NormalizeSettings = self.settings  # type: ignore[assignment]
        doc.text = normalize_text(doc.text, tone_style=settings.tone_style)
        doc.removed = []
        if settings.remove_residue:
            spans = split_paragraphs(doc.text)
            residue = detect_residue([doc.text[s:e] for s, e in spans])
            doc.removed = [
                Removed(start=s, end=e, text=doc.text[s:e], reason=residue[i])
                for i, (s, e) in enumerate(spans)
                if i in residue
            ]
        doc.stages.append(self.name)
        return doc

    def signature(self) -> str:
        settings: NormalizeSettings = self.settings  # type: ignore[assignment]
        return f"norm:nfc+tone-{settings.tone_style}" + (
            "+residue" if settings.remove_residue else ""
        )
