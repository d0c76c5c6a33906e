"""The runner owns I/O, batching, resume and progress.

Readers stream documents; documents already finished with the same
configuration are skipped (resume); the stages' ``pipe`` chain transforms the
rest in order; each finished document is written atomically; at the end the
corpus files are rebuilt from the per-document files in input order and the
manifest records what happened.
"""

from __future__ import annotations

import json
import logging
import os
import re
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline import __version__, registry
from pipeline.build import build_stages
from pipeline.config import Config
from pipeline.document import FLAG_NUMBERS, FLAG_RETRIED, FLAG_SUMMARY_FALLBACK, Document
from pipeline.engines import LocalEngine, StageFacts
from pipeline.errors import InputError, StageError, StageFailure
from pipeline.manifest import model_gflop, package_versions, throughput, write_manifest
from pipeline.progress import Progress
from pipeline.quality.degenerate import DEGENERATE_FLAGS
from pipeline.readers.dispatch import read_inputs
from pipeline.writers.document_json import DOCS_DIR, read_document, write_document

logger = logging.getLogger(__name__)

# ``.<name>.tmp-<pid>``: the temporary files of ``writers.atomic.atomic_open``.
_TEMP_FILE = re.compile(r"\..+\.tmp-(\d+)")


@dataclass
class RunReport:
    """What a run did; ``exit_code`` is 1 when any input failed."""

    out_dir: Path
    signature: str = ""
    processed: int = 0
    skipped: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    order: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    peak_memory_mb: float = 0.0
    model_gflop: float | None = None
    throughput: dict[str, float | None] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(
    inputs: list[str],
    out_dir: str | Path,
    config: Config,
    *,
    force: bool = False,
    progress: bool = True,
    engine: LocalEngine | None = None,
) -> RunReport:
    """Run the configured pipeline over ``inputs`` into ``out_dir``.

    Args:
        inputs: files, folders (read recursively) and glob patterns.
        out_dir: output folder; created if missing.
        config: a validated configuration.
        force: redo documents already finished with the same configuration.
        progress: show a progress bar on stderr.
        engine: where the stages run; this process (:class:`LocalEngine`) if unset.

    Returns:
        The run report; its ``exit_code`` says whether any input failed.

    Raises:
        StageError: the stages do not chain, or a document failed with
            ``run.on_error: raise``.
    """
    started = time.perf_counter()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _remove_stale_temp_files(out)
    context: dict[str, Any] = {"config": config}
    stages = build_stages(config, context)
    config_hash = config.hash()
    report = RunReport(out_dir=out)
    engine = engine if engine is not None else LocalEngine()

    pending = _pending_documents(inputs, out, config, config_hash, force, report)
    stream = engine.process(pending, stages, config)
    if any("segments" in stage.provides for stage in stages):
        stream = _require_segments(stream)
    _write_documents(stream, config, config_hash, report, progress)
    facts = engine.stage_facts(stages)
    report.model_gflop = model_gflop(context)
    _finish(inputs, config, config_hash, report, facts, engine.name, (started, started_at))
    return report


def _write_documents(
    stream: Iterator[Document], config: Config, config_hash: str, report: RunReport, progress: bool
) -> None:
    """Write each finished document as it arrives; record failures."""
    with Progress(progress) as bar:
        for doc in stream:
            if doc.error is not None:
                _fail(report, doc.source, doc.error, config)
                report.order.remove(doc.id)
            else:
                write_document(report.out_dir, doc, config_hash)
                report.processed += 1
            bar.update(1)
            report.counts["segments_processed"] += len(doc.segments)
            bar.set_postfix(sent_per_s=f"{report.counts['segments_processed'] / bar.elapsed():.1f}")


def _finish(
    inputs: list[str],
    config: Config,
    config_hash: str,
    report: RunReport,
    facts: dict[str, StageFacts],
    engine: str,
    started: tuple[float, str],
) -> None:
    """Sign the run, rebuild the corpus files, write the manifest and reports.

    The signature is ``vien:0.1.0|norm:...|adapter:marian|model:...|beam:4``.
    """
    out = report.out_dir
    report.signature = "|".join([f"vien:{__version__}", *(sig for sig, _ in facts.values())])
    run_info = {"signature": report.signature, "config_hash": config_hash}
    _write_corpus(out, config, report, run_info)
    report.seconds = time.perf_counter() - started[0]
    report.peak_memory_mb = peak_memory_mb()
    report.throughput = throughput(
        report.counts["segments_processed"], report.seconds, report.model_gflop
    )
    write_manifest(
        out,
        {
            "vien_version": __version__,
            "signature": report.signature,
            "config_path": config.path,
            "config_hash": config_hash,
            "config": config.to_dict(),
            "engine": engine,
            "inputs": list(inputs),
            "models": {name: described for name, (_, described) in facts.items() if described},
            "packages": package_versions(),
            "counts": _counts(report),
            "failures": report.failures,
            "documents": report.order,
            "outputs": _output_files(config),
            "timings": {
                "started": started[1],
                "seconds": round(report.seconds, 3),
                "documents_per_second": round(report.processed / report.seconds, 3),
                "segments_per_second": round(
                    report.counts["segments_processed"] / report.seconds, 3
                ),
            },
            "throughput": report.throughput,
            "peak_memory_mb": round(report.peak_memory_mb, 1),
        },
    )
    for name in config.output.formats:
        if name in registry.REPORTS:
            registry.get_report(name)(out)


