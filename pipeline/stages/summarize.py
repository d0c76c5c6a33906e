"""The ``summarize`` stage: summaries in Vietnamese and English, by a registered method.

``summarize.method`` names a strategy in ``pipeline.registry.SUMMARIZERS``
(``lead``, ``model``); the stage batches documents and leaves the rest to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from pipeline import registry
from pipeline.document import Document
from pipeline.settings import SummarizeSettings
from pipeline.stages.base import Stage, chunked, run_batch


class SummarizeStage(Stage):
    """Summarize each document with the configured method."""

    name: ClassVar[str] = "summarize"
    Settings = SummarizeSettings
    requires: ClassVar[frozenset[str]] = frozenset({"segments"})
    provides: ClassVar[frozenset[str]] = frozenset({"summaries"})

    def __init__(self, settings: Any, *, context: dict[str, Any] | None = None) -> None:
        super().__init__(settings, context=context)
        self.summarizer = registry.get_summarizer(settings.method)(settings, context=self.context)
        self.requires = self.requires | self.summarizer.requires

    def __call__(self, doc: Document) -> Document:
        self._summarize([doc])
        return doc

    def pipe(self, docs: Iterable[Document], *, batch_size: int = 16) -> Iterator[Document]:
        for chunk in chunked(docs, batch_size):
            run_batch(chunk, self.name, self._summarize)
            yield from chunk

    def _summarize(self, docs: list[Document]) -> None:
        self.summarizer.summarize(docs)
        for doc in docs:
            doc.stages.append(self.name)

    def signature(self) -> str:
        return f"sum:{self.summarizer.signature()}"

    def describe(self) -> dict[str, Any]:
        return self.summarizer.describe()
