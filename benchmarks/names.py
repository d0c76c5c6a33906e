"""Precision and recall of the Vietnamese name detector on the annotated test set.

    .venv/bin/python benchmarks/names.py [--misses] [--underthesea]

Prints one table row, and with ``--misses`` every spurious and missed name;
``--underthesea`` adds a row for underthesea's offline NER (PER and LOC
entities, cue words and glossary terms such as country names left out, as in
the annotations).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from pipeline.evaluation.names import NameScore, read_annotations, score_names
from pipeline.protect.glossary import Glossary

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


def underthesea_score(sentences: dict[str, str], gold: dict[str, list[str]]) -> NameScore:
    """The same scoring for underthesea's CRF NER, which runs offline."""
    import underthesea

    terms = Glossary.load()
    tp = fp = fn = 0
    for sentence, text in sentences.items():
        entities: list[list[str]] = []
        current = None
        for word, _, _, tag in underthesea.ner(text):
            if tag[2:] in ("PER", "LOC") and (tag.startswith("B-") or current is None):
                current = [word]
                entities.append(current)
            elif tag[2:] in ("PER", "LOC") and current is not None:
                current.append(word)
            else:
                current = None
        names = []
        for entity in entities:
            words = " ".join(entity).split()
            while words and not words[0][0].isupper():
                words.pop(0)  # "tỉnh Quảng Nam": the cue word is not the name
            if words and not terms.find(" ".join(words)):
                names.append(" ".join(words))
        found, wanted = Counter(names), Counter(gold.get(sentence, []))
        tp += sum((found & wanted).values())
        fp += sum((found - wanted).values())
        fn += sum((wanted - found).values())
    return NameScore(tp, fp, fn, (), ())


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
    if "--underthesea" in sys.argv:
        ner = underthesea_score(sentences, gold)
        found = ner.true_positives + ner.false_positives
        print(f"| underthesea NER | | {found} | {ner.precision:.3f} | {ner.recall:.3f} |")
    if "--misses" in sys.argv:
        for sentence, name in score.spurious:
            print(f"spurious\t{sentence}\t{name}")
        for sentence, name in score.missed:
            print(f"missed\t{sentence}\t{name}")


if __name__ == "__main__":
    main()
