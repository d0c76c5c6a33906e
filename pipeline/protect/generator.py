"""A generator wrapper that protects spans: the ``BatchedGenerator`` interface, nothing lost.

Each text is translated with its spans protected (placeholder tokens or inline
English, see ``pipeline.protect.substitute``). When the model drops, repeats
or invents a token, it is given the text again with neighbouring spans joined
into fewer tokens (``pipeline.protect.group``). When that fails too, or an
inline span is lost, the text is translated again without protection; when
that output also lacks a span, the text between the spans (or their groups) is
translated piece by piece and the spans' English put between
(``pipeline.protect.stitch``). Outputs say which of these they came from.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from pipeline.generation import Output
from pipeline.protect.group import group_spans
from pipeline.protect.placeholders import OPEN
from pipeline.protect.spans import ProtectedSpan, SpanFinder
from pipeline.protect.stitch import fit, join, pieces, split_edges
from pipeline.protect.substitute import Mode, Plan, make_plan, restore, scrub
from pipeline.protect.verify import lost

logger = logging.getLogger(__name__)

GROUPED = "grouped"  # the protected output failed its check; fewer tokens passed (no fallback)
UNPROTECTED = "unprotected"  # the protected output failed its check; translated without
STITCHED = "stitched"  # the unprotected output lost a span too; translated between spans
_LETTER = re.compile(r"[^\W\d_]")
VERBATIM_KINDS = frozenset({"url", "email", "handle", "code", "latin"})


@dataclass
class ProtectedOutput(Output):
    """An ``Output`` with the spans it protected and, if it had to, how it fell back."""

    spans: tuple[ProtectedSpan, ...] = ()
    fallback: str | None = None


class ProtectingGenerator:
    """Wraps a ``BatchedGenerator``; ``run`` takes and returns the same, spans protected.

    Args:
        inner: the generator that drives the model (dedupe, batching, splitting).
        finder: finds and renders each text's spans.
        mode: "placeholder" or "inline" (``pipeline.protect.mode.protection_mode``).
        stitch: translate between the spans when both translations lose one;
            off, the unprotected output stays and the number check flags it.
    """

    def __init__(self, inner: Any, finder: SpanFinder, *, mode: Mode, stitch: bool = True) -> None:
        self.inner = inner
        self.finder = finder
        self.mode = mode
        self.stitch = stitch
        self.fallbacks = {GROUPED: 0, UNPROTECTED: 0, STITCHED: 0}
        self._latest: dict[str, ProtectedOutput] = {}

    @property
    def adapter(self) -> Any:
        return self.inner.adapter

    def plan(self, text: str) -> Plan:
        """What the model gets for ``text`` (the text itself when it already holds a token)."""
        spans = [] if OPEN in text else self.finder.find(text)
        return make_plan(text, spans, self.mode)

    def run(self, texts: list[str], **options: Any) -> list[ProtectedOutput]:
        """One output per text, in order; ``options`` (decoding, length cap) go to every run."""
        distinct = list(dict.fromkeys(texts))
        plans = {text: self.plan(text) for text in distinct}
        results: dict[str, ProtectedOutput] = {}
        failed = self._protected(distinct, plans, options, results)
        grouped = {t: g for t in failed if (g := self._grouped(plans[t])) is not None}
        if grouped:
            failed = [t for t in failed if t not in grouped]
            failed += self._protected(list(grouped), grouped, options, results, original=plans)
            self.fallbacks[GROUPED] += sum(t in results for t in grouped)
        if failed:
            results.update(self._fall_back([plans[t] for t in failed], options, grouped))
        self._latest = results
        return [results[t] for t in texts]

    def _protected(
        self,
        texts: list[str],
        plans: dict[str, Plan],
        options: dict[str, Any],
        results: dict[str, ProtectedOutput],
        original: dict[str, Plan] | None = None,
    ) -> list[str]:
        """Translate ``plans`` into ``results`` (with ``original``'s spans); return what failed."""
        failed = []
        outputs = self.inner.run([plans[t].text for t in texts], **options)
        for text, out in zip(texts, outputs, strict=True):
            plan = plans[text]
            if plan.spans:
                restored = restore(out.text, plan)
            else:  # a token the source did not hold is the model's invention
                restored = out.text if OPEN in text else scrub(out.text)
            if restored is None:
                failed.append(text)
                continue
            spans = (original or plans)[text].spans
            results[text] = ProtectedOutput(restored, out.score, out.parts, spans)
        return failed

    def _grouped(self, plan: Plan) -> Plan | None:
        """``plan`` with neighbouring spans as one token, or None when that changes nothing."""
        if self.mode != "placeholder" or not plan.tokens:
            return None
        spans = group_spans(plan.source, list(plan.spans))
        return make_plan(plan.source, spans, self.mode) if len(spans) < len(plan.spans) else None

    def latest(self, text: str) -> ProtectedOutput | None:
        """The output the last ``run`` gave ``text``, if it had it (a retry's fallback, say)."""
        return self._latest.get(text)

    def _fall_back(
        self, plans: list[Plan], options: dict[str, Any], grouped: dict[str, Plan]
    ) -> dict[str, ProtectedOutput]:
        """Translate without protection; stitch what still loses a span (between its groups)."""
        results: dict[str, ProtectedOutput] = {}
        plain = self.inner.run([p.source for p in plans], **options)
        to_stitch: list[Plan] = []
        for plan, out in zip(plans, plain, strict=True):
            text = scrub(out.text)
            if self.stitch and lost(list(plan.spans), text, each=False):
                to_stitch.append(plan)
                continue
            self.fallbacks[UNPROTECTED] += 1
            results[plan.source] = ProtectedOutput(
                text, out.score, out.parts, plan.spans, fallback=UNPROTECTED
            )
        if to_stitch:
            results.update(self._stitched(to_stitch, options, grouped))
        logger.debug("protected spans: fallbacks so far %s", self.fallbacks)
        return results

    def _stitched(
        self, plans: list[Plan], options: dict[str, Any], grouped: dict[str, Plan]
    ) -> dict[str, ProtectedOutput]:
        # Grouped spans carry the English order of neighbours ("X of the Y"), which the
        # pieces between them cannot give.
        layouts = [pieces(p.source, list((grouped.get(p.source) or p).spans)) for p in plans]
        cores = [
            split_edges(part)[1]
            for layout in layouts
            for part in layout
            if isinstance(part, str) and _LETTER.search(part)
        ]
        distinct = list(dict.fromkeys(cores))
        translated = dict(zip(distinct, self.inner.run(distinct, **options), strict=True))
        results = {}
        for plan, layout in zip(plans, layouts, strict=True):
            parts: list[str] = []
            scores: list[float] = []
            for part in layout:
                if isinstance(part, ProtectedSpan):
                    parts.append(part.en)
                    continue
                lead, core, trail = split_edges(part)
                if _LETTER.search(part):
                    out = translated[core]
                    scores.extend([out.score] if out.score is not None else [])
                    parts.extend([lead, fit(scrub(out.text), core), trail])
                else:
                    parts.append(part)
            score = round(sum(scores) / len(scores), 4) if scores else None
            self.fallbacks[STITCHED] += 1
            # A URL or code opening the sentence keeps its case; words and terms do not.
            opening = next(
                (p for p in layout if isinstance(p, ProtectedSpan) or _LETTER.search(p)), None
            )
            verbatim = isinstance(opening, ProtectedSpan) and opening.kind in VERBATIM_KINDS
            results[plan.source] = ProtectedOutput(
                join(parts, capitalise=not verbatim), score, 1, plan.spans, fallback=STITCHED
            )
        return results


def protecting(inner: Any, settings: Any) -> ProtectingGenerator:
    """Wrap ``inner`` for the translate ``settings``: glossary, styles, and the model's mode.

    Raises:
        ConfigError: the glossary file cannot be read or has a malformed line.
    """
    from pipeline.protect.glossary import Glossary
    from pipeline.protect.mode import protection_mode
    from pipeline.protect.spans import SpanOptions

    options = SpanOptions(
        glossary=Glossary.load(settings.glossary),
        currency=settings.currency,
        date_style=settings.date_style,
        name_style=settings.name_style,
    )
    tokenizer = getattr(inner.adapter, "tokenizer", None)
    mode = protection_mode(tokenizer) if tokenizer is not None else "inline"
    logger.info("protected spans: %s mode, %d glossary entries", mode, len(options.glossary))
    return ProtectingGenerator(
        inner, SpanFinder(options), mode=mode, stitch=settings.stitch_fallback
    )
