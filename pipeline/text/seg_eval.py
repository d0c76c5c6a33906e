"""Boundary precision/recall/F1 for sentence splitters, shared by the gold test and benchmark."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

Splitter = Callable[[str], list[tuple[int, int]]]


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


def gold_paragraph(sentences: list[str]) -> tuple[str, set[int]]:
    """Join ``sentences`` with single spaces; return the text and the inner boundary offsets."""
    text = " ".join(sentences)
    boundaries, offset = set(), 0
    for sentence in sentences[:-1]:
        offset += len(sentence)
        boundaries.add(offset)
        offset += 1
    return text, boundaries


def span_boundaries(spans: list[tuple[int, int]]) -> set[int]:
    """The end offsets of all spans but the last."""
    return {end for _, end in spans[:-1]}


def score_splitter(splitter: Splitter, paragraphs: Iterable[tuple[str, set[int]]]) -> BoundaryScore:
    """Score ``splitter`` (text -> spans) on ``(text, gold boundaries)`` pairs."""
    hits = predicted = gold = 0
    for text, expected in paragraphs:
        found = span_boundaries(splitter(text))
        hits += len(found & expected)
        predicted += len(found)
        gold += len(expected)
    return BoundaryScore(hits, predicted, gold)


def spans_of(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Locate the strings a third-party splitter returned, in order, as spans of ``text``."""
    spans, position = [], 0
    for sentence in sentences:
        sentence = sentence.strip()
        start = text.find(sentence, position)
        if not sentence or start < 0:
            continue
        spans.append((start, start + len(sentence)))
        position = start + len(sentence)
    return spans
