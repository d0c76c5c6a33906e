"""Protected spans in the outputs: aligned.jsonl, docs JSON, parquet and the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tiny_models import tiny_pipeline_config
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.document import Document, Paragraph, Segment
from pipeline.protect.placeholders import OPEN
from pipeline.report.spans import english_parts, vietnamese_parts

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SPAN_KEYS = {"kind", "start", "end", "text", "en"}


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory, tiny_marian: Path) -> Path:
    root = tmp_path_factory.mktemp("protect-run")
    config = tiny_pipeline_config(
        tiny_marian, root / "tiny.yaml", summarize={"method": "lead", "lead_sentences": 2}
    )
    out = root / "out"
    result = CliRunner().invoke(app, ["run", str(SEEDS), "-o", str(out), "--config", str(config)])
    assert result.exit_code == 0, result.output
    return out


def aligned(out: Path) -> list[dict]:
    lines = (out / "aligned.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_aligned_records_list_spans(seed_run: Path) -> None:
    records = aligned(seed_run)
    first = records[0]
    assert first["protected"] and all(set(s) == SPAN_KEYS for s in first["protected"])
    assert all(first["vi"][s["start"] : s["end"]] == s["text"] for s in first["protected"])
    kinds = {s["kind"] for r in records for s in r["protected"]}
    assert {"date", "number", "name", "term", "url"} <= kinds


def test_seed_numbers_names_and_terms_come_through(seed_run: Path) -> None:
    english = " ".join(r["en"] for r in aligned(seed_run))
    for wanted in ("March 6", "1,700", "Nguyen Van Hoa", "provincial People's Committee"):
        assert wanted in english
    assert OPEN not in english


def test_fallbacks_are_flagged(seed_run: Path) -> None:
    # A random tiny model copies no span, so every protected sentence it translates falls back.
    for record in aligned(seed_run):
        if record["protected"] and "byline" not in record["flags"]:
            assert "protect_fallback" in record["flags"]


def test_byline_is_written_as_names_not_translated(seed_run: Path) -> None:
    [byline] = [r for r in aligned(seed_run) if "byline" in r["flags"]]
    assert byline["vi"] == "Thu Trang – Công Luận"
    assert byline["en"] == "Thu Trang – Cong Luan"
    assert [(s["kind"], s["en"]) for s in byline["protected"]] == [
        ("name", "Thu Trang"),
        ("name", "Cong Luan"),
    ]
    assert "protect_fallback" not in byline["flags"]


def test_byline_goes_to_the_model_without_protection(tmp_path: Path, tiny_marian: Path) -> None:
    config = tiny_pipeline_config(
        tiny_marian, tmp_path / "tiny.yaml", summarize={"method": "lead", "lead_sentences": 2}
    )
    out = tmp_path / "out"
    args = [
        "run",
        str(SEEDS),
        "-o",
        str(out),
        "--config",
        str(config),
        "--set",
        "translate.protect=false",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    [byline] = [r for r in aligned(out) if "byline" in r["flags"]]
    assert byline["en"] != "Thu Trang – Cong Luan" and byline["protected"] == []


def test_document_json_keeps_spans(seed_run: Path) -> None:
    [path] = (seed_run / "docs").glob("*.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    segment = data["paragraphs"][0]["segments"][0]
    assert segment["protected"]
    doc = Document.from_dict({k: v for k, v in data.items() if k != "config_hash"})
    assert doc.segments[0].protected == segment["protected"]


def test_document_without_spans_loads() -> None:
    doc = Document(
        "d",
        "src",
        "Xin chào.",
        paragraphs=[Paragraph(1, 0, 9, [Segment("d/p1/s1", "Xin chào.", 0, 9)])],
    )
    data = doc.to_dict()
    del data["paragraphs"][0]["segments"][0]["protected"]
    assert Document.from_dict(data).segments[0].protected == []


def test_parquet_has_spans(seed_run: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(seed_run / "aligned.parquet")
    first = table.column("protected")[0].as_py()
    assert first and set(first[0]) == SPAN_KEYS


def test_report_highlights_both_sides(seed_run: Path) -> None:
    page = (seed_run / "report.html").read_text(encoding="utf-8")
    assert '<mark class="span" title="protected: name">Nguyễn Văn Hòa</mark>' in page
    assert '<mark class="span" title="protected: name">Nguyen Van Hoa</mark>' in page


def test_highlight_parts_cover_the_text() -> None:
    spans = [{"kind": "number", "start": 4, "end": 9, "text": "1.700", "en": "1,700"}]
    assert vietnamese_parts("hơn 1.700 đơn", spans) == [
        ("hơn ", None),
        ("1.700", "number"),
        (" đơn", None),
    ]
    assert english_parts("over 1,700 petitions", spans) == [
        ("over ", None),
        ("1,700", "number"),
        (" petitions", None),
    ]
    assert english_parts("nothing here", spans) == [("nothing here", None)]
