"""The ``segment`` stage: paragraphs, then sentences, with offsets."""

from __future__ import annotations

from typing import ClassVar

from pipeline.document import (
    FLAG_BYLINE,
    FLAG_HEADLINE,
    FLAG_TONES_RESTORED,
    Document,
    Paragraph,
    Segment,
)
from pipeline.settings import SegmentSettings
from pipeline.stages.base import Stage
from pipeline.stages.normalize import RESTORED_KEY
from pipeline.text.segment import is_byline, is_headline, split_paragraphs, split_sentences


class SegmentStage(Stage):
    """Split ``doc.text`` into paragraphs and sentences, skipping removed residue.

    Paragraph and segment ids count only kept paragraphs, from 1, so they are
    stable for a given text and configuration.
    """

    name: ClassVar[str] = "segment"
    Settings = SegmentSettings
    requires: ClassVar[frozenset[str]] = frozenset({"text"})
    provides: ClassVar[frozenset[str]] = frozenset({"segments"})

    def __call__(self, doc: Document) -> Document:
        settings: SegmentSettings = self.settings  # type: ignore[assignment]
        removed = {(r.start, r.end) for r in doc.removed}
        spans = [span for span in split_paragraphs(doc.text) if span not in removed]
        doc.paragraphs = []
        for p_index, (p_start, p_end) in enumerate(spans, start=1):
            paragraph = Paragraph(index=p_index, start=p_start, end=p_end)
            sentences = split_sentences(doc.text, p_start, p_end)
            for s_index, (s_start, s_end) in enumerate(sentences, start=1):
                paragraph.segments.append(
                    Segment(
                        id=f"{doc.id}/p{p_index}/s{s_index}",
                        vi=doc.text[s_start:s_end],
                        start=s_start,
                        end=s_end,
                    )
                )
            doc.paragraphs.append(paragraph)
        self._attach_restored(doc)
        if settings.detect_headlines:
            self._mark_headline_and_byline(doc)
        doc.stages.append(self.name)
        return doc

    @staticmethod
    def _attach_restored(doc: Document) -> None:
        """Give each segment inside a span normalize restored its ``vi_restored``, and flag it."""
        restored = doc.metadata.pop(RESTORED_KEY, [])
        if not restored:
            return
        for segment in doc.segments:
            for start, end, text in restored:
                if start <= segment.start and segment.end <= end:
                    segment.vi_restored = text[segment.start - start : segment.end - start]
                    segment.flag(FLAG_TONES_RESTORED)
                    break

    @staticmethod
    def _mark_headline_and_byline(doc: Document) -> None:
        """Flag a leading headline and a trailing byline; copy them into metadata."""
        paragraphs = [p for p in doc.paragraphs if p.segments]
        if not paragraphs:
            return
        for paragraph in paragraphs[:2]:
            if len(paragraph.segments) == 1 and is_headline(paragraph.segments[0].vi):
                paragraph.segments[0].flag(FLAG_HEADLINE)
                doc.metadata.setdefault("title", paragraph.segments[0].vi)
                break
        last = paragraphs[-1]
        if len(paragraphs) > 1 and len(last.segments) == 1 and is_byline(last.segments[0].vi):
            last.segments[0].flag(FLAG_BYLINE)
            doc.metadata.setdefault("byline", last.segments[0].vi)
