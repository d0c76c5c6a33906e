"""Precision and recall of the Vietnamese name detector on hand-annotated sentences.

The annotations (``tests/testset/vien-testset-v1.names.tsv``) list each
sentence's names as written; a detected name counts when the same string is
annotated for that sentence (each annotation matches once).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.protect.glossary import Glossary
from pipeline.protect.spans import SpanFinder, SpanOptions


@dataclass(frozen=True)
class NameScore:
    """Counts over all sentences, and the misses for inspection."""

    true_positives: int
    false_positives: int
    false_negatives: int
    spurious: tuple[tuple[str, str], ...]  # (sentence id, detected name not annotated)
    missed: tuple[tuple[str, str], ...]  # (sentence id, annotated name not detected)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0


def read_annotations(path: str | Path) -> dict[str, list[str]]:
    """Sentence id → its annotated names (``id<TAB>name | name``; ``#`` comments)."""
    gold: dict[str, list[str]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            sentence, names = line.split("\t")
            gold[sentence] = [n.strip() for n in names.split(" | ")]
    return gold


def score_names(
    sentences: dict[str, str], gold: dict[str, list[str]], finder: SpanFinder | None = None
) -> NameScore:
    """Run the detector (the pipeline's span finder) over ``sentences`` and score it.

    Args:
        sentences: sentence id → Vietnamese text; every sentence counts, listed or not.
        gold: the annotations (``read_annotations``).
        finder: the span finder; the default one (bundled glossary) if None.
    """
    finder = finder or SpanFinder(SpanOptions(glossary=Glossary.load()))
    tp = 0
    spurious: list[tuple[str, str]] = []
    missed: list[tuple[str, str]] = []
    for sentence, text in sentences.items():
        found = Counter(s.text for s in finder.find(text) if s.kind == "name")
        wanted = Counter(gold.get(sentence, []))
        tp += sum((found & wanted).values())
        spurious.extend((sentence, n) for n in (found - wanted).elements())
        missed.extend((sentence, n) for n in (wanted - found).elements())
    return NameScore(tp, len(spurious), len(missed), tuple(spurious), tuple(missed))
