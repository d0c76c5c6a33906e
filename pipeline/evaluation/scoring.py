"""Per-document and corpus numbers from a test set and the pipeline's documents.

What a set or a run lacks is n/a (None), never 0: translation scores need
reference English (summary-only sets have none), degenerate-output counts need
the pipeline's English (a pipeline without translate has none).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pipeline.document import FLAG_NUMBERS, FLAG_SUMMARY_FALLBACK, Document
from pipeline.evaluation.alignment import Alignment, align_document
from pipeline.evaluation.boundaries import BoundaryScore
from pipeline.evaluation.metrics import (
    mean_rouge,
    novel_bigram_share,
    rouge_pair,
    translation_scores,
    unsupported_number_share,
)
from pipeline.evaluation.testsets import EvalDocument, EvalSet
from pipeline.quality.degenerate import DEGENERATE_FLAGS, diagnose

SUMMARY_LANGUAGES = ("vi", "en")


@dataclass
class DocumentScore:
    """Everything measured on one document; ``row`` is its ``documents.jsonl`` line."""

    reference: EvalDocument
    output: Document | None
    alignment: Alignment
    rouge: dict[str, dict[str, float]] = field(default_factory=dict)
    flags: Counter = field(default_factory=Counter)
    pipeline_flags: Counter = field(default_factory=Counter)

    @property
    def translated(self) -> bool:
        """Whether the pipeline translated any of this document's segments."""
        return bool(self.output) and any(s.en is not None for s in self.output.segments)

    def row(self) -> dict[str, Any]:
        scores = translation_scores(self.alignment.hypotheses, self.alignment.references)
        flags = {name: self.flags[name] for name in sorted(DEGENERATE_FLAGS)}
        return {
            "id": self.reference.id,
            "domain": self.reference.domain,
            "failed": self.output is None,
            "bleu": scores["bleu"],
            "chrf": scores["chrf"],
            "references": len(self.reference.pairs),
            "segments": len(self.output.segments) if self.output else 0,
            "groups": len(self.alignment.groups),
            "one_to_one": self.alignment.one_to_one,
            "rouge": {lang: self.rouge.get(lang) for lang in SUMMARY_LANGUAGES},
            "flags": flags if self.translated else None,
            "pipeline_flags": dict(self.pipeline_flags),
        }


def score_document(
    reference: EvalDocument, output: Document | None, summaries_produced: set[str]
) -> DocumentScore:
    """Align, flag and ROUGE-score one document.

    A failed document (``output`` None) keeps its references with empty
    hypotheses, so failures lower the scores instead of vanishing from them.

    Args:
        reference: the test document.
        output: what the pipeline wrote for it, or None if it failed.
        summaries_produced: languages the pipeline summarized into at all;
            a reference summary in another language is not scored.
    """
    pairs = [(p.vi, p.en) for p in reference.pairs]
    if output is None:
        text = reference.source_text()
        segments: list[tuple[int, int, str]] = []
    else:
        text = output.text
        segments = [(s.start, s.end, s.en or "") for s in output.segments]
    score = DocumentScore(reference, output, align_document(text, pairs, segments))
    for seg in output.segments if output else []:
        if seg.en is not None:  # untranslated: no English to diagnose
            score.flags.update(diagnose(seg.vi, seg.en))
        score.pipeline_flags.update(seg.flags)
    for lang in SUMMARY_LANGUAGES:
        wanted = getattr(reference, f"summary_{lang}")
        if wanted and lang in summaries_produced:
            produced = output.summaries.get(lang) if output else None
            score.rouge[lang] = rouge_pair(produced or "", wanted)
    return score


