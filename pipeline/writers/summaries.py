"""``summaries.jsonl``: one line per document with its summaries and metadata."""

from __future__ import annotations

import json
from typing import ClassVar

from pipeline.document import Document
from pipeline.writers.base import CorpusWriter


class SummariesWriter(CorpusWriter):
    files: ClassVar[tuple[str, ...]] = ("summaries.jsonl",)

    def write(self, doc: Document) -> None:
        record = {
            "doc_id": doc.id,
            "source": doc.source,
            "title": doc.metadata.get("title"),
            "byline": doc.metadata.get("byline"),
            "summary_vi": doc.summaries.get("vi"),
            "summary_en": doc.summaries.get("en"),
            "sentences": len(doc.segments),
        }
        self.handles["summaries.jsonl"].write(json.dumps(record, ensure_ascii=False) + "\n")
