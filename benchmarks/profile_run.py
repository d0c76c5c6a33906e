"""Where the time of a real run goes: per stage, per writer, model against Python.

Runs ``vien eval --src --ref`` (or ``vien run`` with ``--run``) in this
process with timers wrapped around the pipeline's own functions, and prints
two tables: wall time per part of the run, each counted once (a part's own
time excludes the parts it calls, so the rows add up to the whole), and the
model's batches (CTranslate2 or transformers ``generate``).

Model time is split by what asked for it: the first pass, the retry of
degenerate outputs, and the protected-span fallbacks. Everything that is not
model time is Python (or I/O) time. The wrappers cost about a microsecond a
call, far below anything reported.

Usage (from the repository root):

    .venv/bin/python benchmarks/profile_run.py --src test.vi --ref test.en
    .venv/bin/python benchmarks/profile_run.py --run seeds/ -o /tmp/out --set run.batch_docs=8
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402 - the clock starts before any import
import functools  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

MODEL = "model"
FIRST_PASS = "first pass"


@dataclass
class Batch:
    """One wait for the model: its batches and inputs, their context, how long it took."""

    batches: int
    size: int
    context: str
    seconds: float


@dataclass
class Profile:
    """Exclusive wall time per label: a region's time minus that of regions inside it."""

    own: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    own_cpu: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    calls: Counter = field(default_factory=Counter)
    batches: list[Batch] = field(default_factory=list)
    _stack: list[list[Any]] = field(default_factory=list)
    _contexts: list[str] = field(default_factory=list)

    @contextmanager
    def region(self, label: str) -> Iterator[None]:
        start, start_cpu = time.perf_counter(), time.process_time()
        self._stack.append([label, 0.0, 0.0])
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            elapsed_cpu = time.process_time() - start_cpu
            _, inner, inner_cpu = self._stack.pop()
            self.own[label] += elapsed - inner
            self.own_cpu[label] += elapsed_cpu - inner_cpu
            self.calls[label] += 1
            if self._stack:
                self._stack[-1][1] += elapsed
                self._stack[-1][2] += elapsed_cpu

    @contextmanager
    def context(self, name: str) -> Iterator[None]:
        """Model calls inside are attributed to ``name`` (retry, fallback)."""
        self._contexts.append(name)
        try:
            yield
        finally:
            self._contexts.pop()

    def wrap(self, owner: Any, name: str, label: str, *, context: str | None = None) -> None:
        """Time every call of ``owner.name`` under ``label`` (if ``owner`` has it)."""
        original = getattr(owner, name, None)
        if original is None or getattr(original, "_profiled", False):
            return
        raw = owner.__dict__.get(name) if isinstance(owner, type) else None
        if isinstance(raw, staticmethod):
            original = raw.__func__

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.region(label), self.context(context) if context else _null():
                return original(*args, **kwargs)

        timed._profiled = True  # type: ignore[attr-defined]
        setattr(owner, name, staticmethod(timed) if isinstance(raw, staticmethod) else timed)

    def wrap_model(self, owner: Any, name: str, size: Callable[..., tuple[int, int]]) -> None:
        """Time the model call ``owner.name``; ``size`` says its (batches, inputs)."""
        original = getattr(owner, name, None)
        if original is None or getattr(original, "_profiled", False):
            return

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            context = self._contexts[-1] if self._contexts else FIRST_PASS
            start = time.perf_counter()
            with self.region(f"{MODEL}: {context}"):
                result = original(*args, **kwargs)
            seconds = time.perf_counter() - start
            self.batches.append(Batch(*size(*args, **kwargs), context, seconds))
            return result

        timed._profiled = True  # type: ignore[attr-defined]
        setattr(owner, name, timed)

    def wrap_iterator(self, iterator: Iterator[Any], label: str) -> Iterator[Any]:
        """The items of ``iterator``; producing each is timed under ``label``."""
        while True:
            with self.region(label):
                try:
                    item = next(iterator)
                except StopIteration:
                    return
            yield item


@contextmanager
def _null() -> Iterator[None]:
    yield


