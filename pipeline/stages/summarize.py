"""The ``summarize`` stage: abstractive summaries in Vietnamese and English."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from pipeline.chunking import group_to_fit
from pipeline.document import FLAG_BYLINE, FLAG_HEADLINE, Document, Segment
from pipeline.errors import StageError
from pipeline.generation import BatchedGenerator
from pipeline.settings import SummarizeSettings, SummaryModelSettings
from pipeline.stages.base import Stage, chunked, run_batch
from pipeline.stages.translate import shared_generator
from pipeline.text.segment import split_sentences


def summarize_texts(
    generator: BatchedGenerator, texts: list[str], settings: SummaryModelSettings
) -> list[str]:
    """Summarize each text; texts longer than the model's input go through rounds.

    A long text is cut into chunks of whole sentences that fit the model, each
    chunk is summarized, and the joined chunk summaries are summarized again,
    for at most ``max_rounds`` rounds (the last round's inputs are split to fit
    by the generator, never truncated).
    """
    adapter = generator.adapter
    options = {
        "num_beams": settings.num_beams,
        "max_new_tokens": settings.max_new_tokens,
        "min_new_tokens": settings.min_new_tokens,
        "no_repeat_ngram_size": settings.no_repeat_ngram_size,
        "length_penalty": settings.length_penalty,
    }
    current = list(texts)
    for _ in range(settings.max_rounds - 1):
        counts = adapter.count_tokens(current)
        if all(n <= adapter.max_input_tokens for n in counts):
            break
        chunked_texts: list[list[str]] = []
        for text, n in zip(current, counts, strict=True):
            chunked_texts.append(_chunks(text, adapter) if n > adapter.max_input_tokens else [text])
        flat = [c for chunks in chunked_texts for c in chunks]
        outputs = iter(generator.run(flat, **options))
        current = [" ".join(next(outputs).text for _ in chunks) for chunks in chunked_texts]
    return [o.text for o in generator.run(current, **options)]


def _chunks(text: str, adapter: Any) -> list[str]:
    sentences = [text[s:e] for s, e in split_sentences(text)]
    # Leave room for the special tokens each chunk gets.
    limit = adapter.max_input_tokens - 2
    counts = adapter.count_tokens(sentences)
    return [" ".join(sentences[i] for i in group) for group in group_to_fit(counts, limit)]


class SummarizeStage(Stage):
    """Vietnamese summary from the source; English by translation or an English model."""

    name: ClassVar[str] = "summarize"
    Settings = SummarizeSettings
    requires: ClassVar[frozenset[str]] = frozenset({"segments"})
    provides: ClassVar[frozenset[str]] = frozenset({"summaries"})

    def __init__(self, settings: Any, *, context: dict[str, Any] | None = None) -> None:
        super().__init__(settings, context=context)
        s: SummarizeSettings = settings
        if s.method == "lead":
            # Lead summaries are the sentences themselves; English comes with translate.
            self.requires = self.requires | {"translations"}
            return
        if s.en.mode == "model" and s.en.model is None:
            raise StageError("summarize.en.model: required when summarize.en.mode is 'model'")
        if s.en.mode == "translate" and s.vi is None:
            raise StageError(
                "summarize.en.mode 'translate' needs summarize.vi (a Vietnamese model)"
            )
        if s.en.mode == "translate" and self._translate_settings() is None:
            raise StageError(
                "summarize.en.mode 'translate' needs a translate section in the configuration"
            )
        # An English summarizer reads the translation, so translate must come first.
        self.requires = self.requires | ({"translations"} if s.en.mode == "model" else set())

    def _translate_settings(self) -> Any:
        config = self.context.get("config")
        return config.stages.get("translate") if config is not None else None

    def __call__(self, doc: Document) -> Document:
        self._summarize([doc])
        return doc

    def pipe(self, docs: Iterable[Document], *, batch_size: int = 16) -> Iterator[Document]:
        for chunk in chunked(docs, batch_size):
            run_batch(chunk, self.name, self._summarize)
            yield from chunk

    def _summarize(self, docs: list[Document]) -> None:
        s: SummarizeSettings = self.settings  # type: ignore[assignment]
        if s.method == "lead":
            for doc in docs:
                lead = _lead(doc, s.lead_sentences)
                doc.summaries["vi"] = " ".join(seg.vi for seg in lead)
                doc.summaries["en"] = " ".join(seg.en or "" for seg in lead).strip()
                doc.stages.append(self.name)
            return
        if s.vi is not None:
            generator = shared_generator(self.context, s.vi, cache=False)
            sources = [_body(d, "vi") for d in docs]
            for doc, summary in zip(docs, summarize_texts(generator, sources, s.vi), strict=True):
                doc.summaries["vi"] = summary
        if s.en.mode == "translate":
            self._translate_summaries(docs)
        elif s.en.mode == "model":
            generator = shared_generator(self.context, s.en.model, cache=False)
            sources = [_body(d, "en") for d in docs]
            for doc, summary in zip(
                docs, summarize_texts(generator, sources, s.en.model), strict=True
            ):
                doc.summaries["en"] = summary
        for doc in docs:
            doc.stages.append(self.name)

    def _translate_summaries(self, docs: list[Document]) -> None:
        settings = self._translate_settings()
        translator = shared_generator(self.context, settings, cache=settings.cache)
        sentences = [
            [summary[a:b] for a, b in split_sentences(summary)]
            for summary in (d.summaries.get("vi", "") for d in docs)
        ]
        outputs = iter(translator.run([t for group in sentences for t in group]))
        for doc, group in zip(docs, sentences, strict=True):
            doc.summaries["en"] = " ".join(next(outputs).text for _ in group).strip()

    def signature(self) -> str:
        s: SummarizeSettings = self.settings  # type: ignore[assignment]
        return f"sum:lead-{s.lead_sentences}" if s.method == "lead" else "sum:model"

    def describe(self) -> dict[str, Any]:
        s: SummarizeSettings = self.settings  # type: ignore[assignment]
        if s.method == "lead":
            return {"method": "lead", "lead_sentences": s.lead_sentences}
        models = {}
        if s.vi is not None:
            models["vi"] = shared_generator(self.context, s.vi, cache=False).adapter.describe()
        if s.en.mode == "model" and s.en.model is not None:
            models["en"] = shared_generator(
                self.context, s.en.model, cache=False
            ).adapter.describe()
        return {"models": models, "en_mode": s.en.mode}


def _lead(doc: Document, n: int) -> list[Segment]:
    """The first ``n`` sentences of the body: news puts its facts first."""
    body = [s for s in doc.segments if not {FLAG_HEADLINE, FLAG_BYLINE} & set(s.flags)]
    return (body or doc.segments)[:n]


def _body(doc: Document, lang: str) -> str:
    """The document's text in ``lang`` as the summarizer reads it (byline left out)."""
    parts = [
        (s.vi if lang == "vi" else s.en or "") for s in doc.segments if FLAG_BYLINE not in s.flags
    ]
    return " ".join(p for p in parts if p)
