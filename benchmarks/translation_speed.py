"""Translation speed and quality: plain transformers loops against vien's two backends.

All systems translate the same sentences in one process, with the same beam
size, output limit and thread count, and print one table:

- ``hf-loop-b1`` / ``hf-loop-b16``: the plain transformers recipe — tokenize a
  batch in input order, ``model.generate``, decode — with 1 and 16 sentences
  per batch. transformers 5 removed the ``translation`` pipeline (its
  MIGRATION_GUIDE_V5), so this is the loop that pipeline ran. Inputs over the
  model's limit are truncated (vien splits them instead).
- ``vien-transformers``: ``BatchedGenerator`` over ``load_adapter`` (token-budget
  batches over length-sorted inputs), transformers backend, float32.
- ``vien-ct2-int8``: the same over the CTranslate2 backend, int8.

Without ``--src`` the sentences are the held-out EVBNews test split of
``configs/train-translate.yaml`` (whole documents the bundled model was not
trained on), as ``pipeline.training.data`` splits them; with ``--src`` any
one-sentence-per-line file, and BLEU needs ``--ref``.

Peak memory is the peak RSS during a system's load and run over the RSS just
before it was loaded, sampled every 10 ms with psutil. Times exclude loading
and an 8-sentence warm-up.

Usage (from the repository root):

    .venv/bin/python benchmarks/translation_speed.py --model models/vien-translate-vi-en
    .venv/bin/python benchmarks/translation_speed.py --model M --src test.vi --ref test.en
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SYSTEMS = ("hf-loop-b1", "hf-loop-b16", "vien-transformers", "vien-ct2-int8")
WARMUP = 8
BATCH_TOKENS = 4096

Translate = Callable[[list[str]], list[str]]


@dataclass
class Result:
    name: str
    seconds: float
    outputs: list[str]
    peak_mb: float


class RssSampler:
    """Peak resident memory of this process while the block runs, over its start."""

    def __init__(self, every: float = 0.01) -> None:
        import psutil

        self.process = psutil.Process()
        self.every = every
        self.start = self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)

    @property
    def delta_mb(self) -> float:
        return (self.peak - self.start) / 2**20


def heldout_pairs(train_config: Path) -> list[tuple[str, str]]:
    """The EVBNews test split the bundled model's training held out."""
    from pipeline.training.data import read_evbnews, split_documents
    from pipeline.training.settings import TranslationConfig, load_config

    config = load_config(train_config, TranslationConfig)
    prefix = config.data.evbnews
    if not prefix.is_absolute():
        prefix = REPO / prefix
    docs = read_evbnews(prefix)
    _, _, test = split_documents(
        docs, config.data.valid_docs, config.data.test_docs, config.train.seed
    )
    return test


def read_lines(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="\n") as fh:
        return [line.rstrip("\n") for line in fh]


def plain_transformers(model: str, batch_size: int, beams: int, max_new: int) -> Translate:
    """The tokenize → generate → decode loop the removed translation pipeline ran."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model)
    net = AutoModelForSeq2SeqLM.from_pretrained(model, dtype=torch.float32).eval()

    def translate(texts: list[str]) -> list[str]:
        outputs = []
        with torch.inference_mode():
            for i in range(0, len(texts), batch_size):
                batch = tokenizer(
                    texts[i : i + batch_size], return_tensors="pt", padding=True, truncation=True
                )
                ids = net.generate(
                    **batch,
                    num_beams=beams,
                    max_new_tokens=max_new,
                    no_repeat_ngram_size=0,
                    length_penalty=1.0,
                )
                decoded = tokenizer.batch_decode(ids, skip_special_tokens=True)
                outputs += [t.strip() for t in decoded]
        return outputs

    return translate


def vien_backend(model: str, backend: str, beams: int, max_new: int, threads: int) -> Translate:
    """This project's batched generation over one backend."""
    from pipeline.adapters.loading import load_adapter
    from pipeline.generation import BatchedGenerator
    from pipeline.settings import GenerationSettings

    settings = GenerationSettings(
        model=model,
        backend=backend,
        device="cpu",
        compute_type="int8" if backend == "ctranslate2" else "auto",
        num_beams=beams,
        max_new_tokens=max_new,
        batch_tokens=BATCH_TOKENS,
        threads=threads,
    )
    generator = BatchedGenerator(load_adapter(settings), batch_tokens=BATCH_TOKENS, cache=False)
    return lambda texts: [o.text for o in generator.run(texts)]


