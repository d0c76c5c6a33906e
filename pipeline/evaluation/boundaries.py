"""Sentence-boundary precision, recall and F1: one scorer for ``vien eval`` and the splitter tests.

A boundary is the end offset of a sentence followed by another on the same
line; line breaks end sentences on both sides, so they say nothing about a
segmenter. ``vien eval`` counts the boundaries of the pipeline's segments
against the reference sentences' (``pipeline.evaluation.alignment``); the gold
test and ``benchmarks/segmentation.py`` score a splitter on gold paragraphs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

Span = tuple[int, int]
Splitter = Callable[[str], list[Span]]


@dataclass(frozen=True)
class BoundaryScore:
    """Micro-averaged scores over the boundaries inside paragraphs (ends are not counted)."""

    true_positives: int
    predicted: int
    gold: int

    def __add__(self, other: BoundaryScore) -> BoundaryScore:
        return BoundaryScore(
            self.true_positives + other.true_positives,
            self.predicted + other.predicted,
            self.gold + other.gold,
        )

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def inner_boundaries(text: str, spans: Sequence[Span]) -> set[int]:
    """End offsets of spans followed by another span on the same line.

    Line breaks end sentences on both sides, so only boundaries inside a
    paragraph say anything about the segmenter.
    """
    return {
        end
        for (_, end), (next_start, _) in zip(spans, spans[1:], strict=False)
        if "\n" not in text[end:next_start]
    }


def boundary_counts(reference: set[int], predicted: set[int]) -> BoundaryScore:
    """Count predicted boundaries that are reference boundaries."""
    return BoundaryScore(len(reference & predicted), len(predicted), len(reference))


def gold_paragraph(sentences: list[str]) -> tuple[str, set[int]]:
    """Join ``sentences`` with single spaces; return the text and the inner boundary offsets."""
    text = " ".join(sentences)
    boundaries, offset = set(), 0
    for sentence in sentences[:-1]:
        offset += len(sentence)
        boundaries.add(offset)
        offset += 1
    return text, boundaries


def score_splitter(splitter: Splitter, paragraphs: Iterable[tuple[str, set[int]]]) -> BoundaryScore:
    """Score ``splitter`` (text -> spans) on ``(text, gold boundaries)`` pairs."""
    total = BoundaryScore(0, 0, 0)
    for text, expected in paragraphs:
        total += boundary_counts(expected, inner_boundaries(text, splitter(text)))
    return total
