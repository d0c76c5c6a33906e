"""``evaluate``: run, score and write the report; ``compare``: two reports side by side.

An evaluation folder holds ``report.json`` (every number and signature),
``report.md`` (the same as a table), ``documents.jsonl`` (one line per test
document) and ``run/`` (the pipeline's own outputs for the test set).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.config import Config
from pipeline.errors import InputError
from pipeline.evaluation.fidelity import fidelity
from pipeline.evaluation.hypotheses import produce_hypotheses
from pipeline.evaluation.metrics import rouge_signature
from pipeline.evaluation.scoring import score_testset
from pipeline.evaluation.testsets import EvalSet
from pipeline.runner import RunReport
from pipeline.writers.atomic import atomic_write_text

REPORT_FILE = "report.json"
MARKDOWN_FILE = "report.md"
DOCUMENTS_FILE = "documents.jsonl"
RUN_DIR = "run"

# The rows of the metrics table and of comparisons: dotted key, label, digits.
TABLE_ROWS = (
    ("translation.bleu", "BLEU", 2),
    ("translation.chrf", "chrF++", 2),
    ("segmentation.boundary_precision", "Boundary precision", 3),
    ("segmentation.boundary_recall", "Boundary recall", 3),
    ("segmentation.boundary_f1", "Boundary F1", 3),
    ("segmentation.one_to_one", "1:1 groups (share)", 3),
    ("summary_vi.rouge1", "ROUGE-1 vi summary", 2),
    ("summary_vi.rouge2", "ROUGE-2 vi summary", 2),
    ("summary_vi.rougeL", "ROUGE-L vi summary", 2),
    ("summary_vi.novel_bigrams_pct", "Novel bigrams in vi summaries (%)", 2),
    ("summary_vi.unsupported_numbers_pct", "vi summaries stating an unsupported number (%)", 2),
    ("summary_vi.fallback_pct", "Summaries replaced by lead (guard, %)", 2),
    ("summary_en.rouge1", "ROUGE-1 en summary", 2),
    ("summary_en.rouge2", "ROUGE-2 en summary", 2),
    ("summary_en.rougeL", "ROUGE-L en summary", 2),
    ("degenerate.empty_output", "Empty outputs", 0),
    ("degenerate.repetition", "Repetition loops", 0),
    ("degenerate.copied_source", "Untranslated (copied) outputs", 0),
    ("degenerate.length_ratio", "Length far off the source", 0),
    ("degenerate.number_mismatch", "Numbers or names lost", 0),
    ("fidelity.numbers", "Numbers kept (share)", 3),
    ("fidelity.names", "Names kept (share)", 3),
    ("fidelity.terms", "Glossary terms kept (share)", 3),
    ("speed.seconds", "Run time (s)", 1),
    ("speed.segments_per_second", "Segments per second", 2),
    ("speed.gflop_per_segment", "Model GFLOP per segment (compute floor)", 3),
    ("speed.gflop_per_second", "Model GFLOP/s achieved", 1),
    ("speed.peak_memory_mb", "Peak memory (MiB)", 0),
)


def evaluate(
    testset: EvalSet, config: Config, out_dir: str | Path, *, progress: bool = True
) -> dict[str, Any]:
    """Run the pipeline over ``testset``, score it and write the report files into ``out_dir``.

    Args:
        testset: the test documents with their references.
        config: a validated configuration.
        out_dir: the report folder; the run's own outputs go to ``out_dir/run``.
        progress: show the runner's progress bar on stderr.

    Returns:
        The report, as written to ``report.json``.

    Raises:
        StageError: the stages do not chain, or a document failed with ``run.on_error: raise``.
    """
    out = Path(out_dir)
    hypotheses = produce_hypotheses(testset, config, out / RUN_DIR, progress=progress)
    metrics, scores = score_testset(testset, hypotheses.documents)
    run = hypotheses.report
    translation = metrics["translation"]
    metrics["speed"] = _speed(run, metrics["degenerate"]["segments"])
    metrics["fidelity"] = fidelity(hypotheses.documents, hypotheses.config.stages.get("translate"))
    report = {
        "vien_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "testset": {
            "name": testset.name,
            "documents": len(testset.documents),
            "references": translation["references"],
            "with_summaries": sum(bool(d.summary_vi or d.summary_en) for d in testset.documents),
        },
        "pipeline": {
            "signature": run.signature,
            "config_path": config.path,
            "config_hash": hypotheses.config.hash(),
            "stages": list(hypotheses.config.pipeline),
        },
        "signatures": {
            "bleu": translation.pop("bleu_signature"),
            "chrf": translation.pop("chrf_signature"),
            "rouge": rouge_signature(),
        },
        "metrics": metrics,
        "run": {
            "out_dir": str(out / RUN_DIR),
            "processed": run.processed,
            "failed": len(run.failures),
            "failures": run.failures,
        },
    }
    write_report(report, [s.row() for s in scores], out)
    return report


def write_report(report: dict[str, Any], rows: list[dict[str, Any]], out_dir: str | Path) -> None:
    """Write ``report.json``, ``report.md`` and ``documents.jsonl`` into ``out_dir``."""
    out = Path(out_dir)
    atomic_write_text(out / REPORT_FILE, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    atomic_write_text(out / MARKDOWN_FILE, render_markdown(report))
    atomic_write_text(
        out / DOCUMENTS_FILE, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    )


def render_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown: what was run, the metrics table, the metric signatures."""
    testset, pipeline, signatures = report["testset"], report["pipeline"], report["signatures"]
    lines = [
        f"# vien eval: {testset['name']}",
        "",
        f"{testset['documents']} documents, {testset['references']} reference sentences, "
        f"{testset['with_summaries']} with reference summaries; "
        f"{report['run']['failed']} failed.",
        "",
        f"Pipeline: `{pipeline['signature']}`",
        "",
        "| Metric | Value |",
        "|---|---:|",
    ]
    lines += [
        f"| {label} | {_format(metric(report, key), digits)} |" for key, label, digits in TABLE_ROWS
    ]
    lines += [
        "",
        f"BLEU: `{signatures['bleu']}`  ",
        f"chrF++: `{signatures['chrf']}`  ",
        f"ROUGE: `{signatures['rouge']}`",
        "",
    ]
    return "\n".join(lines)


