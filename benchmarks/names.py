"""Precision and recall of the Vietnamese name detector on the annotated test set.

    .venv/bin/python benchmarks/names.py [--misses]

Prints one table row, and with ``--misses`` every spurious and missed name.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pipeline.evaluation.names import read_annotations, score_names

TESTSET = Path(__file__).resolve().parent.parent / "tests" / "testset"


def testset_sentences(path: Path) -> dict[str, str]:
    """Sentence id (``doc/p1/s2``) → Vietnamese, for the included test set."""
    sentences = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        for p, paragraph in enumerate(doc["paragraphs"], start=1):
            for s, pair in enumerate(paragraph, start=1):
                sentences[f"{doc['id']}/p{p}/s{s}"] = pair["vi"]
    return sentences


def main() -> None:
    sentences = testset_sentences(TESTSET / "vien-testset-v1.jsonl")
    gold = read_annotations(TESTSET / "vien-testset-v1.names.tsv")
    score = score_names(sentences, gold)
    annotated = sum(len(v) for v in gold.values())
    print("| sentences | annotated names | detected | precision | recall |")
    print("|---:|---:|---:|---:|---:|")
    detected = score.true_positives + score.false_positives
    print(
        f"| {len(sentences)} | {annotated} | {detected} | {score.precision:.3f} "
        f"| {score.recall:.3f} |"
    )
    if "--misses" in sys.argv:
        for sentence, name in score.spurious:
            print(f"spurious\t{sentence}\t{name}")
        for sentence, name in score.missed:
            print(f"missed\t{sentence}\t{name}")


if __name__ == "__main__":
    main()
