"""Summary-only test sets: Vietnamese articles with reference summaries and no English.

``vien eval`` scores them on their summaries and sentence boundaries, with the
translation metrics n/a (never 0); ``vien train sumsets`` writes VietNews in
that schema.
"""

from __future__ import annotations

import json
import lzma
from pathlib import Path

import pytest
import yaml
from tiny_models import tiny_pipeline_config
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.document import FLAG_SUMMARY_FALLBACK, Document
from pipeline.errors import InputError
from pipeline.evaluation.alignment import align_document
from pipeline.evaluation.scoring import score_testset
from pipeline.evaluation.testsets import SentencePair, document_from_record, load_testset

REPO = Path(__file__).resolve().parent.parent
ARTICLES = [
    {
        "id": "a1",
        "paragraphs": [[
            {"vi": "Người dân phát hiện thi thể ở xã Diễn Nguyên vào ngày 17/7."},
            {"vi": "Công an huyện đã đến hiện trường.", "en": None},
            {"vi": "Nạn nhân 35 tuổi."},
        ]],
        "summary_vi": "Người dân phát hiện thi thể ở xã Diễn Nguyên.",
    },
    {
        "id": "a2",
        "paragraphs": [[{"vi": "Thành phố Hà Nội mưa lớn."}, {"vi": "Nhiều tuyến phố ngập."}]],
        "summary_vi": "Hà Nội mưa lớn, phố ngập.",
    },
]  # fmt: skip
TRANSLATION_METRICS = ("bleu", "chrf")
SUMMARY_INDICATORS = ("novel_bigrams_pct", "unsupported_numbers_pct", "fallback_pct")
DEGENERATE = ("empty_output", "repetition", "copied_source", "length_ratio", "number_mismatch")


@pytest.fixture(scope="module")
def summary_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sumset") / "articles.jsonl"
    lines = (json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES)
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def configs(tmp_path_factory: pytest.TempPathFactory, tiny_marian: Path) -> dict[str, Path]:
    """The default pipeline with tiny models, and the same without translate (lead, vi only)."""
    folder = tmp_path_factory.mktemp("configs")
    full = tiny_pipeline_config(tiny_marian, folder / "full.yaml")
    data = yaml.safe_load((REPO / "configs" / "summarize-vi.yaml").read_text(encoding="utf-8"))
    data["normalize"]["restore_tones"] = "off"
    vi_only = folder / "vi-only.yaml"
    vi_only.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return {"full": full, "vi-only": vi_only}


def evaluate(testset: Path, config: Path, out: Path) -> tuple[object, dict]:
    result = CliRunner().invoke(
        app, ["eval", "--testset", str(testset), "-c", str(config), "-o", str(out), "-q"]
    )
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return result, report


@pytest.mark.parametrize("name", ["full", "vi-only"])
def test_summary_only_set_scores_rouge_and_no_translation(
    summary_set: Path, configs: dict[str, Path], tmp_path: Path, name: str
) -> None:
    result, report = evaluate(summary_set, configs[name], tmp_path / "eval")
    assert result.exit_code == 0, result.output
    metrics = report["metrics"]
    assert metrics["summary_vi"]["documents"] == 2
    assert metrics["summary_vi"]["rouge1"] is not None
    assert metrics["summary_en"]["rouge1"] is None
    # Lead copies the article, states its numbers and never falls back.
    lead = {k: metrics["summary_vi"][k] for k in SUMMARY_INDICATORS}
    assert lead == dict.fromkeys(SUMMARY_INDICATORS, 0.0)
    assert all(metrics["summary_en"][k] is None for k in SUMMARY_INDICATORS)
    assert [metrics["translation"][m] for m in TRANSLATION_METRICS] == [None, None]
    assert metrics["translation"]["references"] == 0
    assert "| BLEU | n/a |" in result.stdout and "| chrF++ | n/a |" in result.stdout
    # The reference sentences still mark boundaries: segmentation is scored.
    assert metrics["segmentation"]["boundary_f1"] is not None
    listing = (tmp_path / "eval" / "documents.jsonl").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in listing.splitlines()]
    assert [(r["bleu"], r["chrf"]) for r in rows] == [(None, None)] * 2


def test_without_translate_degenerate_and_fidelity_are_na(
    summary_set: Path, configs: dict[str, Path], tmp_path: Path
) -> None:
    result, report = evaluate(summary_set, configs["vi-only"], tmp_path / "eval")
    assert result.exit_code == 0, result.output
    metrics = report["metrics"]
    assert report["pipeline"]["stages"] == ["normalize", "segment", "summarize"]
    assert report["pipeline"]["signature"].endswith("sum:lead-2|en:off")
    assert all(metrics["degenerate"][n] is None for n in DEGENERATE)
    assert metrics["degenerate"]["segments"] == 5
    assert metrics["fidelity"]["numbers"] is None and metrics["fidelity"]["names"] is None
    assert "| Empty outputs | n/a |" in result.stdout


