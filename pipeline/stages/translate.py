"""The ``translate`` stage: one English segment for every Vietnamese segment."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from pipeline.batching import document_passes
from pipeline.document import (
    FLAG_BYLINE,
    FLAG_NUMBERS,
    FLAG_PROTECT_FALLBACK,
    FLAG_RETRIED,
    FLAG_SPLIT_LONG,
    FLAG_STITCHED,
    Document,
    Segment,
)
from pipeline.protect.byline import byline_spans
from pipeline.protect.generator import STITCHED
from pipeline.protect.substitute import make_plan
from pipeline.quality import check_numbers, diagnose
from pipeline.settings import GenerationSettings, TranslateSettings
from pipeline.stages.base import Stage, run_batch

# Safer decoding for a second try at a degenerate output: no repeated trigram,
# a wider beam, and at most twice the input's tokens plus 10, so a loop cannot
# run to max_new_tokens again.
RETRY_NO_REPEAT_NGRAM = 3
RETRY_MIN_BEAMS = 4
LENGTH_CAP_EXTRA = 10
RETRY_LENGTH_CAP = (2.0, LENGTH_CAP_EXTRA)


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


def translator(context: dict[str, Any], settings: TranslateSettings) -> Any:
    """The run's translator: the shared generator, wrapped to protect spans when configured.

    The translate stage and the summarizer's English summaries use this one, so
    a summary's names and numbers are protected like the body's.
    """
    inner = shared_generator(context, settings, cache=settings.cache)
    if not settings.protect:
        return inner
    # Keyed like the generators themselves, so one wrapper per shared generator.
    wrappers = context.setdefault("protecting", {})
    key = settings.model_dump_json()
    if key not in wrappers:
        from pipeline.protect.generator import protecting

        wrappers[key] = protecting(inner, settings)
    return wrappers[key]


class TranslateStage(Stage):
    """Translate every segment, batching sentences from many documents together."""

    name: ClassVar[str] = "translate"
    Settings = TranslateSettings
    requires: ClassVar[frozenset[str]] = frozenset({"segments"})
    provides: ClassVar[frozenset[str]] = frozenset({"translations"})

    @property
    def generator(self) -> Any:
        """The run's translator for this model (spans protected when configured)."""
        return translator(self.context, self.settings)  # type: ignore[arg-type]

    def __call__(self, doc: Document) -> Document:
        self._translate([doc])
        return doc

    def pipe(self, docs: Iterable[Document], *, batch_size: int = 16) -> Iterator[Document]:
        config = self.context.get("config")
        segments = config.run.batch_segments if config is not None else 1
        for chunk in document_passes(docs, min_docs=batch_size, min_segments=segments):
            run_batch(chunk, self.name, self._translate)
            yield from chunk

    def _translate(self, docs: list[Document]) -> None:
        settings: TranslateSettings = self.settings  # type: ignore[assignment]
        segments = [s for d in docs for s in d.segments]
        modelled = [s for s in segments if not self._write_byline(s)]
        cap = (settings.max_length_ratio, LENGTH_CAP_EXTRA) if settings.max_length_ratio else None
        outputs = self.generator.run(
            [s.model_text for s in modelled], length_cap=cap, max_new_tokens=settings.max_new_tokens
        )
        for segment, output in zip(modelled, outputs, strict=True):
            segment.en = output.text
            segment.score = output.score
            if output.parts > 1:
                segment.flag(FLAG_SPLIT_LONG)
            self._record_protection(segment, output)
        self._check_degenerate(modelled)
        self._record_retried_protection(modelled)
        if settings.check_numbers:
            for segment in segments:
                if check_numbers(segment.vi, segment.en or "", currency=settings.currency):
                    segment.flag(FLAG_NUMBERS)
        for doc in docs:
            doc.stages.append(self.name)

    def _write_byline(self, segment: Segment) -> bool:
        """Write a flagged byline of names as the names (protection on); False if the model must."""
        settings: TranslateSettings = self.settings  # type: ignore[assignment]
        if not settings.protect or FLAG_BYLINE not in segment.flags:
            return False
        spans = byline_spans(segment.vi, settings.name_style)
        if not spans:
            return False
        segment.en = make_plan(segment.vi, spans, "inline").text.strip()  # names in English
        segment.protected = [span.to_dict() for span in spans]
        return True

    @staticmethod
    def _record_protection(segment: Segment, output: Any) -> None:
        """Store the spans protected for ``segment`` and flag a fallback the output needed."""
        segment.protected = [span.to_dict() for span in getattr(output, "spans", ())]
        fallback = getattr(output, "fallback", None)
        if fallback is not None:
            segment.flag(FLAG_PROTECT_FALLBACK)
        if fallback == STITCHED:
            segment.flag(FLAG_STITCHED)

    def _record_retried_protection(self, segments: list[Segment]) -> None:
        """Flag the fallbacks of outputs the degenerate retry put in place (it keeps text only)."""
        latest = getattr(self.generator, "latest", None)
        if latest is None:
            return
        for segment in segments:
            if FLAG_RETRIED in segment.flags:
                output = latest(segment.model_text)
                if output is not None and output.text == segment.en:
                    self._record_protection(segment, output)

    def _check_degenerate(self, segments: list[Segment]) -> None:
        """Flag degenerate outputs, after one retry with safer decoding when configured.

        The retry's output replaces the first one unless it looks worse (more
        problems); either way the segment is flagged ``retried`` and keeps the
        flags of the output it ends up with.
        """
        settings: TranslateSettings = self.settings  # type: ignore[assignment]
        problems = {id(s): diagnose(s.vi, s.en or "") for s in segments}
        bad = [s for s in segments if problems[id(s)]]
        if settings.retry_degenerate and bad:
            retried = self.generator.run(
                [s.model_text for s in bad],
                num_beams=max(RETRY_MIN_BEAMS, settings.num_beams),
                no_repeat_ngram_size=RETRY_NO_REPEAT_NGRAM,
                max_new_tokens=settings.max_new_tokens,
                length_cap=RETRY_LENGTH_CAP,
            )
            for segment, output in zip(bad, retried, strict=True):
                segment.flag(FLAG_RETRIED)
                again = diagnose(segment.vi, output.text)
                if len(again) <= len(problems[id(segment)]):
                    segment.en, segment.score = output.text, output.score
                    problems[id(segment)] = again
        for segment in bad:
            for flag in problems[id(segment)]:
                segment.flag(flag)

    def describe(self) -> dict[str, Any]:
        return self.generator.adapter.describe()

    def signature(self) -> str:
        return self.generator.adapter.signature()
