"""The ``normalize`` stage: clean text, set page residue aside, find text without tone marks."""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

from pipeline.document import FLAG_MOJIBAKE, Document, Removed
from pipeline.settings import NormalizeSettings
from pipeline.stages.base import Stage
from pipeline.text.mojibake import repair_mojibake
from pipeline.text.normalize import normalize_text
from pipeline.text.residue import detect_residue
from pipeline.text.segment import split_paragraphs
from pipeline.text.tone_model import MODEL_FILE, ToneModel, load_tone_model
from pipeline.text.tones import to_old_style
from pipeline.text.unmarked import restore_unmarked

REPO = Path(__file__).resolve().parent.parent.parent
# Where normalize leaves the restored sentences for the segment stage:
# ``[[start, end, restored text], ...]`` in offsets of ``doc.text``.
RESTORED_KEY = "tones_restored"


class NormalizeStage(Stage):
    """Mojibake repair, NFC, whitespace and tone-mark style; residue goes to ``doc.removed``.

    The text keeps the residue so every offset still points into one string;
    ``segment`` skips the removed spans, and writers list them as removed.
    Sentences written without tone marks are restored beside the text, never
    in it, so ``vi`` always shows what the input said.
    """

    name: ClassVar[str] = "normalize"
    Settings = NormalizeSettings
    requires: ClassVar[frozenset[str]] = frozenset({"text"})
    provides: ClassVar[frozenset[str]] = frozenset({"normalized"})

    @property
    def _settings(self) -> NormalizeSettings:
        return self.settings  # type: ignore[return-value]

    @cached_property
    def tone_model(self) -> ToneModel | None:
        """The tone-restoration model, loaded on first use; None when restoration is off."""
        if self._settings.restore_tones == "off":
            return None
        return load_tone_model(str(self.tone_model_path))

    @property
    def tone_model_path(self) -> Path:
        """``tones_model`` from the working directory, else from the repository."""
        path = Path(self._settings.tones_model)
        if path.is_absolute() or path.exists():
            return path
        return REPO / path

    def __call__(self, doc: Document) -> Document:
        settings = self._settings
        if settings.repair_mojibake:
            model = self.tone_model
            repaired = repair_mojibake(doc.text, prefer=model.word_logp if model else None)
            if repaired != doc.text:
                doc.text = repaired
                doc.flag(FLAG_MOJIBAKE)
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
        doc.metadata.pop(RESTORED_KEY, None)
        if self.tone_model is not None:
            self._restore_tones(doc)
        doc.stages.append(self.name)
        return doc

    def _restore_tones(self, doc: Document) -> None:
        """Record restored forms of the sentences written without marks (residue skipped)."""
        assert self.tone_model is not None
        restored, spans = restore_unmarked(doc.text, self.tone_model)
        removed = [(r.start, r.end) for r in doc.removed]
        records = []
        for start, end in spans:
            if any(r_start <= start and end <= r_end for r_start, r_end in removed):
                continue
            text = restored[start:end]
            # The model writes the new style (hoà); "old" asks for hòa everywhere.
            if self._settings.tone_style == "old":
                text = to_old_style(text)
            records.append([start, end, text])
        if records:
            doc.metadata[RESTORED_KEY] = records

    def describe(self) -> dict[str, Any]:
        if self.tone_model is None:
            return {}
        data = (self.tone_model_path / MODEL_FILE).read_bytes()
        return {
            "tones_model": str(self.tone_model_path),
            "tones_checksum": hashlib.sha256(data).hexdigest(),
        }

    def signature(self) -> str:
        settings = self._settings
        return (
            f"norm:nfc+tone-{settings.tone_style}"
            + ("+residue" if settings.remove_residue else "")
            + ("+mojibake" if settings.repair_mojibake else "")
            + ("" if settings.restore_tones == "off" else f"+{Path(settings.tones_model).name}")
        )
