"""Translation speed and quality: plain transformers loops against vien's two backends.

Two comparisons. ``--whole-process`` times whole processes, as a user would:
``vien eval --src --ref`` with the default configuration (reading, normalize,
segment, translate with every check and retry, all ten outputs, the report,
scoring) against the loop a user would write (load transformers, ``generate``
one sentence at a time with beam 4, write the lines), each started as its own
process and timed from start to exit, alternating, ``--repeats`` times, so
both meet the same machine load. It prints wall and CPU seconds, peak memory,
sentences per second, BLEU and the ratio of each vien run to the loop runs:

- ``hf-loop``: that loop with torch's default threads (all cores);
- ``hf-loop-1thread``: the same with one thread, the loop's best on a loaded
  machine (idle-spinning OpenMP threads slow it there several times over);
- ``vien-eval``: ``vien eval`` on the same lines.

Without it, the model alone: all systems translate the same sentences in one
process, with the same beam size, output limit and thread count, and print one
table:

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

    .venv/bin/python benchmarks/translation_speed.py --whole-process --repeats 2
    .venv/bin/python benchmarks/translation_speed.py --model models/vien-translate-vi-en
    .venv/bin/python benchmarks/translation_speed.py --model M --src test.vi --ref test.en
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SYSTEMS = ("hf-loop-b1", "hf-loop-b16", "vien-transformers", "vien-ct2-int8")
WHOLE_SYSTEMS = ("hf-loop", "hf-loop-1thread", "vien-eval")
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
    from pipeline.config import load_settings
    from pipeline.training.data import read_evbnews, split_documents
    from pipeline.training.settings import TranslationConfig

    config = load_settings(train_config, TranslationConfig)
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


def load_sentences(args: argparse.Namespace) -> tuple[list[str], list[str] | None]:
    """``--sentences`` sources and references: ``--src``/``--ref``, or the held-out split."""
    if args.src:
        sources = read_lines(args.src)[: args.sentences]
        refs = read_lines(args.ref)[: args.sentences] if args.ref else None
        return sources, refs
    pairs = heldout_pairs(args.train_config)[: args.sentences]
    # One sentence per line: a pair holding a line break would shift the loop's lines.
    return [" ".join(vi.split()) for vi, _ in pairs], [" ".join(en.split()) for _, en in pairs]


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


@dataclass
class ProcessRun:
    """One whole process: what ran, its wall and CPU seconds, peak RSS, its outputs."""

    name: str
    repeat: int
    seconds: float
    cpu: float
    peak_mb: float
    bleu: float | None


def loop_child(model: str, src: Path, out: Path, beams: int, max_new: int, threads: int) -> None:
    """The loop a user would write, run as its own process: one sentence per ``generate``."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    if threads:
        torch.set_num_threads(threads)
    tokenizer = AutoTokenizer.from_pretrained(model)
    net = AutoModelForSeq2SeqLM.from_pretrained(model).eval()
    with open(out, "w", encoding="utf-8", newline="\n") as fh, torch.inference_mode():
        for line in read_lines(src):
            batch = tokenizer([line], return_tensors="pt", truncation=True)
            ids = net.generate(**batch, num_beams=beams, max_new_tokens=max_new)
            fh.write(tokenizer.decode(ids[0], skip_special_tokens=True).strip() + "\n")


