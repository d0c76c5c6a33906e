"""The summarize stage's lead method and its requirements."""

from __future__ import annotations

import pytest

from pipeline.build import build_stages
from pipeline.config import validate_config
from pipeline.document import FLAG_BYLINE, FLAG_HEADLINE, Document, Paragraph, Segment
from pipeline.errors import StageError
from pipeline.stages.summarize import SummarizeStage


def document() -> Document:
    texts = [("Tiêu đề", "Headline"), ("Câu một.", "One."), ("Câu hai.", "Two."),
             ("Câu ba.", "Three."), ("Câu bốn.", "Four."), ("Thu Trang", "Thu Trang")]  # fmt: skip
    segments = [Segment(id=f"d/p{i}/s1", vi=vi, en=en, start=0, end=0) for i, (vi, en) in
                enumerate(texts, start=1)]  # fmt: skip
    segments[0].flag(FLAG_HEADLINE)
    segments[-1].flag(FLAG_BYLINE)
    paragraphs = [Paragraph(index=i, start=0, end=0, segments=[s]) for i, s in enumerate(segments)]
    return Document(id="d", source="d.txt", text="", paragraphs=paragraphs)


@pytest.mark.parametrize(("n", "vi", "en"), [
    (1, "Câu một.", "One."),
    (3, "Câu một. Câu hai. Câu ba.", "One. Two. Three."),
    (9, "Câu một. Câu hai. Câu ba. Câu bốn.", "One. Two. Three. Four."),
], ids=["lead-1", "lead-3", "longer-than-the-body"])  # fmt: skip
def test_lead_takes_the_first_body_sentences(n: int, vi: str, en: str) -> None:
    config = validate_config({"pipeline": ["summarize"],
                              "summarize": {"method": "lead", "lead_sentences": n}})  # fmt: skip
    stage = SummarizeStage(config.stages["summarize"], context={"config": config})
    doc = stage(document())
    assert doc.summaries == {"vi": vi, "en": en}
    assert stage.signature() == f"sum:lead-{n}"


def test_lead_needs_the_translations() -> None:
    config = validate_config({"pipeline": ["normalize", "segment", "summarize"],
                              "summarize": {"method": "lead"}})  # fmt: skip
    with pytest.raises(StageError, match="requires translations"):
        build_stages(config)
