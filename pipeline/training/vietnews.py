"""Read the VietNews (VNDS) summarization files into natural Vietnamese text.

The files are word-segmented (``đàn_ông``) and tokenized (``ngày 17/7 .``):
both are undone so that the model reads and writes text as users type it.
"""

from __future__ import annotations

import json
import lzma
from dataclasses import dataclass
from pathlib import Path

from pipeline.summarize.lead import lead_text
from pipeline.training.detok import detokenize


@dataclass
class Article:
    """One article: its body sentences (one per line in the source) and its human summary."""

    id: str
    title: str
    body: list[str]
    summary: str

    @property
    def text(self) -> str:
        """The body as one model input."""
        return " ".join(self.body)

    def lead(self, k: int) -> str:
        """The first ``k`` body sentences: the pipeline's lead summary, the classic baseline."""
        return lead_text(self.body, k)


def desegment(text: str) -> str:
    """Undo word segmentation and tokenization of one line (``người_dân , `` -> ``người dân,``)."""
    return detokenize(text.replace("_", " "))


def read_vietnews(path: Path, limit: int | None = None) -> list[Article]:
    """Read a ``vietnews-*.jsonl.xz`` file (fields ``title_seg``, ``abstract_seg``, ``body_seg``).

    Args:
        path: the compressed JSON-lines file.
        limit: read only the first N articles.

    Returns:
        The articles with non-empty body and summary, in file order.
    """
    articles = []
    with lzma.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if limit is not None and len(articles) >= limit:
                break
            record = json.loads(line)
            body = [desegment(s) for s in record["body_seg"].split("\n")]
            article = Article(
                id=str(record["id"]),
                title=desegment(record["title_seg"]),
                body=[s for s in body if s],
                summary=desegment(record["abstract_seg"]),
            )
            if article.body and article.summary:
                articles.append(article)
    return articles
