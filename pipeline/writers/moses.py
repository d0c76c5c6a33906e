"""Moses-style ``parallel.vi`` / ``parallel.en``: line N of one is line N of the other."""

from __future__ import annotations

from typing import ClassVar

from pipeline.document import Document
from pipeline.writers.base import CorpusWriter, one_line


class MosesWriter(CorpusWriter):
    files: ClassVar[tuple[str, ...]] = ("parallel.vi", "parallel.en")

    def write(self, doc: Document) -> None:
        for seg in doc.segments:
            self.handles["parallel.vi"].write(one_line(seg.vi) + "\n")
            self.handles["parallel.en"].write(one_line(seg.en) + "\n")
