"""The model method: abstractive summaries, guarded, with lead as the fallback.

A Vietnamese summarizer reads the document; its summary is translated by the
translate stage's model (or an English summarizer reads the translation). A
summary that states a number or name the article does not, loops, or is
longer than the article is not published: the document gets its lead summary
and the flag ``summary_fallback`` (``pipeline.quality.faithful``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, ClassVar

from pipeline.chunking import group_to_fit
from pipeline.document import FLAG_BYLINE, FLAG_SUMMARY_FALLBACK, Document
from pipeline.errors import StageError
from pipeline.generation import BatchedGenerator
from pipeline.quality.faithful import check_summary
from pipeline.settings import ModelSummarizeSettings, SummaryModelSettings
from pipeline.stages.translate import shared_generator, translator
from pipeline.summarize.base import Summarizer
from pipeline.summarize.lead import lead_summary
from pipeline.text.segment import split_sentences

logger = logging.getLogger(__name__)


class ModelSummarizer(Summarizer):
    """Vietnamese summary from the source; English by translation or an English model."""

    name: ClassVar[str] = "model"
    Settings = ModelSummarizeSettings

    def __init__(self, settings: Any, *, context: dict[str, Any]) -> None:
        super().__init__(settings, context=context)
        s: ModelSummarizeSettings = settings
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
        self.requires = frozenset({"translations"} if s.en.mode == "model" else set())
        self.languages = {"vi"} if s.vi is not None else set()
        if s.en.mode != "off":
            self.languages.add("en")

    def _translate_settings(self) -> Any:
        config = self.context.get("config")
        return config.stages.get("translate") if config is not None else None

    def _summarizers(self) -> dict[str, SummaryModelSettings]:
        """The summarizer model of each language that has one."""
        s: ModelSummarizeSettings = self.settings
        models = {"vi": s.vi, "en": s.en.model if s.en.mode == "model" else None}
        return {lang: m for lang, m in models.items() if m is not None}

    def summarize(self, docs: list[Document]) -> None:
        for lang, settings in self._summarizers().items():
            generator = shared_generator(self.context, settings, cache=False)
            sources = [body(d, lang) for d in docs]
            for doc, summary in zip(
                docs, summarize_texts(generator, sources, settings), strict=True
            ):
                doc.summaries[lang] = summary
        if self.settings.guard:
            for doc in docs:
                self._guard(doc)
        if self.settings.en.mode == "translate":
            self._translate_summaries([d for d in docs if not d.summaries.get("en")])

    def _guard(self, doc: Document) -> None:
        """Replace unpublishable model summaries of ``doc`` by its lead summary, flagged."""
        reasons = [
            reason
            for lang in self._summarizers()
            for reason in check_summary(body(doc, lang), doc.summaries.get(lang, ""), lang=lang)
        ]
        if not reasons:
            return
        logger.debug("summary of %s falls back to lead: %s", doc.id, ", ".join(reasons))
        lead = lead_summary(doc, self.settings.lead_sentences)
        doc.summaries.update({lang: lead[lang] for lang in self.languages})
        doc.flag(FLAG_SUMMARY_FALLBACK)

    def _translate_summaries(self, docs: list[Document]) -> None:
        """English summaries through the translate stage's own translator, sentence by sentence."""
        translate = translator(self.context, self._translate_settings())
        sentences = [
            [summary[a:b] for a, b in split_sentences(summary)]
            for summary in (d.summaries.get("vi", "") for d in docs)
        ]
        outputs = iter(translate.run([t for group in sentences for t in group]))
        for doc, group in zip(docs, sentences, strict=True):
            doc.summaries["en"] = " ".join(next(outputs).text for _ in group).strip()

    def signature(self) -> str:
        """``model|vi:NAME@sha8/beam4/read192/copy1.5|en:translate|guard:lead-3``."""
        s: ModelSummarizeSettings = self.settings
        parts = [self.name]
        for lang, settings in self._summarizers().items():
            adapter = shared_generator(self.context, settings, cache=False).adapter
            read = f"/read{settings.read_tokens}" if settings.read_tokens else ""
            copy = f"/copy{settings.copy_bias:g}" if settings.copy_bias else ""
            parts.append(f"{lang}:{model_label(adapter)}/beam{settings.num_beams}{read}{copy}")
        if s.en.mode != "model":
            parts.append(f"en:{s.en.mode}")
        parts.append(f"guard:lead-{s.lead_sentences}" if s.guard else "guard:off")
        return "|".join(parts)

    def describe(self) -> dict[str, Any]:
        s: ModelSummarizeSettings = self.settings
        models = {
            lang: shared_generator(self.context, settings, cache=False).adapter.describe()
            for lang, settings in self._summarizers().items()
        }
        return {"method": self.name, "models": models, "en_mode": s.en.mode, "guard": s.guard}


def model_label(adapter: Any) -> str:
    """``vien-summarize-vi@1a2b3c4d``: a local model's folder name and weights, or a hub id."""
    name = Path(adapter.name).name if Path(adapter.name).is_dir() else adapter.name
    return f"{name}@{adapter.checksum[:8]}" if adapter.checksum else name


def summarize_texts(
    generator: BatchedGenerator, texts: list[str], settings: SummaryModelSettings
) -> list[str]:
    """Summarize each text; texts longer than the model's input go through rounds.

    A long text is cut into chunks of whole sentences that fit the model, each
    chunk is summarized, and the joined chunk summaries are summarized again,
    for at most ``max_rounds`` rounds (the last round's inputs are split to fit
    by the generator, never truncated). With ``read_tokens`` set, only the
    text's opening sentences within that budget are read.
    """
    adapter = generator.adapter
    options = {
        "num_beams": settings.num_beams,
        "max_new_tokens": settings.max_new_tokens,
        "min_new_tokens": settings.min_new_tokens,
        "no_repeat_ngram_size": settings.no_repeat_ngram_size,
        "length_penalty": settings.length_penalty,
    }
    if settings.copy_bias:
        # Only the transformers backend knows this option (the settings check it).
        options["copy_bias"] = settings.copy_bias
    current = list(texts)
    if settings.read_tokens:
        current = [opening(text, adapter, settings.read_tokens) for text in current]
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


def opening(text: str, adapter: Any, budget: int) -> str:
    """The first sentences of ``text`` within ``budget`` tokens; at least the first one."""
    sentences = [text[s:e] for s, e in split_sentences(text)]
    if not sentences:
        return text
    # Counted one by one, every sentence also counts the special tokens: the sum errs short.
    counts = adapter.count_tokens(sentences)
    taken, used = 1, counts[0]
    while taken < len(sentences) and used + counts[taken] <= budget:
        used += counts[taken]
        taken += 1
    return " ".join(sentences[:taken])


def _chunks(text: str, adapter: Any) -> list[str]:
    sentences = [text[s:e] for s, e in split_sentences(text)]
    # Leave room for the special tokens each chunk gets.
    limit = adapter.max_input_tokens - 2
    counts = adapter.count_tokens(sentences)
    return [" ".join(sentences[i] for i in group) for group in group_to_fit(counts, limit)]


def body(doc: Document, lang: str) -> str:
    """The document's text in ``lang`` as the summarizer reads it (byline left out)."""
    parts = [
        (s.vi if lang == "vi" else s.en or "") for s in doc.segments if FLAG_BYLINE not in s.flags
    ]
    return " ".join(p for p in parts if p)
