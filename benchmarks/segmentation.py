"""Compare sentence splitters on the gold set and on UD Vietnamese-VTB paragraphs.

Usage: python benchmarks/segmentation.py [--vtb PATH] [--gold PATH] [--errors N]

VTB text is word-tokenized ("Hà Nội , ngày 5 - 3 .", "LBKT"/"RBKT" for
brackets). It is scored twice: detokenized into the form real news text has
("VTB dev"), and as the treebank writes it ("VTB dev as written": spaces kept,
LBKT/RBKT shown as brackets), where a
closing quote stands apart from the "!" before it and the "." after it
(`biết ! " .`). Gold sentences are joined five at a time into paragraphs; a
sentence without final punctuation (a headline) ends its paragraph, as it
would end a line.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.evaluation.alignment import locate_sentences  # noqa: E402
from pipeline.evaluation.boundaries import (  # noqa: E402
    BoundaryScore,
    gold_paragraph,
    score_splitter,
)
from pipeline.text.segment import split_sentences  # noqa: E402

PARAGRAPH_SIZE = 5
_FINAL = re.compile(r"[.!?…](?:\s*[\"”’')\]])*$")
_TEXT_LINE = re.compile(r"# text\s*=\s*(.*)")
_PLAIN = re.compile(r"(?<=[.!?])\s+")


def detokenize(sentence: str, quote_open: bool) -> tuple[str, bool]:
    """Undo VTB tokenization; return the text and whether a straight quote is left open."""
    text = sentence.replace("LBKT", "(").replace("RBKT", ")")
    text = re.sub(r"\s+([,.;:!?%)\]…])", r"\1", text)
    text = re.sub(r"([(\[])\s+", r"\1", text)
    text = re.sub(r"\s*\.\s*\.\s*\.", "...", text)
    text = re.sub(r"(\d)\. (\d{3})\b", r"\1.\2", text)  # "500. 000" is 500.000
    parts = re.split(r'\s*"\s*', text)
    out = [parts[0]]
    for index, part in enumerate(parts[1:], start=1):
        before, after = parts[index - 1], part
        if not before.strip():
            closing = False
        elif not after.strip() or after[0] in ",.;:!?)" or before[-1] in ".!?…":
            closing = True
        elif before[-1] == ":":
            closing = False
        else:
            closing = quote_open
        out.append('" ' if closing else ' "')
        out.append(part)
        quote_open = not closing
    text = "".join(out)
    text = re.sub(r"\s+([,.;:!?)])", r"\1", text)
    return " ".join(text.split()), quote_open


def read_vtb(path: Path, *, as_written: bool = False) -> list[list[str]]:
    """Read ``# text =`` lines and group them into paragraphs of sentences.

    Sentences are detokenized unless ``as_written``.
    """
    paragraphs, current, quote_open = [], [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _TEXT_LINE.match(line)
        if not match:
            continue
        if as_written:  # spaced as written; only the bracket tokens become brackets
            sentence = " ".join(match.group(1).replace("LBKT", "(").replace("RBKT", ")").split())
        else:
            sentence, quote_open = detokenize(match.group(1), quote_open)
        current.append(sentence)
        if len(current) == PARAGRAPH_SIZE or not _FINAL.search(sentence):
            paragraphs.append(current)
            current, quote_open = [], False
    if current:
        paragraphs.append(current)
    return paragraphs


def read_gold(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["sentences"] for line in lines if line.strip()]


def underthesea_spans(text: str) -> list[tuple[int, int]]:
    from underthesea import sent_tokenize

    return spans_of(text, sent_tokenize(text))


def plain_spans(text: str) -> list[tuple[int, int]]:
    return spans_of(text, _PLAIN.split(text))


SPLITTERS = {
    "vien": split_sentences,
    "underthesea": underthesea_spans,
    "punctuation regex": plain_spans,
}


def spans_of(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Where a third-party splitter's sentences lie in ``text`` (the eval's own locator)."""
    return locate_sentences(text, [s for s in sentences if s.strip()])[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--vtb", type=Path, default=REPO.parent / "shared/data/seg/vi_vtb-ud-dev.conllu"
    )
    parser.add_argument("--gold", type=Path, default=REPO / "tests/data/segmentation_gold.jsonl")
    parser.add_argument("--errors", type=int, default=0, help="print this many vien errors")
    args = parser.parse_args()
    vtb_name = "VTB " + args.vtb.stem.rsplit("-", 1)[-1]
    sets = {
        "gold": read_gold(args.gold),
        vtb_name: read_vtb(args.vtb),
        f"{vtb_name} as written": read_vtb(args.vtb, as_written=True),
    }
    print(f"{'data':<22} {'splitter':<18} {'P':>7} {'R':>7} {'F1':>7} {'gold':>6}")
    for name, paragraphs in sets.items():
        pairs = [gold_paragraph(p) for p in paragraphs]
        for label, splitter in SPLITTERS.items():
            result: BoundaryScore = score_splitter(splitter, pairs)
            print(
                f"{name:<22} {label:<18} {result.precision:7.4f} {result.recall:7.4f} "
                f"{result.f1:7.4f} {result.gold:6d}"
            )
        _show_errors(pairs, args.errors)


def _show_errors(pairs: list[tuple[str, set[int]]], limit: int) -> None:
    shown = 0
    for text, expected in pairs:
        found = {end for _, end in split_sentences(text)[:-1]}
        for offset in sorted(found ^ expected):
            if shown >= limit:
                return
            kind = "extra" if offset in found else "missed"
            print(f"  {kind}: …{text[max(0, offset - 60) : offset]}|{text[offset : offset + 40]}…")
            shown += 1


if __name__ == "__main__":
    main()