def score_testset(
    testset: EvalSet, outputs: list[Document | None]
) -> tuple[dict[str, Any], list[DocumentScore]]:
    """Score every document and the corpus.

    Args:
        testset: the test documents.
        outputs: the pipeline's documents, aligned with ``testset.documents``.

    Returns:
        The corpus metrics (sections ``translation``, ``segmentation``,
        ``summary_vi``, ``summary_en``, ``degenerate``) and the per-document scores.
    """
    produced = {lang for doc in outputs if doc for lang in doc.summaries if doc.summaries[lang]}
    scores = [
        score_document(ref, out, produced)
        for ref, out in zip(testset.documents, outputs, strict=True)
    ]
    metrics: dict[str, Any] = {
        "translation": _translation(scores),
        "segmentation": _segmentation(scores),
    }
    for lang in SUMMARY_LANGUAGES:
        metrics[f"summary_{lang}"] = _summaries(scores, lang)
    metrics["degenerate"] = _degenerate(scores)
    return metrics, scores


def _summaries(scores: list[DocumentScore], lang: str) -> dict[str, Any]:
    """ROUGE of the scored summaries in ``lang``, and what the published summaries are like.

    Over the documents whose ``lang`` summary was scored: how abstractive
    (novel bigrams), how faithful (summaries stating a number their article
    does not) and how often the guard published lead instead (``fallback_pct``).
    """
    scored = [s for s in scores if lang in s.rouge]
    published = [s for s in scored if s.output is not None]
    summaries = [s.output.summaries.get(lang) or "" for s in published]
    articles = [article(s.output, lang) for s in published]
    fallbacks = sum(FLAG_SUMMARY_FALLBACK in s.output.flags for s in published)
    return {
        **mean_rouge([s.rouge[lang] for s in scored]),
        "novel_bigrams_pct": novel_bigram_share(summaries, articles) if published else None,
        "unsupported_numbers_pct": (
            unsupported_number_share(summaries, articles) if published else None
        ),
        "fallback_pct": round(100 * fallbacks / len(published), 2) if published else None,
        "documents": len(scored),
    }


def article(doc: Document, lang: str) -> str:
    """The document's text in ``lang``: the source, or its segments' English."""
    return doc.text if lang == "vi" else " ".join(s.en or "" for s in doc.segments)


def _degenerate(scores: list[DocumentScore]) -> dict[str, Any]:
    """Degenerate-output counts and rates over all segments; n/a when nothing was translated."""
    segments = sum(len(s.output.segments) for s in scores if s.output)
    flags = sum((s.flags for s in scores), Counter())
    # Numbers and names lost are the translate stage's own check (its flag).
    flags[FLAG_NUMBERS] = sum(s.pipeline_flags[FLAG_NUMBERS] for s in scores)
    names = [*sorted(DEGENERATE_FLAGS), FLAG_NUMBERS]
    counted = segments if any(s.translated for s in scores) else 0
    return {
        **{name: flags[name] if counted else None for name in names},
        **{f"{name}_rate": round(flags[name] / counted, 4) if counted else None for name in names},
        "segments": segments,
    }


def _translation(scores: list[DocumentScore]) -> dict[str, Any]:
    hypotheses = [h for s in scores for h in s.alignment.hypotheses]
    references = [r for s in scores for r in s.alignment.references]
    return {
        **translation_scores(hypotheses, references),
        "groups": len(hypotheses),
        # Reference sentences with English (all of them, but in summary-only sets).
        "references": sum(p.en is not None for s in scores for p in s.reference.pairs),
    }


def _segmentation(scores: list[DocumentScore]) -> dict[str, Any]:
    counts = sum((s.alignment.boundaries for s in scores), BoundaryScore(0, 0, 0))
    groups = sum(len(s.alignment.groups) for s in scores)
    one_to_one = sum(s.alignment.one_to_one for s in scores)
    # A sentence-level set has one reference sentence per paragraph, so no boundary
    # to find: its boundary scores would only count the splits of multi-sentence lines.
    scored = counts.gold > 0
    return {
        "boundary_precision": round(counts.precision, 4) if scored else None,
        "boundary_recall": round(counts.recall, 4) if scored else None,
        "boundary_f1": round(counts.f1, 4) if scored else None,
        "one_to_one": round(one_to_one / groups, 4) if groups else None,
        "groups": groups,
        "unmatched_references": sum(s.alignment.unmatched_references for s in scores),
        "unlocated_references": sum(s.alignment.unlocated for s in scores),
    }
