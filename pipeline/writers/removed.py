"""``removed.jsonl``: every span kept out of translation, and why."""

from __future__ import annotations

import json
from typing import ClassVar

from pipeline.document import Document
from pipeline.writers.base import CorpusWriter


class RemovedWriter(CorpusWriter):
    files: ClassVar[tuple[str, ...]] = ("removed.jsonl",)

    def write(self, doc: Document) -> None:
        for r in doc.removed:
            record = {
                "doc_id": doc.id,
                "reason": r.reason,
                "start": r.start,
                "end": r.end,
                "text": r.text,
            }
            self.handles["removed.jsonl"].write(json.dumps(record, ensure_ascii=False) + "\n")