def timed_process(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system, all threads) and peak RSS MiB of a process."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status):
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace")[-3000:]
            raise SystemExit(f"{' '.join(command[:4])}... failed:\n{tail}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def whole_process(args: argparse.Namespace, sources: list[str], refs: list[str]) -> str:
    """Alternate the systems ``args.repeats`` times, each a fresh process; the table."""
    import sacrebleu

    work = Path(tempfile.mkdtemp(prefix="vien-speed-"))
    src, ref = work / "news.vi", work / "news.en"
    src.write_text("".join(line + "\n" for line in sources), encoding="utf-8")
    ref.write_text("".join(line + "\n" for line in refs), encoding="utf-8")
    vien = Path(sys.executable).with_name("vien")
    runs: list[ProcessRun] = []
    for repeat in range(1, args.repeats + 1):
        for name in args.systems.split(","):
            print(f"run {repeat}: {name} ...", file=sys.stderr, flush=True)
            out = work / f"{name}-{repeat}"
            if name == "vien-eval":
                command = [str(vien), "eval", "--src", str(src), "--ref", str(ref)]
                command += ["-o", str(out), "--quiet", *sum((["--set", s] for s in args.set), [])]
            elif name in ("hf-loop", "hf-loop-1thread"):
                threads = "1" if name == "hf-loop-1thread" else "0"
                command = [sys.executable, __file__, "--loop-child", str(src), str(out)]
                command += ["--model", args.model, "--beams", str(args.beams)]
                command += ["--max-new-tokens", str(args.max_new_tokens), "--threads", threads]
            else:
                raise SystemExit(f"unknown system {name!r}; valid: {', '.join(WHOLE_SYSTEMS)}")
            seconds, cpu, peak = timed_process(command)
            if name == "vien-eval":
                report = json.loads((out / "report.json").read_text(encoding="utf-8"))
                bleu = report["metrics"]["translation"]["bleu"]
            else:
                bleu = round(sacrebleu.corpus_bleu(read_lines(out), [refs]).score, 2)
            runs.append(ProcessRun(name, repeat, seconds, cpu, peak, bleu))
    return whole_table(runs, len(sources))


def whole_table(runs: list[ProcessRun], sentences: int) -> str:
    """One row per process; each vien run against the mean of the loop runs of its repeat."""
    lines = [
        f"{'system':<16} {'run':>3} {'wall s':>7} {'CPU s':>7} {'peak MiB':>8} {'sent/s':>7} "
        f"{'BLEU':>6} {'x loop':>7} {'x loop-1t':>9}"
    ]
    for run in runs:
        ratios = []
        for loop in ("hf-loop", "hf-loop-1thread"):
            same = [r.seconds for r in runs if r.name == loop and r.repeat == run.repeat]
            ratio = same[0] / run.seconds if same and run.name == "vien-eval" else None
            ratios.append(f"{ratio:.1f}" if ratio else "-")
        bleu = f"{run.bleu:6.2f}" if run.bleu is not None else f"{'-':>6}"
        lines.append(
            f"{run.name:<16} {run.repeat:3d} {run.seconds:7.1f} {run.cpu:7.1f} {run.peak_mb:8.0f} "
            f"{sentences / run.seconds:7.1f} {bleu} {ratios[0]:>7} {ratios[1]:>9}"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=str(REPO / "models" / "vien-translate-vi-en"))
    parser.add_argument("--sentences", type=int, default=1000, help="How many to translate.")
    parser.add_argument("--src", type=Path, help="Source sentences, one per line.")
    parser.add_argument("--ref", type=Path, help="References for --src, one per line.")
    parser.add_argument(
        "--train-config",
        type=Path,
        default=REPO / "configs" / "train-translate.yaml",
        help="Where the held-out split is defined (without --src).",
    )
    parser.add_argument("--beams", type=int, default=4, help="Beam size of every system.")
    parser.add_argument("--max-new-tokens", type=int, default=256, help="Longest output.")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads; 0: all cores.")
    parser.add_argument(
        "--systems", help="Comma-separated; the first is the baseline. Default: all of the mode."
    )
    parser.add_argument(
        "--whole-process", action="store_true", help="Time whole processes (see the top)."
    )
    parser.add_argument("--repeats", type=int, default=2, help="Rounds of --whole-process.")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="A --set for vien eval in --whole-process.",
    )
    parser.add_argument("--loop-child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.systems is None:
        args.systems = ",".join(WHOLE_SYSTEMS if args.whole_process else SYSTEMS)
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.loop_child:
        src, out = args.loop_child
        loop_child(args.model, src, out, args.beams, args.max_new_tokens, args.threads)
        return
    if args.whole_process:
        sources, refs = load_sentences(args)
        if refs is None:
            raise SystemExit("--whole-process runs vien eval, which needs --ref with --src")
        table = whole_process(args, sources, refs)
        print(
            f"whole processes, {len(sources)} sentences from {args.src or 'EVBNews held-out'}; "
            f"vien eval default config{' ' + ' '.join(args.set) if args.set else ''}; loops "
            f"beam {args.beams}, max_new_tokens {args.max_new_tokens}; {machine()}; load "
            f"average {os.getloadavg()[0]:.1f} at the end"
        )
        print(table)
        return
    import torch

    threads = args.threads or len(os.sched_getaffinity(0))
    torch.set_num_threads(threads)
    sources, refs = load_sentences(args)
    origin = str(args.src) if args.src else "EVBNews held-out test split"
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