def test_with_translate_degenerate_outputs_are_counted(
    summary_set: Path, configs: dict[str, Path], tmp_path: Path
) -> None:
    _, report = evaluate(summary_set, configs["full"], tmp_path / "eval")
    assert all(isinstance(report["metrics"]["degenerate"][n], int) for n in DEGENERATE)


def test_summary_indicators_count_novel_bigrams_unsupported_numbers_and_fallbacks(
    summary_set: Path,
) -> None:
    testset = load_testset(summary_set)
    invented = Document(id="a1", source="x", text=testset.documents[0].source_text())
    invented.summaries["vi"] = "Nạn nhân 36 tuổi."  # 36: not in the article
    fallback = Document(id="a2", source="x", text=testset.documents[1].source_text())
    fallback.summaries["vi"] = "Thành phố Hà Nội mưa lớn."
    fallback.flag(FLAG_SUMMARY_FALLBACK)
    metrics, _ = score_testset(testset, [invented, fallback])
    summary = metrics["summary_vi"]
    # Bigrams: nạn nhân, nhân 36 (new), 36 tuổi (new); thành phố, phố hà, hà nội, nội mưa, mưa lớn.
    assert summary["novel_bigrams_pct"] == round(100 * 2 / 8, 2)
    assert summary["unsupported_numbers_pct"] == 50.0
    assert summary["fallback_pct"] == 50.0
    assert summary["documents"] == 2


def test_schema_allows_sentences_without_english() -> None:
    doc = document_from_record(ARTICLES[0], "x:1")
    assert [p.en for p in doc.pairs] == [None, None, None]
    mixed = {"id": "m", "paragraphs": [[{"vi": "Một.", "en": "One."}, {"vi": "Hai."}]]}
    assert document_from_record(mixed, "x:2").pairs == [
        SentencePair("Một.", "One."),
        SentencePair("Hai.", None),
    ]
    with pytest.raises(InputError, match="expected text in 'vi'"):
        document_from_record({"id": "b", "paragraphs": [[{"en": "One."}]]}, "x:3")


def test_groups_without_english_are_not_translation_scored() -> None:
    text = "Một. Hai. Ba."
    segments = [(0, 4, "One."), (5, 9, "Two."), (10, 13, "Three.")]
    mixed = align_document(text, [("Một.", "One."), ("Hai.", None), ("Ba.", "Three.")], segments)
    assert len(mixed.groups) == 3
    assert mixed.hypotheses == ["One.", "Three."] and mixed.references == ["One.", "Three."]
    none = align_document(text, [("Một.", None), ("Hai.", None), ("Ba.", None)], segments)
    assert len(none.groups) == 3 and none.hypotheses == none.references == []


def write_vietnews(path: Path) -> Path:
    """A VietNews-format file: segmented words joined by ``_``, spaced punctuation."""
    records = [
        {"id": "000001", "title_seg": "Hà_Nội mưa", "abstract_seg": "Hà_Nội mưa lớn , phố ngập .",
         "body_seg": "Thành_phố Hà_Nội mưa lớn ngày 17/7 .\nNhiều tuyến phố ngập ( nặng ) ."},
        {"id": "000002", "title_seg": "Bắt", "abstract_seg": "Công_an bắt 2 đối_tượng .",
         "body_seg": "Công_an xã bắt 2 đối_tượng ."},
        {"id": "000003", "title_seg": "Trống", "abstract_seg": "", "body_seg": "Không tóm_tắt ."},
    ]  # fmt: skip
    with lzma.open(path, "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    return path


def test_sumsets_writes_vietnews_as_a_summary_only_testset(tmp_path: Path) -> None:
    source = write_vietnews(tmp_path / "vietnews-val.jsonl.xz")
    result = CliRunner().invoke(app, [
        "train", "sumsets", "--config", str(REPO / "configs" / "train-summarize.yaml"),
        "--set", f"data.validation={source}", "--set", f"testsets_dir={tmp_path / 'sets'}",
        "--set", "eval.max_examples=5",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    written = tmp_path / "sets" / "vietnews-val.jsonl"
    assert json.loads(result.stdout) == {"vietnews-val": {"file": str(written), "articles": 2}}
    testset = load_testset(written)
    first = testset.documents[0]
    assert [d.id for d in testset.documents] == ["000001", "000002"]
    assert first.pairs == [
        SentencePair("Thành phố Hà Nội mưa lớn ngày 17/7.", None),
        SentencePair("Nhiều tuyến phố ngập (nặng).", None),
    ]
    assert first.summary_vi == "Hà Nội mưa lớn, phố ngập." and first.summary_en is None


def test_sumsets_needs_the_folder() -> None:
    result = CliRunner().invoke(app, ["train", "sumsets"])
    assert result.exit_code == 2
    assert "testsets_dir" in result.stderr