def _pending_documents(
    inputs: list[str],
    out: Path,
    config: Config,
    config_hash: str,
    force: bool,
    report: RunReport,
) -> Iterator[Document]:
    """Documents still to process, in order; records order, skips and read errors."""
    seen: set[str] = set()
    for item in read_inputs(inputs, config.input):
        if isinstance(item, InputError):
            _fail(report, item.source, item.reason, config, cause=item)
            continue
        problem = _unwritable(item)
        if problem is not None:
            _fail(report, item.source, problem, config)
            continue
        base, n = item.id, 1
        while item.id in seen:
            n += 1
            item.id = f"{base}~{n}"
        seen.add(item.id)
        report.order.append(item.id)
        if not force:
            stored = read_document(out, item.id)
            if stored is not None and stored[1] == config_hash:
                report.skipped += 1
                continue
        yield item


def _unwritable(doc: Document) -> str | None:
    """Why ``doc`` cannot be written as UTF-8, if it cannot.

    JSON escapes can spell lone surrogates (``"\\ud800"``), which are no
    characters at all: such a record would fail only when its output is
    written, so it is refused as bad input up front.
    """
    try:
        json.dumps(doc.to_dict(), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as e:
        bad = e.object[e.start : e.end].encode("unicode_escape").decode("ascii")
        return f"not valid Unicode: holds the lone surrogate {bad} (a broken JSON escape)"
    return None


def _require_segments(docs: Iterator[Document]) -> Iterator[Document]:
    """Fail documents that had nothing to translate.

    An empty file, a blank one and a page of residue only are one case: an
    error naming the file, so that no input disappears without a word.
    """
    for doc in docs:
        if doc.error is None and not doc.segments:
            if doc.text.strip():
                reasons = ", ".join(sorted({r.reason for r in doc.removed})) or "no sentences"
                doc.error = f"no text to translate: only page residue ({reasons})"
            else:
                doc.error = "no text: empty or whitespace only"
        yield doc


def _remove_stale_temp_files(out: Path) -> None:
    """Delete the temporary files of runs that were killed mid-write."""
    for folder in (out, out / DOCS_DIR):
        for path in folder.glob(".*.tmp-*"):
            match = _TEMP_FILE.fullmatch(path.name)
            if match and not _process_alive(int(match.group(1))):
                path.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fail(
    report: RunReport,
    source: str,
    reason: str,
    config: Config,
    *,
    cause: BaseException | None = None,
) -> None:
    """Record a failed input or document: one error line, one manifest record.

    A ``StageFailure`` (a bug, memory) also records the stage and the
    exception's type, so it cannot pass for bad input; its traceback was
    logged when it happened.
    """
    failure = {"source": source, "reason": str(reason)}
    if isinstance(reason, StageFailure):
        failure.update(stage=reason.stage, type=reason.type_name)
        cause = reason.exception
        logger.error("%s: %s (unexpected error, traceback above)", source, reason)
    else:
        logger.error("%s: %s", source, reason)
    report.failures.append(failure)
    if config.run.on_error == "raise":
        raise StageError(f"{source}: {reason}") from cause


def _write_corpus(out: Path, config: Config, report: RunReport, run_info: dict) -> None:
    """Rebuild every corpus file from the per-document files, in input order."""
    writers = [
        registry.get_writer(name)(out, run_info=run_info)
        for name in config.output.formats
        if name in registry.WRITERS
    ]
    for writer in writers:
        writer.__enter__()
    try:
        for doc_id in report.order:
            stored = read_document(out, doc_id)
            if stored is None:
                raise StageError(f"{doc_id}: finished document file is missing or unreadable")
            doc = stored[0]
            _count(report.counts, doc)
            for writer in writers:
                writer.write(doc)
    except BaseException:
        for writer in reversed(writers):
            writer.__exit__(*sys.exc_info())
        raise
    for writer in reversed(writers):
        writer.__exit__(None, None, None)


def _count(counts: Counter, doc: Document) -> None:
    counts["documents"] += 1
    counts["paragraphs"] += len(doc.paragraphs)
    counts["segments"] += len(doc.segments)
    counts["removed"] += len(doc.removed)
    counts["summaries"] += bool(doc.summaries)
    counts["quality:summary_fallback"] += FLAG_SUMMARY_FALLBACK in doc.flags
    for seg in doc.segments:
        for flag in seg.flags:
            counts[f"flag:{flag}"] += 1
        degenerate = not DEGENERATE_FLAGS.isdisjoint(seg.flags)
        counts["quality:degenerate"] += degenerate
        counts["quality:number_mismatch"] += FLAG_NUMBERS in seg.flags
        if FLAG_RETRIED in seg.flags:
            counts["quality:retried"] += 1
            # Repaired only if the output it ends with passes every check: a
            # retry that stops a loop but drops a number fixed nothing.
            counts["quality:fixed_by_retry"] += not degenerate and FLAG_NUMBERS not in seg.flags


def _counts(report: RunReport) -> dict[str, Any]:
    flags = {k.split(":", 1)[1]: v for k, v in report.counts.items() if k.startswith("flag:")}
    return {
        "documents": report.counts["documents"],
        "processed": report.processed,
        "skipped": report.skipped,
        "failed": len(report.failures),
        "paragraphs": report.counts["paragraphs"],
        "segments": report.counts["segments"],
        "removed": report.counts["removed"],
        "summaries": report.counts["summaries"],
        "flags": flags,
        # Segments, after any retry: still degenerate, retried, repaired by the retry
        # (its output passes every check); documents whose model summary was refused.
        "quality": {
            key: report.counts[f"quality:{key}"]
            for key in (
                "degenerate",
                "retried",
                "fixed_by_retry",
                "number_mismatch",
                "summary_fallback",
            )
        },
    }


def _output_files(config: Config) -> list[str]:
    files = ["manifest.json", "docs/"]
    for name in config.output.formats:
        if name in registry.WRITERS:
            files.extend(registry.get_writer(name).files)
        else:
            files.append(f"report.{name}")
    return files