def instrument(profile: Profile) -> None:
    """Wrap the pipeline's parts; call before any run."""
    from pipeline import registry, runner
    from pipeline.adapters import loading
    from pipeline.engines import LocalEngine
    from pipeline.generation import BatchedGenerator
    from pipeline.stages import translate
    from pipeline.text import tone_model

    profile.wrap(loading, "load_adapter", "load: translation model")
    profile.wrap(tone_model, "load_tone_model", "load: tone model")
    from pipeline.stages import normalize

    profile.wrap(normalize, "load_tone_model", "load: tone model")
    profile.wrap(BatchedGenerator, "run", "translate: batching, cache, splitting")
    profile.wrap(translate, "diagnose", "translate: quality checks")
    profile.wrap(translate, "check_numbers", "translate: quality checks")
    profile.wrap(translate.TranslateStage, "_check_degenerate", "translate: stage", context="retry")
    try:
        from pipeline.protect import generator as protect
    except ImportError:
        protect = None
    if protect is not None:
        profile.wrap(protect.ProtectingGenerator, "run", "translate: protected spans")
        profile.wrap(
            protect.ProtectingGenerator,
            "_fall_back",
            "translate: protected spans",
            context="protect fallback",
        )
    _instrument_adapters(profile)
    _instrument_stages(profile, LocalEngine)
    _instrument_writers(profile, runner, registry)


def _instrument_adapters(profile: Profile) -> None:
    from pipeline.adapters import base

    for name in ("generate_batch", "generate_batches", "count_tokens"):
        profile.wrap(base.Seq2SeqAdapter, name, "translate: tokenize, decode")
    profile.wrap_model(base.Seq2SeqAdapter, "_generate", _batches_size)


def _batches_size(_self: Any, batches: Any) -> tuple[int, int]:
    """``_generate([(source ids, options), ...])``: its batches and their inputs."""
    return len(batches), sum(len(ids) for ids, _ in batches)


def _instrument_stages(profile: Profile, engine: Any) -> None:
    """Time each stage's ``pipe``; upstream stages nest inside, so times are exclusive."""
    original = engine.process

    def process(self: Any, docs: Iterator[Any], stages: list[Any], config: Any) -> Iterator[Any]:
        for stage in stages:
            docs = profile.wrap_iterator(
                stage.pipe(docs, batch_size=config.run.batch_docs), f"stage: {stage.name}"
            )
        return docs

    process._profiled = True  # type: ignore[attr-defined]
    if not getattr(original, "_profiled", False):
        engine.process = process
    from pipeline.stages import translate

    profile.wrap(translate.TranslateStage, "_translate", "translate: stage")


def _instrument_writers(profile: Profile, runner: Any, registry: Any) -> None:
    original_pending = runner._pending_documents

    def pending(*args: Any, **kwargs: Any) -> Iterator[Any]:
        return profile.wrap_iterator(original_pending(*args, **kwargs), "read: inputs, resume")

    runner._pending_documents = pending
    profile.wrap(runner, "write_document", "write: docs/*.json")
    profile.wrap(runner, "read_document", "read: docs/*.json back")
    profile.wrap(runner, "write_manifest", "write: manifest.json")
    profile.wrap(runner, "_count", "write: counts")
    for name in registry.WRITERS:
        cls = registry.get_writer(name)
        for method in ("__enter__", "__exit__", "write"):
            profile.wrap(cls, method, f"write: {name}")
    for name in registry.REPORTS:
        module, _, attr = registry.REPORTS[name].partition(":")
        target = registry.import_target(f"{module}:{attr}")
        timed_label = f"write: report.{name}"

        def report(out: Any, _target: Any = target, _label: str = timed_label) -> Any:
            with profile.region(_label):
                return _target(out)

        registry.REPORTS[name] = f"{__name__}:_report_{name}"
        globals()[f"_report_{name}"] = report


def _instrument_eval(profile: Profile) -> None:
    from pipeline.evaluation import report

    profile.wrap(report, "score_testset", "eval: scoring")
    profile.wrap(report, "fidelity", "eval: scoring")
    profile.wrap(report, "write_report", "eval: report files")


def run(args: argparse.Namespace, profile: Profile) -> dict[str, Any]:
    """Run the configured pipeline once, instrumented; returns facts for the header."""
    with profile.region("startup: imports"):
        from pipeline.cli.common import DEFAULT_CONFIG
        from pipeline.config import load_config
        from pipeline.evaluation import report as evaluation
        from pipeline.evaluation.testsets import load_line_files
        from pipeline.runner import run as vien_run

    instrument(profile)
    _instrument_eval(profile)
    with profile.region("startup: config"):
        config = load_config(args.config or DEFAULT_CONFIG, args.set or [])
    out = Path(args.out or tempfile.mkdtemp(prefix="vien-profile-"))
    if args.run:
        report = vien_run(args.run, out, config, force=True, progress=False)
        return {"segments": report.counts["segments_processed"], "out": out, "report": report}
    with profile.region("eval: load test set"):
        testset = load_line_files(args.src, args.ref)
        if args.limit:
            testset = testset.head(args.limit)
    result = evaluation.evaluate(testset, config, out, progress=False)
    return {"segments": result["metrics"]["degenerate"]["segments"], "out": out, "eval": result}