def build(name: str, args: argparse.Namespace, threads: int) -> Translate:
    model, beams, max_new = args.model, args.beams, args.max_new_tokens
    if name == "hf-loop-b1":
        return plain_transformers(model, 1, beams, max_new)
    if name == "hf-loop-b16":
        return plain_transformers(model, 16, beams, max_new)
    if name == "vien-transformers":
        return vien_backend(model, "transformers", beams, max_new, threads)
    if name == "vien-ct2-int8":
        return vien_backend(model, "ctranslate2", beams, max_new, threads)
    raise SystemExit(f"unknown system {name!r}; valid: {', '.join(SYSTEMS)}")


def measure(name: str, args: argparse.Namespace, sources: list[str], threads: int) -> Result:
    from pipeline.adapters.loading import clear_cache

    with RssSampler() as rss:
        translate = build(name, args, threads)
        translate(sources[:WARMUP])
        started = time.perf_counter()
        outputs = translate(sources)
        seconds = time.perf_counter() - started
    del translate
    clear_cache()
    gc.collect()
    return Result(name, seconds, outputs, rss.delta_mb)


def report(results: list[Result], refs: list[str] | None, model: str) -> str:
    import sacrebleu
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model)
    rows = []
    for r in results:
        tokens = sum(len(ids) for ids in tokenizer(text_target=r.outputs)["input_ids"])
        bleu = sacrebleu.corpus_bleu(r.outputs, [refs]).score if refs else None
        rows.append((r, len(r.outputs) / r.seconds, tokens / r.seconds, bleu))
    base_speed, base_bleu = rows[0][1], rows[0][3]
    lines = [
        f"{'system':<18} {'sent/s':>8} {'tgt tok/s':>10} {'peak MiB':>9} {'BLEU':>6} "
        f"{'speed x':>8} {'BLEU d':>7}",
    ]
    for r, sps, tps, bleu in rows:
        bleu_text = f"{bleu:6.2f}" if bleu is not None else f"{'-':>6}"
        delta = f"{bleu - base_bleu:+7.2f}" if bleu is not None else f"{'-':>7}"
        lines.append(
            f"{r.name:<18} {sps:8.2f} {tps:10.1f} {r.peak_mb:9.0f} {bleu_text} "
            f"{sps / base_speed:8.2f} {delta}"
        )
    return "\n".join(lines)


def machine() -> str:
    name = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{name}, {len(os.sched_getaffinity(0))} cores available"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=str(REPO / "models" / "vien-translate-vi-en"))
    parser.add_argument("--sentences", type=int, default=1000, help="How many to translate.")
    parser.add_argument("--src", type=Path, help="Source sentences, one per line.")
    parser.add_argument("--ref", type=Path, help="References for --src, one per line.")
    parser.add_argument(
        "--train-config", type=Path, default=REPO / "configs" / "train-translate.yaml",
        help="Where the held-out split is defined (without --src).",
    )
    parser.add_argument("--beams", type=int, default=4, help="Beam size of every system.")
    parser.add_argument("--max-new-tokens", type=int, default=256, help="Longest output.")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads; 0: all cores.")
    parser.add_argument(
        "--systems", default=",".join(SYSTEMS), help="Comma-separated; the first is the baseline."
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    import torch

    threads = args.threads or len(os.sched_getaffinity(0))
    torch.set_num_threads(threads)
    if args.src:
        sources = read_lines(args.src)[: args.sentences]
        refs = read_lines(args.ref)[: args.sentences] if args.ref else None
        origin = str(args.src)
    else:
        pairs = heldout_pairs(args.train_config)[: args.sentences]
        sources, refs = [vi for vi, _ in pairs], [en for _, en in pairs]
        origin = "EVBNews held-out test split"
    # Import the engines up front, so no system's memory counts the libraries.
    import ctranslate2  # noqa: F401
    import transformers  # noqa: F401

    torch.ones(8, 8) @ torch.ones(8, 8)
    results = []
    for name in args.systems.split(","):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results.append(measure(name, args, sources, threads))
    print(
        f"model {args.model}; {len(sources)} sentences from {origin}; beam {args.beams}; "
        f"max_new_tokens {args.max_new_tokens}; {threads} threads; {machine()}"
    )
    print(report(results, refs, args.model))
    print("peak MiB: RSS peak during load+run over RSS before load (psutil, 10 ms samples);")
    print(f"speed x and BLEU d are relative to {results[0].name}.")


if __name__ == "__main__":
    main()
