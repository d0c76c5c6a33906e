"""The lead method: the first sentences of the body and their translations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from pipeline.document import FLAG_BYLINE, FLAG_HEADLINE, Document, Segment
from pipeline.settings import LeadSummarizeSettings
from pipeline.summarize.base import Summarizer


class LeadSummarizer(Summarizer):
    """News puts its facts first, so its first sentences are a strong extractive summary."""

    name: ClassVar[str] = "lead"
    Settings = LeadSummarizeSettings

    def __init__(self, settings: Any, *, context: dict[str, Any]) -> None:
        super().__init__(settings, context=context)
        # The English summary is the lead sentences' own translations; en.mode off
        # (Vietnamese summaries only) lets a pipeline without translate summarize.
        self.english = settings.en.mode == "translate"
        self.requires = frozenset({"translations"} if self.english else set())

    def summarize(self, docs: list[Document]) -> None:
        for doc in docs:
            lead = lead_summary(doc, self.settings.lead_sentences)
            doc.summaries.update(lead if self.english else {"vi": lead["vi"]})

    def signature(self) -> str:
        """``lead-2``, or ``lead-2|en:off`` without English summaries."""
        return f"lead-{self.settings.lead_sentences}" + ("" if self.english else "|en:off")

    def describe(self) -> dict[str, Any]:
        return {"method": self.name, "lead_sentences": self.settings.lead_sentences}


def lead_segments(doc: Document, n: int) -> list[Segment]:
    """The first ``n`` sentences of the body (headline and byline skipped, unless that is all)."""
    body = [s for s in doc.segments if not {FLAG_HEADLINE, FLAG_BYLINE} & set(s.flags)]
    return (body or doc.segments)[:n]


def lead_summary(doc: Document, n: int) -> dict[str, str]:
    """``{"vi", "en"}``: the first ``n`` body sentences and their translations ("" if none)."""
    lead = lead_segments(doc, n)
    return {
        "vi": lead_text([seg.vi for seg in lead], n),
        "en": lead_text([seg.en or "" for seg in lead], n).strip(),
    }


def lead_text(sentences: Sequence[str], n: int) -> str:
    """The first ``n`` sentences joined by spaces: the lead summary, and training's baseline."""
    return " ".join(sentences[:n])
