"""Tone restoration through the stages: vi stays as written, vi_restored is translated."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tiny_models import tiny_pipeline_config
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.document import FLAG_TONES_RESTORED, Document, Segment
from pipeline.settings import NormalizeSettings, SegmentSettings
from pipeline.stages.normalize import RESTORED_KEY, NormalizeStage
from pipeline.stages.segment import SegmentStage
from pipeline.text.case import unshout

REPO = Path(__file__).resolve().parent.parent
HEADLINE = "SO KET 02 NAM THUC HIEN CHUONG TRINH PHOI HOP VE CONG TAC DAN VAN"
RESTORED = "SƠ KẾT 02 NĂM THỰC HIỆN CHƯƠNG TRÌNH PHỐI HỢP VỀ CÔNG TÁC DÂN VẬN"
TEXT = f"{HEADLINE}\nChiều 6/3, hội nghị đã diễn ra tại Kon Tum. The meeting was held in Kon Tum."


def run_stages(text: str, **normalize: str) -> Document:
    doc = Document(id="d", source="d", text=text)
    doc = NormalizeStage(NormalizeSettings(**normalize))(doc)
    return SegmentStage(SegmentSettings())(doc)


def test_unmarked_headline_gets_restored_text_beside_it() -> None:
    doc = run_stages(TEXT)
    headline, marked, english = doc.segments
    assert headline.vi == HEADLINE
    assert headline.vi_restored == RESTORED
    assert headline.model_text == unshout(RESTORED)  # what the model reads: sentence case
    assert FLAG_TONES_RESTORED in headline.flags
    for segment in (marked, english):
        assert segment.vi_restored is None and segment.model_text == segment.vi
        assert FLAG_TONES_RESTORED not in segment.flags
    assert doc.text == TEXT and RESTORED_KEY not in doc.metadata


def test_restored_text_follows_the_tone_style() -> None:
    doc = run_stages("HOA BINH VA THUY LOI LA HAI VAN DE LON CUA TINH", tone_style="old")
    assert doc.segments[0].vi_restored == "HÒA BÌNH VÀ THỦY LỢI LÀ HAI VẤN ĐỀ LỚN CỦA TỈNH"


def test_restore_off_leaves_segments_alone() -> None:
    doc = run_stages(TEXT, restore_tones="off")
    assert all(s.vi_restored is None and not s.flags for s in doc.segments[1:])
    assert doc.segments[0].vi_restored is None


@pytest.mark.parametrize(
    "segment",
    [
        {"id": "d/p1/s1", "vi": "SO KET", "start": 0, "end": 6, "vi_restored": "SƠ KẾT"},
        {"id": "d/p1/s1", "vi": "Sơ kết", "start": 0, "end": 6},
    ],
    ids=["restored", "written_before_restoration"],
)
def test_document_round_trip(segment: dict) -> None:
    data = {"id": "d", "source": "d", "text": segment["vi"], "paragraphs": []}
    data["paragraphs"] = [{"index": 1, "start": 0, "end": 6, "segments": [segment]}]
    doc = Document.from_dict(json.loads(json.dumps(data)))
    assert doc.segments[0] == Segment(**segment)
    assert Document.from_dict(doc.to_dict()) == doc
    assert doc.segments[0].model_text == segment.get("vi_restored", segment["vi"])


def test_seed_run_translates_and_reports_the_restored_headline(
    tmp_path: Path, tiny_marian: Path
) -> None:
    config = tiny_pipeline_config(tiny_marian, tmp_path / "tiny.yaml")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["run", str(REPO / "seeds"), "-o", str(out), "--config", str(config), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in (out / "aligned.jsonl").read_text().splitlines()]
    restored = [r for r in records if FLAG_TONES_RESTORED in r["flags"]]
    assert len(restored) == 1
    assert restored[0]["vi"].startswith("SO KET 02 NAM THUC HIEN")
    assert restored[0]["vi_restored"].startswith("SƠ KẾT 02 NĂM THỰC HIỆN")
    assert all(r["vi_restored"] is None for r in records if r not in restored)
    page = re.sub(r"<[^>]+>", "", (out / "report.html").read_text(encoding="utf-8"))
    assert restored[0]["vi"] in page and restored[0]["vi_restored"] in page
