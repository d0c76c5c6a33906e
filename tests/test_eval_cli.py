"""End to end: ``vien eval`` with a tiny offline model, and ``--compare``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tiny_models import tiny_pipeline_config
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.evaluation.report import TABLE_ROWS

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "data" / "eval_mini.jsonl"
REPORT_FILES = ("report.json", "report.md", "documents.jsonl")
SUMMARY_KEYS = {
    "rouge1",
    "rouge2",
    "rougeL",
    "novel_bigrams_pct",
    "unsupported_numbers_pct",
    "fallback_pct",
    "documents",
}
METRIC_SECTIONS = {
    "translation": {"bleu", "chrf", "groups", "references"},
    "segmentation": {
        "boundary_precision",
        "boundary_recall",
        "boundary_f1",
        "one_to_one",
        "groups",
        "unmatched_references",
        "unlocated_references",
    },
    "summary_vi": SUMMARY_KEYS,
    "summary_en": SUMMARY_KEYS,
    "degenerate": {"copied_source", "empty_output", "length_ratio", "repetition", "segments"},
    "speed": {"seconds", "segments_per_second", "documents_per_second", "peak_memory_mb"},
}


@pytest.fixture(scope="module")
def tiny_config(tmp_path_factory: pytest.TempPathFactory, tiny_marian: Path) -> Path:
    """The default configuration with the bundled models swapped for tiny random ones."""
    return tiny_pipeline_config(tiny_marian, tmp_path_factory.mktemp("config") / "tiny.yaml")


def invoke(*args: str):
    return CliRunner().invoke(app, ["eval", *args])


@pytest.fixture(scope="module")
def mini_eval(tmp_path_factory: pytest.TempPathFactory, tiny_config: Path):
    out = tmp_path_factory.mktemp("eval")
    result = invoke("--testset", str(MINI), "--config", str(tiny_config), "-o", str(out), "-q")
    return result, out


def read_report(out: Path) -> dict:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_eval_succeeds(mini_eval) -> None:
    result, _ = mini_eval
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", REPORT_FILES)
def test_eval_writes_report_file(mini_eval, name: str) -> None:
    _, out = mini_eval
    assert (out / name).stat().st_size > 0


@pytest.mark.parametrize("section", sorted(METRIC_SECTIONS))
def test_report_has_every_metric(mini_eval, section: str) -> None:
    _, out = mini_eval
    assert METRIC_SECTIONS[section] <= set(read_report(out)["metrics"][section])


def test_report_scores_the_whole_testset(mini_eval) -> None:
    _, out = mini_eval
    report = read_report(out)
    metrics = report["metrics"]
    assert report["testset"] == {
        "name": "eval_mini.jsonl",
        "documents": 3,
        "references": 9,
        "with_summaries": 2,
    }
    assert 0 <= metrics["translation"]["bleu"] <= 100
    assert 0 <= metrics["translation"]["chrf"] <= 100
    assert metrics["segmentation"]["unlocated_references"] == 0
    assert metrics["summary_vi"]["documents"] == metrics["summary_en"]["documents"] == 2
    assert metrics["summary_vi"]["rouge1"] is not None
    assert report["pipeline"]["signature"].startswith("vien:")
    assert "nw:2" in report["signatures"]["chrf"] and "tok:13a" in report["signatures"]["bleu"]
    assert report["run"]["failed"] == 0


def test_eval_runs_the_real_pipeline(mini_eval) -> None:
    _, out = mini_eval
    manifest = json.loads((out / "run" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["documents"] == 3
    assert manifest["config"]["pipeline"] == ["normalize", "segment", "translate", "summarize"]


def test_documents_listing(mini_eval) -> None:
    _, out = mini_eval
    rows = [json.loads(x) for x in (out / "documents.jsonl").read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["mini-weather", "mini-economy", "mini-sport"]
    assert [r["domain"] for r in rows] == ["weather", "economy", "sport"]
    assert {"bleu", "chrf", "rouge", "flags", "groups", "one_to_one"} <= set(rows[0])
    assert rows[2]["rouge"] == {"vi": None, "en": None}
    assert set(rows[0]["rouge"]["vi"]) == {"rouge1", "rouge2", "rougeL"}


def test_table_on_stdout(mini_eval) -> None:
    result, out = mini_eval
    assert result.stdout == (out / "report.md").read_text(encoding="utf-8")
    for _, label, _ in TABLE_ROWS:
        assert f"| {label} |" in result.stdout


def test_sentence_level_set_skips_summaries(tmp_path: Path, tiny_config: Path) -> None:
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("vi\ten\nHà Nội là thủ đô.\tHanoi is the capital.\nMột.\tOne.\n", "utf-8")
    out = tmp_path / "eval"
    result = invoke("--tsv", str(tsv), "-c", str(tiny_config), "-o", str(out), "--limit", "1", "-q")
    assert result.exit_code == 0, result.output
    report = read_report(out)
    assert report["testset"]["documents"] == 1
    assert "summarize" not in report["pipeline"]["stages"]
    assert report["metrics"]["summary_vi"]["rouge1"] is None
    assert "| ROUGE-1 vi summary | n/a |" in result.stdout
    # One reference sentence per document: no sentence boundary to score.
    assert report["metrics"]["segmentation"]["boundary_f1"] is None
    assert "| Boundary F1 | n/a |" in result.stdout


def test_compare_prints_both_and_the_difference(mini_eval, tmp_path: Path) -> None:
    _, out = mini_eval
    report = read_report(out)
    report["pipeline"]["signature"] = "vien:other"
    report["metrics"]["translation"]["bleu"] += 1.5
    report["metrics"]["degenerate"]["empty_output"] += 2
    other = tmp_path / "other.json"
    other.write_text(json.dumps(report), encoding="utf-8")
    result = invoke("--compare", str(out), str(other))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("A: eval_mini.jsonl `vien:0")
    assert lines[1] == "B: eval_mini.jsonl `vien:other`"
    bleu = next(line for line in lines if line.startswith("| BLEU |"))
    assert bleu.endswith("| +1.50 |")
    empty = next(line for line in lines if line.startswith("| Empty outputs |"))
    assert empty.endswith("| +2 |")


def test_compare_of_a_missing_report_is_an_error(mini_eval, tmp_path: Path) -> None:
    _, out = mini_eval
    result = invoke("--compare", str(out), str(tmp_path))
    assert result.exit_code == 1
    assert "no report here" in result.stderr


def test_two_test_sets_is_a_usage_error(tmp_path: Path) -> None:
    tsv, jsonl = tmp_path / "a.tsv", tmp_path / "b.jsonl"
    tsv.write_text("Một.\tOne.\n", "utf-8")
    jsonl.write_text('{"vi": "Một.", "en": "One."}\n', "utf-8")
    result = invoke("--tsv", str(tsv), "--jsonl", str(jsonl), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr.strip() == "vien: error: give one test set, not --tsv and --jsonl"


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(app, ["eval", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout
