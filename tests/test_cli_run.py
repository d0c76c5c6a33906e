"""End to end: ``vien run`` on seeds/ with tiny offline models, through every writer."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from tiny_models import tiny_pipeline_config
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.writers.tmx import read_tmx
from pipeline.writers.tsv import read_tsv

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
CORPUS_FILES = (
    "aligned.jsonl",
    "aligned.tsv",
    "parallel.vi",
    "parallel.en",
    "aligned.tmx",
    "summaries.jsonl",
    "removed.jsonl",
    "aligned.parquet",
    "manifest.json",
)


@pytest.fixture(scope="module")
def tiny_config(tmp_path_factory: pytest.TempPathFactory, tiny_marian: Path) -> Path:
    """The default configuration with the bundled models swapped for tiny random ones."""
    path = tmp_path_factory.mktemp("config") / "tiny.yaml"
    return tiny_pipeline_config(tiny_marian, path, run={"batch_docs": 2})


def invoke(*args: str):
    return CliRunner().invoke(app, [*args, "--quiet"] if args[0] == "run" else list(args))


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory, tiny_config: Path):
    out = tmp_path_factory.mktemp("out")
    result = invoke("run", str(SEEDS), "-o", str(out), "--config", str(tiny_config))
    return result, out


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def stored_docs(out: Path) -> list[dict]:
    return [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "docs").glob("*.json"))
    ]


def test_run_succeeds(seed_run) -> None:
    result, _ = seed_run
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_run_writes_corpus_file(seed_run, name: str) -> None:
    _, out = seed_run
    assert (out / name).is_file()
    assert (out / name).stat().st_size > 0


def test_every_sentence_once_and_in_order(seed_run) -> None:
    """The aligned Vietnamese, joined, is the kept text with nothing lost or repeated."""
    _, out = seed_run
    (doc,) = stored_docs(out)
    rows = read_jsonl(out / "aligned.jsonl")
    kept = doc["text"]
    for removed in sorted(doc["removed"], key=lambda r: -r["start"]):
        kept = kept[: removed["start"]] + kept[removed["end"] :]
    squash = re.compile(r"\s+")
    assert squash.sub("", "".join(r["vi"] for r in rows)) == squash.sub("", kept)
    assert [r["start"] for r in rows] == sorted(r["start"] for r in rows)
    assert all(doc["text"][r["start"] : r["end"]] == r["vi"] for r in rows)


def test_every_segment_has_english(seed_run) -> None:
    _, out = seed_run
    rows = read_jsonl(out / "aligned.jsonl")
    assert rows and all(isinstance(r["en"], str) for r in rows)
    assert all(r["score"] is None or r["score"] <= 0 for r in rows)


def test_long_sentences_are_split_not_truncated(seed_run) -> None:
    """The tiny model reads 64 tokens; the seed's long sentences must be flagged, not cut."""
    _, out = seed_run
    rows = read_jsonl(out / "aligned.jsonl")
    assert any("split_long" in r["flags"] for r in rows)


def test_segment_ids_are_stable_paths(seed_run) -> None:
    _, out = seed_run
    rows = read_jsonl(out / "aligned.jsonl")
    assert rows[0]["id"] == "000_fd595707a5dff46e/p1/s1"
    assert len({r["id"] for r in rows}) == len(rows)


def test_moses_files_line_up(seed_run) -> None:
    _, out = seed_run
    vi = (out / "parallel.vi").read_text(encoding="utf-8").split("\n")
    en = (out / "parallel.en").read_text(encoding="utf-8").split("\n")
    rows = read_jsonl(out / "aligned.jsonl")
    assert len(vi) == len(en) == len(rows) + 1  # trailing newline
    assert vi[:-1] == [r["vi"] for r in rows]


def test_tmx_parses_back_to_the_pairs(seed_run) -> None:
    _, out = seed_run
    rows = read_jsonl(out / "aligned.jsonl")
    assert read_tmx(out / "aligned.tmx") == [(r["id"], r["vi"], r["en"]) for r in rows]


def test_tsv_reads_back_to_the_pairs(seed_run) -> None:
    _, out = seed_run
    rows = read_jsonl(out / "aligned.jsonl")
    tsv = list(read_tsv(out / "aligned.tsv"))
    assert [(t["id"], t["vi"], t["en"]) for t in tsv] == [(r["id"], r["vi"], r["en"]) for r in rows]


