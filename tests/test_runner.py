"""The runner with fake stages: order, failures, requirement checks, plugins."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import pytest

from pipeline import registry
from pipeline.build import build_stages
from pipeline.config import validate_config
from pipeline.document import Document
from pipeline.errors import StageError
from pipeline.runner import run
from pipeline.settings import Section
from pipeline.stages.base import Stage


class ShoutSettings(Section):
    fail_on: str = ""


class ShoutStage(Stage):
    """Fake translation: every segment's English is its Vietnamese upper-cased."""

    name: ClassVar[str] = "shout"
    Settings = ShoutSettings
    requires: ClassVar[frozenset[str]] = frozenset({"segments"})
    provides: ClassVar[frozenset[str]] = frozenset({"translations"})

    def __call__(self, doc: Document) -> Document:
        if self.settings.fail_on and self.settings.fail_on in doc.text:
            raise RuntimeError("boom")
        for seg in doc.segments:
            seg.en = seg.vi.upper()
        return doc


@pytest.fixture(autouse=True)
def shout_stage():
    registry.register_stage("shout", ShoutStage)
    yield
    registry.STAGES.pop("shout", None)


def config(**shout):
    return validate_config(
        {
            "pipeline": ["normalize", "segment", "shout"],
            "shout": shout,
            "output": {"formats": ["jsonl", "moses"]},
            "run": {"batch_docs": 2},
        }
    )


def write_inputs(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        (folder / f"doc{i:02d}.txt").write_text(f"Câu số {i}. Câu tiếp theo {i}.", encoding="utf-8")


def test_documents_come_out_in_input_order(tmp_path: Path) -> None:
    write_inputs(tmp_path / "in", 7)
    report = run([str(tmp_path / "in")], tmp_path / "out", config(), progress=False)
    assert report.exit_code == 0
    lines = (tmp_path / "out" / "parallel.en").read_text(encoding="utf-8").splitlines()
    assert lines == [x for i in range(7) for x in (f"CÂU SỐ {i}.", f"CÂU TIẾP THEO {i}.")]


def test_a_failing_document_does_not_stop_the_others(tmp_path: Path) -> None:
    write_inputs(tmp_path / "in", 4)
    report = run([str(tmp_path / "in")], tmp_path / "out", config(fail_on="số 2"), progress=False)
    assert report.exit_code == 1
    assert report.processed == 3
    assert "shout: RuntimeError: boom" in report.failures[0]["reason"]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"] == ["doc00", "doc01", "doc03"]


def test_missing_requirement_reported_at_build() -> None:
    bad = validate_config({"pipeline": ["normalize", "shout"]})
    with pytest.raises(StageError, match=r"stage 'shout' requires segments"):
        build_stages(bad)


def test_duplicate_stage_name_rejected() -> None:
    with pytest.raises(Exception, match="already registered"):
        registry.register_stage("shout", Stage)


def test_entry_point_stages_are_found(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeEntryPoint:
        name = "plugin-shout"
        value = f"{ShoutStage.__module__}:ShoutStage"

    monkeypatch.setattr(registry, "_plugins_loaded", False)
    monkeypatch.setattr(registry, "entry_points", lambda group: [FakeEntryPoint()])
    try:
        assert registry.get_stage("plugin-shout") is ShoutStage
    finally:
        registry.STAGES.pop("plugin-shout", None)
