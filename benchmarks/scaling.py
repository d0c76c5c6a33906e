"""Whole-pipeline scaling: time per document and peak memory for 1 to 1,000 documents.

Each size runs ``pipeline.runner.run`` in a fresh subprocess over the first N
documents of ~10 sentences each, so model loading is paid once per size and
peak RSS is that run's own. Time per document should level off (linear total
time) and peak RSS should stay flat (documents stream through; only the
corpus files grow on disk).

Documents are cut from EVBNews in document order, held-out test and
validation documents first (``pipeline.training.data`` splits them as
``configs/train-translate.yaml`` says); with ``--text`` from any Vietnamese
text file, one sentence per line or paragraphs split at sentence ends.
Sentences are not repeated across documents, so the translation cache does
not flatter larger runs.

Usage (from the repository root):

    .venv/bin/python benchmarks/scaling.py
    .venv/bin/python benchmarks/scaling.py --set translate.backend=ctranslate2
    .venv/bin/python benchmarks/scaling.py --set 'pipeline=[normalize,segment,translate]'
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SIZES = (1, 10, 100, 1000)
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def news_sentences(train_config: Path) -> list[str]:
    """EVBNews Vietnamese sentences, held-out documents first, in document order."""
    from pipeline.config import load_settings
    from pipeline.training.data import read_evbnews
    from pipeline.training.settings import TranslationConfig

    config = load_settings(train_config, TranslationConfig)
    prefix = config.data.evbnews
    docs = read_evbnews(prefix if prefix.is_absolute() else REPO / prefix)
    # The same shuffle as pipeline.training.data.split_documents: test and
    # validation documents come first.
    ids = sorted(docs)
    random.Random(config.train.seed).shuffle(ids)
    held = config.data.valid_docs + config.data.test_docs
    ordered = ids[config.data.valid_docs : held] + ids[: config.data.valid_docs] + ids[held:]
    return [vi for doc in ordered for vi, _ in docs[doc]]


def text_sentences(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [s.strip() for line in text.splitlines() for s in SENTENCE_END.split(line) if s.strip()]


def documents(sentences: list[str], count: int, per_doc: int) -> list[dict[str, str]]:
    """``count`` documents of ``per_doc`` distinct sentences, two paragraphs each."""
    unique = list(dict.fromkeys(sentences))
    if len(unique) < count * per_doc:
        raise SystemExit(
            f"only {len(unique)} distinct sentences; {count} documents need {count * per_doc}"
        )
    docs = []
    for i in range(count):
        chunk = unique[i * per_doc : (i + 1) * per_doc]
        half = len(chunk) // 2
        text = " ".join(chunk[:half]) + "\n\n" + " ".join(chunk[half:])
        docs.append({"id": f"doc{i:05d}", "text": text})
    return docs


def child(inputs: Path, out: Path, config: Path, overrides: list[str]) -> None:
    """Run the pipeline once and print its report as JSON (runs in the subprocess)."""
    from pipeline.config import load_config
    from pipeline.runner import run

    report = run([str(inputs)], out, load_config(config, overrides), progress=False)
    print(
        json.dumps(
            {
                "seconds": report.seconds,
                "peak_mb": report.peak_memory_mb,
                "processed": report.processed,
                "failed": len(report.failures),
                "segments": report.counts["segments"],
            }
        )
    )


def run_size(docs: list[dict[str, str]], work: Path, args: argparse.Namespace) -> dict:
    inputs = work / f"docs-{len(docs)}.jsonl"
    with open(inputs, "w", encoding="utf-8", newline="\n") as fh:
        for doc in docs:
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    command = [
        sys.executable,
        __file__,
        "--child",
        str(inputs),
        str(work / f"out-{len(docs)}"),
        "--config",
        str(args.config),
        *(arg for override in args.set for arg in ("--set", override)),
    ]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"run of {len(docs)} documents failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def table(results: dict[int, dict]) -> str:
    lines = [
        f"{'docs':>6} {'segments':>9} {'run s':>8} {'s/doc':>8} {'marginal s/doc':>15} "
        f"{'process s':>10} {'peak RSS MiB':>13}"
    ]
    previous = None
    for n, r in results.items():
        marginal = "-"
        if previous is not None:
            pn, pr = previous
            marginal = f"{(r['seconds'] - pr['seconds']) / (n - pn):.3f}"
        lines.append(
            f"{n:>6} {r['segments']:>9} {r['seconds']:>8.1f} {r['seconds'] / n:>8.3f} "
            f"{marginal:>15} {r['wall']:>10.1f} {r['peak_mb']:>13.0f}"
        )
        previous = (n, r)
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=REPO / "configs" / "default.yaml")
    parser.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="Config override."
    )
    parser.add_argument("--text", type=Path, help="Vietnamese text to cut into documents.")
    parser.add_argument(
        "--train-config",
        type=Path,
        default=REPO / "configs" / "train-translate.yaml",
        help="Where EVBNews and its held-out split are defined (without --text).",
    )
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="Document counts.")
    parser.add_argument("--sentences-per-doc", type=int, default=10)
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], args.config, args.set)
        return
    sizes = [int(n) for n in args.sizes.split(",")]
    sentences = text_sentences(args.text) if args.text else news_sentences(args.train_config)
    results = {}
    with tempfile.TemporaryDirectory(prefix="vien-scaling-") as tmp:
        # An untimed first run fills the OS file cache with the libraries and models.
        run_size(documents(sentences, 1, args.sentences_per_doc), Path(tmp), args)
        for n in sizes:
            print(f"running {n} documents ...", file=sys.stderr, flush=True)
            docs = documents(sentences, n, args.sentences_per_doc)
            results[n] = run_size(docs, Path(tmp), args)
    source = str(args.text) if args.text else "EVBNews (held-out documents first)"
    print(
        f"config {args.config} {' '.join('--set ' + s for s in args.set)}; "
        f"{args.sentences_per_doc} sentences per document from {source}"
    )
    print(table(results))
    print(
        "run s: pipeline.runner.run's own time (model loading included); marginal s/doc: "
        "extra time per extra document vs the previous size; process s: subprocess wall "
        "time with imports; peak RSS: the subprocess's ru_maxrss."
    )


if __name__ == "__main__":
    main()
