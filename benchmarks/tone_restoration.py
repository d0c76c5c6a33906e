"""Tone-mark restoration: syllable accuracy and speed of vien against pyvi, and the detector.

Usage: python benchmarks/tone_restoration.py [--articles N] [--vtb PATH] [--no-pyvi]

Held-out VietNews articles (the validation file, never trained on) and UD
Vietnamese-VTB dev sentences are stripped of every mark and restored.
Accuracy counts the reference words that are Vietnamese syllables and whether
each came back right, ignoring case (pyvi lower-cases) and the tone placement
style (hòa/hoà), which both spellings allow. Systems:

- ``vien --all``: every line restored (``vien restore-tones --all``);
- ``vien``: only lines the detector finds unmarked (``vien restore-tones``);
- ``pyvi``: ``pyvi.ViUtils.add_accents`` (pip install 'vien[bench]');
- ``unrestored``: the stripped text as it is (what a translator would get).

The detector table counts lines changed in text that must never be touched:
marked Vietnamese and English (in mixed case and in capitals).
"""

from __future__ import annotations

import argparse
import html
import lzma
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.text.syllables import is_syllable  # noqa: E402
from pipeline.text.tone_model import TOKEN, ToneModel  # noqa: E402
from pipeline.text.tones import strip_marks, to_new_style  # noqa: E402
from pipeline.text.unmarked import restore_lines  # noqa: E402
from pipeline.training.vietnews import read_vietnews  # noqa: E402

SHARED = REPO.parent / "shared" / "data"
_TEXT_LINE = re.compile(r"# text\s*=\s*(.*)")
Restorer = Callable[[list[str]], list[str]]


def syllable_accuracy(references: list[str], outputs: list[str]) -> tuple[int, int]:
    """Count ``(right, total)`` reference syllables, token by token, case and style ignored."""
    right = total = 0
    for ref, out in zip(references, outputs, strict=True):
        ref_tokens = TOKEN.findall(to_new_style(ref.lower()))
        out_tokens = TOKEN.findall(to_new_style(out.lower()))
        if len(ref_tokens) != len(out_tokens):
            out_tokens = [""] * len(ref_tokens)  # a system that re-tokenizes loses the line
        for r, o in zip(ref_tokens, out_tokens, strict=True):
            if r.isalpha() and is_syllable(r):
                total += 1
                right += r == o
    return right, total


def pyvi_restorer() -> Restorer | None:
    """``add_accents`` line by line; a line it crashes on comes back unrestored."""
    try:
        from pyvi import ViUtils
    except ImportError:
        return None

    def restore(lines: list[str]) -> list[str]:
        out = []
        for line in lines:
            try:
                out.append(str(ViUtils.add_accents(line)))
            except Exception:  # noqa: BLE001 - pyvi fails on some inputs; counted as wrong
                out.append(line)
                restore.crashes += 1  # type: ignore[attr-defined]
        return out

    restore.crashes = 0  # type: ignore[attr-defined]
    return restore


def read_vtb(path: Path) -> list[str]:
    """The ``# text =`` sentences of a CoNLL-U file, as the treebank writes them."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [m.group(1) for line in lines if (m := _TEXT_LINE.match(line))]


def read_lines(path: Path, limit: int) -> list[str]:
    opener = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [html.unescape(line.strip()) for _, line in zip(range(limit), f, strict=False)]


def accuracy_table(sets: dict[str, list[str]], systems: dict[str, Restorer]) -> None:
    print(f"{'data':<22} {'system':<12} {'syllables':>9} {'accuracy':>9} {'syll/s':>8}")
    for data, references in sets.items():
        stripped = [strip_marks(line) for line in references]
        for name, restore in systems.items():
            start = time.perf_counter()
            outputs = restore(stripped)
            seconds = time.perf_counter() - start
            right, total = syllable_accuracy(references, outputs)
            print(f"{data:<22} {name:<12} {total:9d} {right / total:9.4f} {total / seconds:8.0f}")


def detector_table(model: ToneModel, limit: int) -> None:
    """Lines changed by ``vien restore-tones`` in text it must leave alone."""
    val = [s for a in read_vietnews(SHARED / "sum/vietnews-val-2k.jsonl.xz", 300) for s in a.body]
    english = {
        "en TED tst2012": read_lines(SHARED / "dev/tst2012.en", limit),
        "en WMT24++": read_lines(SHARED / "dev/wmt24pp.good.en", limit),
        "en CNN/DM highlights": read_lines(SHARED / "mono/cnndm-highlights.en", limit),
        "en Wikinews": read_lines(SHARED / "mono/wikinews.en.xz", limit),
        "en Wikipedia": read_lines(SHARED / "mono/wikipedia-300k.en.xz", limit),
    }
    sets = {
        "vi VietNews val": val,
        "vi WMT24++": read_lines(SHARED / "dev/wmt24pp.good.vi", limit),
        **english,
        "EN, IN CAPITALS": [line.upper() for lines in english.values() for line in lines[:2000]],
    }
    print(f"\n{'must stay unchanged':<22} {'lines':>7} {'touched':>8}")
    for name, lines in sets.items():
        touched = sum(a != b for a, b in zip(lines, restore_lines(lines, model), strict=True))
        print(f"{name:<22} {len(lines):7d} {touched:8d}")
    stripped = [strip_marks(s) for s in val if strip_marks(s) != s]
    found = sum(a != b for a, b in zip(stripped, restore_lines(stripped, model), strict=True))
    print(f"{'vi val, marks stripped':<22} {len(stripped):7d} {found:8d}  (should all change)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=REPO / "models/vien-tones-vi")
    parser.add_argument("--val", type=Path, default=SHARED / "sum/vietnews-val-2k.jsonl.xz")
    parser.add_argument("--vtb", type=Path, default=SHARED / "seg/vi_vtb-ud-dev.conllu")
    parser.add_argument("--articles", type=int, default=500, help="held-out articles to restore")
    parser.add_argument("--detector-lines", type=int, default=20000, help="lines per set")
    parser.add_argument("--no-pyvi", action="store_true", help="skip pyvi")
    args = parser.parse_args()
    start = time.perf_counter()
    model = ToneModel.load(args.model)
    size = sum(p.stat().st_size for p in args.model.iterdir() if p.is_file()) / 2**20
    print(f"model {args.model.name}: {size:.1f} MiB, loaded in {time.perf_counter() - start:.1f}s")
    articles = read_vietnews(args.val, args.articles)
    sets = {
        f"VietNews val ({len(articles)})": [s for a in articles for s in (a.title, *a.body)],
        "UD-VTB dev": read_vtb(args.vtb),
    }
    systems: dict[str, Restorer] = {
        "vien --all": lambda lines: list(restore_lines(lines, model, detect=False)),
        "vien": lambda lines: list(restore_lines(lines, model)),
        "unrestored": lambda lines: lines,
    }
    pyvi = None if args.no_pyvi else pyvi_restorer()
    if pyvi is not None:
        systems["pyvi"] = pyvi
    accuracy_table(sets, systems)
    if pyvi is not None:
        print(f"pyvi crashed on {pyvi.crashes} lines (kept unrestored, counted wrong)")  # type: ignore[attr-defined]
    detector_table(model, args.detector_lines)


if __name__ == "__main__":
    main()
