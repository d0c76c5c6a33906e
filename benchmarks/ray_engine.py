"""Throughput of the local engine and the Ray engine with 1 and 2 actors per model stage.

Usage: python benchmarks/ray_engine.py [--docs 100] [--cpus 2] [--bundled]

Documents are 2-3 consecutive Vietnamese sentences of the included test set.
Every run starts from an empty output folder. Ray is started once, before the
timed runs (its start-up is printed apart); each Ray run still includes
starting its actors and loading their models. "text only" runs just
normalize and segment, so its Ray overhead is Ray's own data path:
serialization, scheduling and the trip back to the driver. The overhead per
document in the table is (Ray seconds - local seconds) / documents; the line
after it splits the text-only overhead, measured at two corpus sizes, into a
fixed cost per run and a cost per document. ``--bundled`` adds the
bundled models (configs/default.yaml) when models/ holds them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from pipeline.config import Config, load_config  # noqa: E402
from pipeline.engines.ray_engine import RayEngine  # noqa: E402
from pipeline.runner import run  # noqa: E402

TESTSET = REPO / "tests" / "testset" / "vien-testset-v1.jsonl"
BUNDLED = ("models/vien-translate-vi-en", "models/vien-summarize-vi")
FORMATS = "output.formats=[jsonl,tsv,moses,tmx,summaries,removed]"


def write_corpus(folder: Path, documents: int) -> None:
    """``documents`` text files of 2-3 consecutive test-set sentences each."""
    sentences = [
        s["vi"]
        for line in TESTSET.read_text(encoding="utf-8").splitlines()
        for paragraph in json.loads(line)["paragraphs"]
        for s in paragraph
    ]
    start = 0
    for i in range(documents):
        size = 2 + i % 2
        chunk = [sentences[(start + k) % len(sentences)] for k in range(size)]
        start += size
        (folder / f"doc{i:03d}.txt").write_text(" ".join(chunk) + "\n", encoding="utf-8")


def tiny_config(folder: Path) -> Path:
    import tiny_models

    model = tiny_models.build_tiny_marian(folder / "tiny-marian")
    return tiny_models.tiny_pipeline_config(model, folder / "tiny.yaml")


def timed(engine: str, corpus: Path, config: Config, work: Path) -> float:
    """Seconds for one run into a fresh folder (the driver's own reading included)."""
    out = Path(tempfile.mkdtemp(dir=work))
    started = time.perf_counter()
    if engine == "local":
        report = run([str(corpus)], out, config, progress=False)
    else:
        report = run([str(corpus)], out, config, progress=False, engine=RayEngine(config.engine))
    seconds = time.perf_counter() - started
    if report.failures:
        raise SystemExit(f"{engine}: {len(report.failures)} documents failed")
    return seconds


def text_only_config(folder: Path) -> Path:
    path = folder / "text-only.yaml"
    path.write_text("pipeline: [normalize, segment]\n", encoding="utf-8")
    return path


def bench(
    name: str, config_path: Path, actor_counts: tuple[int, ...], corpus: Path, args, work: Path
) -> None:
    """One row for the local engine and one per Ray actor count."""
    overrides = [FORMATS, f"run.batch_docs={args.batch_docs}"]
    local = timed("local", corpus, load_config(config_path, overrides), work)
    print(f"| {name} | local | {args.docs / local:.1f} | - |")
    for actors in actor_counts:
        # Every actor and task must fit in the logical CPUs Ray was given.
        share = args.cpus / (2 * actors + 1)
        sized = [
            f"engine.actors={actors}",
            f"engine.cpus_per_actor={share:.3f}",
            f"engine.cpus_per_task={share:.3f}",
        ]
        seconds = timed("ray", corpus, load_config(config_path, overrides + sized), work)
        overhead = (seconds - local) / args.docs * 1000
        print(
            f"| {name} | ray, {actors} actor{'s' * (actors > 1)} | "
            f"{args.docs / seconds:.1f} | {overhead:+.0f} |"
        )


def overhead(config_path: Path, corpora: list[Path], sizes: list[int], args, work: Path) -> None:
    """Split Ray's extra seconds over two corpus sizes into a fixed and a per-document part."""
    config = load_config(config_path, [FORMATS, f"run.batch_docs={args.batch_docs}"])
    extra = [
        timed("ray", corpus, config, work) - timed("local", corpus, config, work)
        for corpus in corpora
    ]
    per_doc = (extra[1] - extra[0]) / (sizes[1] - sizes[0])
    fixed = extra[0] - per_doc * sizes[0]
    print(
        f"\nRay overhead (text only, {sizes[0]} and {sizes[1]} documents): "
        f"{fixed:.1f}s per run, {per_doc * 1000:+.2f} ms per document"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100, help="Documents per run.")
    parser.add_argument("--cpus", type=float, default=2, help="Logical CPUs Ray gets.")
    parser.add_argument("--batch-docs", type=int, default=16, help="run.batch_docs.")
    parser.add_argument("--bundled", action="store_true", help="Also the bundled models.")
    args = parser.parse_args()

    import ray

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        corpus.mkdir()
        write_corpus(corpus, args.docs)
        # Without model stages there are no actors to count.
        setups = [("text only (no model)", text_only_config(work), (1,))]
        setups.append(("tiny", tiny_config(work), (1, 2)))
        if args.bundled:
            if all((REPO / m).is_dir() for m in BUNDLED):
                setups.append(("bundled", REPO / "configs" / "default.yaml", (1, 2)))
            else:
                print(f"bundled models missing ({', '.join(BUNDLED)}); skipped", file=sys.stderr)
        started = time.perf_counter()
        ray.init(num_cpus=args.cpus, include_dashboard=False)
        print(f"ray start: {time.perf_counter() - started:.1f}s; {args.docs} documents per run\n")
        print("| model | engine | docs/s | Ray overhead ms/doc |")
        print("| --- | --- | --- | --- |")
        try:
            for name, config_path, actor_counts in setups:
                bench(name, config_path, actor_counts, corpus, args, work)
            big = work / "corpus-big"
            big.mkdir()
            write_corpus(big, args.docs * 5)
            overhead(setups[0][1], [corpus, big], [args.docs, args.docs * 5], args, work)
        finally:
            ray.shutdown()


if __name__ == "__main__":
    main()
