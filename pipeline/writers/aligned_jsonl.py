"""``aligned.jsonl``: one line per segment, every field (protected spans included)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from pipeline.document import Document
from pipeline.writers.base import CorpusWriter


def segment_records(doc: Document) -> list[dict[str, Any]]:
    """Flat records of a document's segments, shared by the tabular writers."""
    return [
        {
            "id": seg.id,
            "doc_id": doc.id,
            "paragraph": paragraph.index,
            "vi": seg.vi,
            "vi_restored": seg.vi_restored,  # vi with its tone marks restored, or None
            "en": seg.en or "",
            "flags": list(seg.flags),
            "score": seg.score,
            "start": seg.start,
            "end": seg.end,
            # Spans the translate stage protected; offsets into the text it translated.
            "protected": [dict(span) for span in seg.protected],
        }
        for paragraph in doc.paragraphs
        for seg in paragraph.segments
    ]


class AlignedJsonlWriter(CorpusWriter):
    files: ClassVar[tuple[str, ...]] = ("aligned.jsonl",)

    def write(self, doc: Document) -> None:
        out = self.handles["aligned.jsonl"]
        for record in segment_records(doc):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