def compare(report_a: dict[str, Any], report_b: dict[str, Any]) -> str:
    """Two reports' metrics side by side with the difference B − A, as Markdown.

    Args:
        report_a: the baseline report.
        report_b: the report compared with it.

    Returns:
        A Markdown document naming both runs, then the table.
    """
    lines = [
        f"A: {report_a['testset']['name']} `{report_a['pipeline']['signature']}`  ",
        f"B: {report_b['testset']['name']} `{report_b['pipeline']['signature']}`",
        "",
        "| Metric | A | B | B − A |",
        "|---|---:|---:|---:|",
    ]
    for key, label, digits in TABLE_ROWS:
        a, b = metric(report_a, key), metric(report_b, key)
        delta = _format(b - a, digits, signed=True) if a is not None and b is not None else "n/a"
        lines.append(f"| {label} | {_format(a, digits)} | {_format(b, digits)} | {delta} |")
    if report_a["signatures"] != report_b["signatures"]:
        lines += ["", "Note: the metric signatures differ; the scores may not be comparable."]
    return "\n".join(lines) + "\n"


def load_report(path: str | Path) -> dict[str, Any]:
    """Read a ``report.json``, given the file or the report folder.

    Raises:
        InputError: no readable report is there.
    """
    path = Path(path)
    if path.is_dir():
        path = path / REPORT_FILE
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise InputError(str(path), "no report here; run `vien eval -o FOLDER` first") from e
    except (OSError, ValueError) as e:
        raise InputError(str(path), f"not a readable report.json ({e})") from e
    if not isinstance(report, dict) or "metrics" not in report:
        raise InputError(str(path), "not a vien eval report (no 'metrics')")
    return report


def metric(report: dict[str, Any], dotted: str) -> float | int | None:
    """The value at ``section.name`` under the report's metrics, or None if absent."""
    node: Any = report.get("metrics", {})
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, int | float) else None


def _speed(run: RunReport, segments: int) -> dict[str, float | None]:
    """Throughput of the whole run, model loading included, and the process's peak memory.

    Beside it, the model arithmetic per segment (the compute floor, see
    ``pipeline.manifest.throughput``) and the GFLOP/s the run achieved.
    """
    seconds = run.seconds or None
    return {
        "seconds": round(run.seconds, 3),
        "segments_per_second": round(segments / seconds, 3) if seconds else None,
        "documents_per_second": round(run.processed / seconds, 3) if seconds else None,
        "gflop_per_segment": run.throughput.get("gflop_per_segment"),
        "gflop_per_second": run.throughput.get("gflop_per_second"),
        "peak_memory_mb": round(run.peak_memory_mb, 1),
    }


def _format(value: float | int | None, digits: int, *, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    sign = "+" if signed else ""
    return f"{value:{sign},.{digits}f}"
