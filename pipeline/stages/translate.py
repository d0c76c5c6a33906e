"""The ``translate`` stage: one English segment for every Vietnamese segment."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from pipeline.document import FLAG_SPLIT_LONG, Document
from pipeline.settings import GenerationSettings, TranslateSettings
from pipeline.stages.base import Stage, chunked, run_batch


def shared_generator(context: dict[str, Any], settings: GenerationSettings, *, cache: bool):
    """The run's one ``BatchedGenerator`` for a model, created on first use.

    Stages share it through the pipeline context, so the summarize stage's
    English summaries reuse the translate stage's loaded model and cache.
    """
    from pipeline.adapters.loading import load_adapter
    from pipeline.generation import BatchedGenerator

    generators = context.setdefault("generators", {})
    key = settings.model_dump_json()
    if key not in generators:
        generators[key] = BatchedGenerator(
            load_adapter(settings), batch_tokens=settings.batch_tokens, cache=cache
        )
    return generators[key]


class TranslateStage(Stage):
    """Translate every segment, batching sentences from many documents together."""

    name: ClassVar[str] = "translate"
    Settings = TranslateSettings
    requires: ClassVar[frozenset[str]] = frozenset({"segments"})
    provides: ClassVar[frozenset[str]] = frozenset({"translations"})

    @property
    def generator(self) -> Any:
        settings: TranslateSettings = self.settings  # type: ignore[assignment]
        return shared_generator(self.context, settings, cache=settings.cache)

    def __call__(self, doc: Document) -> Document:
        self._translate([doc])
        return doc

    def pipe(self, docs: Iterable[Document], *, batch_size: int = 16) -> Iterator[Document]:
        for chunk in chunked(docs, batch_size):
            run_batch(chunk, self.name, self._translate)
            yield from chunk

    def _translate(self, docs: list[Document]) -> None:
        segments = [s for d in docs for s in d.segments]
        outputs = self.generator.run([s.vi for s in segments])
        for segment, output in zip(segments, outputs, strict=True):
            segment.en = output.text
            segment.score = output.score
            if output.parts > 1:
                segment.flag(FLAG_SPLIT_LONG)
        for doc in docs:
            doc.stages.append(self.name)

    def describe(self) -> dict[str, Any]:
        return self.generator.adapter.describe()

    def signature(self) -> str:
        return self.generator.adapter.signature()