def test_parquet_loads_with_datasets(seed_run) -> None:
    datasets = pytest.importorskip("datasets")
    _, out = seed_run
    table = datasets.load_dataset(
        "parquet",
        data_files=str(out / "aligned.parquet"),
        split="train",
        cache_dir=str(out / ".hf-cache"),
    )
    rows = read_jsonl(out / "aligned.jsonl")
    assert table.column_names == list(rows[0])  # the same fields as aligned.jsonl
    for name in ("vi", "vi_restored", "en", "flags"):
        assert table[name] == [r[name] for r in rows]
    shutil.rmtree(out / ".hf-cache", ignore_errors=True)


def test_residue_is_recorded_not_translated(seed_run) -> None:
    _, out = seed_run
    removed = read_jsonl(out / "removed.jsonl")
    rows = read_jsonl(out / "aligned.jsonl")
    assert any("Email của bạn" in r["text"] for r in removed)
    assert not any("Email của bạn" in r["vi"] for r in rows)


def test_summaries_in_both_languages(seed_run) -> None:
    _, out = seed_run
    (summary,) = read_jsonl(out / "summaries.jsonl")
    assert isinstance(summary["summary_vi"], str) and isinstance(summary["summary_en"], str)


def test_manifest_is_complete(seed_run) -> None:
    _, out = seed_run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    rows = read_jsonl(out / "aligned.jsonl")
    assert manifest["counts"]["segments"] == len(rows)
    assert manifest["counts"]["documents"] == 1
    assert manifest["counts"]["removed"] >= 1
    assert manifest["models"]["translate"]["checksum"]
    assert manifest["models"]["translate"]["family"] == "marian"
    assert manifest["packages"]["torch"] and manifest["packages"]["transformers"]
    assert manifest["signature"].startswith("vien:")
    assert manifest["config"]["translate"]["num_beams"] == 1
    assert manifest["failures"] == []


def test_rerun_skips_finished_documents(seed_run, tiny_config: Path) -> None:
    _, out = seed_run
    before = (out / "aligned.jsonl").read_bytes()
    result = invoke("run", str(SEEDS), "-o", str(out), "--config", str(tiny_config))
    assert result.exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["counts"]["processed"], manifest["counts"]["skipped"]) == (0, 1)
    assert (out / "aligned.jsonl").read_bytes() == before


def test_force_redoes_finished_documents(tmp_path: Path, tiny_config: Path) -> None:
    args = ("run", str(SEEDS), "-o", str(tmp_path), "--config", str(tiny_config))
    assert invoke(*args).exit_code == 0
    assert invoke(*args, "--force").exit_code == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["processed"] == 1


def test_changed_config_redoes_documents(tmp_path: Path, tiny_config: Path) -> None:
    args = ("run", str(SEEDS), "-o", str(tmp_path), "--config", str(tiny_config))
    assert invoke(*args).exit_code == 0
    assert invoke(*args, "--set", "translate.max_new_tokens=5").exit_code == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["processed"] == 1
    assert manifest["config"]["translate"]["max_new_tokens"] == 5


def test_bad_input_is_named_and_others_still_run(tmp_path: Path, tiny_config: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEEDS / "000_fd595707a5dff46e.txt", inputs / "good.txt")
    (inputs / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (inputs / "batch.jsonl").write_text(
        '{"id": "a", "text": "Hà Nội là thủ đô."}\nnot json\n{"body": "x"}\n', encoding="utf-8"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["run", str(inputs), "-o", str(out), "--config", str(tiny_config), "--quiet"]
    )
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert any("image.txt" in line for line in errors)
    assert any("batch.jsonl:2" in line and "JSON" in line for line in errors)
    assert any("batch.jsonl:3" in line and "'text'" in line for line in errors)
    assert "Traceback" not in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["processed"] == 2
    assert len(manifest["failures"]) == 3


def test_unknown_config_key_is_one_line_error(tmp_path: Path, tiny_config: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "run",
            str(SEEDS),
            "-o",
            str(tmp_path),
            "--config",
            str(tiny_config),
            "--set",
            "translate.num_beam=4",
        ],
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == "vien: error: translate.num_beam: unknown key"


def test_bad_config_value_names_the_key(tmp_path: Path, tiny_config: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "run",
            str(SEEDS),
            "-o",
            str(tmp_path),
            "--config",
            str(tiny_config),
            "--set",
            "translate.num_beams=zero",
        ],
    )
    assert result.exit_code == 2
    assert "translate.num_beams:" in result.stderr