def table(profile: Profile, total: float, total_cpu: float) -> str:
    """The time table: one row per part, largest first; wall and CPU seconds (all threads)."""
    rows = sorted(profile.own.items(), key=lambda kv: -kv[1])
    accounted = sum(profile.own.values())
    accounted_cpu = sum(profile.own_cpu.values())
    model = sum(v for k, v in profile.own.items() if k.startswith(MODEL))
    lines = [f"{'part':<42} {'wall s':>7} {'share':>6} {'CPU s':>7} {'calls':>6}"]
    for label, seconds in rows:
        if seconds < 0.005:
            continue
        lines.append(
            f"{label:<42} {seconds:7.2f} {seconds / total:6.1%} "
            f"{profile.own_cpu[label]:7.2f} {profile.calls[label]:6d}"
        )
    lines.append(
        f"{'other (interpreter start, small parts)':<42} {total - accounted:7.2f} "
        f"{(total - accounted) / total:6.1%} {total_cpu - accounted_cpu:7.2f}"
    )
    lines.append(f"{'total (whole process)':<42} {total:7.2f} {1:6.1%} {total_cpu:7.2f}")
    lines.append(
        f"model {model:.2f} s ({model / total:.0%}), Python and I/O {total - model:.2f} s "
        f"({(total - model) / total:.0%})"
    )
    return "\n".join(lines)


def batch_table(profile: Profile) -> str:
    """Model waits per context: batches, inputs, seconds per wait, inputs per second."""
    by_context: dict[str, list[Batch]] = defaultdict(list)
    for batch in profile.batches:
        by_context[batch.context].append(batch)
    lines = [
        f"{'model waits':<18} {'waits':>6} {'batches':>8} {'inputs':>7} {'in/batch':>9} "
        f"{'s/wait':>7} {'max s':>6} {'inputs/s':>9}"
    ]
    for context, waits in sorted(by_context.items(), key=lambda kv: -len(kv[1])):
        inputs = sum(w.size for w in waits)
        batches = sum(w.batches for w in waits)
        seconds = sum(w.seconds for w in waits)
        lines.append(
            f"{context:<18} {len(waits):6d} {batches:8d} {inputs:7d} {inputs / batches:9.1f} "
            f"{statistics.mean(w.seconds for w in waits):7.3f} "
            f"{max(w.seconds for w in waits):6.2f} {inputs / max(seconds, 1e-9):9.1f}"
        )
    return "\n".join(lines)


def process_seconds() -> float:
    """Wall seconds since this process started (interpreter start included)."""
    try:
        import psutil

        return time.time() - psutil.Process().create_time()
    except ImportError:
        return time.perf_counter() - STARTED


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", type=Path, help="Vietnamese, one sentence per line (eval).")
    parser.add_argument("--ref", type=Path, help="English references of --src.")
    parser.add_argument("--limit", type=int, help="Only the first N lines of --src.")
    parser.add_argument("--run", nargs="+", metavar="INPUT", help="Profile `vien run INPUT...`.")
    parser.add_argument("--config", type=Path, help="Configuration (default: the default one).")
    parser.add_argument("--set", action="append", metavar="KEY=VALUE", help="Override a setting.")
    parser.add_argument("-o", "--out", type=Path, help="Output folder (default: a temporary one).")
    args = parser.parse_args(argv)
    if not args.run and not (args.src and args.ref):
        parser.error("give --src and --ref, or --run INPUT...")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    profile = Profile()
    facts = run(args, profile)
    total = process_seconds()
    cpu = time.process_time()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    segments = facts["segments"]
    what = " ".join(args.run) if args.run else f"vien eval --src {args.src} --ref {args.ref}"
    print(
        f"{what}; {segments} segments; {len(os.sched_getaffinity(0))} cores; load average "
        f"{os.getloadavg()[0]:.1f} at the end"
    )
    print(
        f"whole process {total:.1f} s wall, {cpu:.1f} s CPU, {segments / total:.1f} segments/s, "
        f"peak RSS {peak:.0f} MiB; outputs in {facts['out']}"
    )
    print()
    print(table(profile, total, cpu))
    print()
    print(batch_table(profile))


if __name__ == "__main__":
    main()
