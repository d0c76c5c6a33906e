"""Document file names: bounded, unique under case folding and normalization, resumable.

Ids come from inputs (file paths, JSONL ``id`` fields). Before issue 17 an id
of a few hundred characters, or a file named with 80 Vietnamese characters,
became a percent-quoted name over 255 bytes, and the write killed the run.
"""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiny_models import tiny_pipeline_config
from typer.testing import CliRunner

from pipeline import registry
from pipeline.cli import app
from pipeline.config import validate_config
from pipeline.document import Document
from pipeline.runner import run
from pipeline.settings import Section
from pipeline.stages.base import Stage
from pipeline.writers.document_json import document_name, read_document, write_document

NAME_MAX = 255  # bytes, ext4, XFS, APFS, NTFS (in UTF-16 units, fewer than bytes)
# What the atomic writer adds around a name: ".NAME.tmp-PID" (PIDs reach 4194304).
TEMP_EXTRA = len(".") + len(".tmp-4194304")
LONG_VIETNAMESE = "Người dân thành phố Hồ Chí Minh đón Tết Nguyên Đán ở khắp các quận huyện"
NAMES = [
    ("plain-id-is-its-own-name", "doc00", "doc00.json"),
    ("seed-name", "000_fd595707a5dff46e", "000_fd595707a5dff46e.json"),
    ("slash", "records/1", "records_1~d63e15f440e5744a.json"),
    ("upper-case", "Doc", "Doc~49f4e57c2625d4ae.json"),
    ("vietnamese", "hòa", "hòa~4d046de90e076d16.json"),
    ("leading-dot", ".hidden", "hidden~1692419006a88aab.json"),
    ("separator-in-id", "a~2", "a_2~9496c93a29f49d60.json"),
]


@pytest.mark.parametrize(("doc_id", "name"), [c[1:] for c in NAMES], ids=[c[0] for c in NAMES])
def test_document_name(doc_id: str, name: str) -> None:
    assert document_name(doc_id) == name


LONG = [
    ("400-ascii", "x" * 400, "x" * 80 + "~"),
    ("80-vietnamese-characters", f"folder/{LONG_VIETNAMESE}", "folder_Người_dân_thành_phố"),
    ("long-jsonl-id", "records/" + "Bài viết số một " * 30, "records_Bài_viết_số_một_Bài"),
]


@pytest.mark.parametrize(("doc_id", "start"), [c[1:] for c in LONG], ids=[c[0] for c in LONG])
def test_long_ids_get_bounded_readable_names(doc_id: str, start: str) -> None:
    name = document_name(doc_id)
    assert len(name.encode()) + TEMP_EXTRA <= NAME_MAX
    assert name.startswith(start)


def fold(name: str) -> str:
    """A name as a case-insensitive, normalization-insensitive file system compares it."""
    return unicodedata.normalize("NFD", name).casefold()


@given(st.text(min_size=1, max_size=300), st.text(min_size=1, max_size=300))
@settings(max_examples=300, deadline=None)
def test_names_are_bounded_safe_and_distinct(first: str, second: str) -> None:
    names = [document_name(first), document_name(second)]
    for name in names:
        assert len(name.encode("utf-8", "surrogatepass")) + TEMP_EXTRA <= NAME_MAX
        assert "/" not in name and "\x00" not in name and not name.startswith(".")
    if first != second:
        assert fold(names[0]) != fold(names[1])


@pytest.mark.parametrize(
    "variants",
    [("Tin", "tin", "TIN"), ("hòa", unicodedata.normalize("NFD", "hòa"))],
    ids=["case", "normalization"],
)
def test_ids_differing_in_case_or_normalization_do_not_collide(variants: tuple[str, ...]) -> None:
    assert len({fold(document_name(v)) for v in variants}) == len(variants)


def test_a_file_holding_another_id_is_not_taken_for_it(tmp_path: Path) -> None:
    write_document(tmp_path, Document(id="a", source="a.txt", text="x"), "hash")
    (tmp_path / "docs" / "a.json").rename(tmp_path / "docs" / document_name("b"))

    assert read_document(tmp_path, "b") is None


class EchoStage(Stage):
    """Fake translation: the English is the Vietnamese."""

    name: ClassVar[str] = "echo"
    Settings = Section
    requires: ClassVar[frozenset[str]] = frozenset({"segments"})
    provides: ClassVar[frozenset[str]] = frozenset({"translations"})

    def __call__(self, doc: Document) -> Document:
        for segment in doc.segments:
            segment.en = segment.vi
        return doc


@pytest.fixture
def echo_stage():
    registry.register_stage("echo", EchoStage)
    yield
    registry.STAGES.pop("echo", None)


def awkward_inputs(folder: Path) -> list[str]:
    """Files and JSONL records with long, case-twin and normalization-twin ids; their ids.

    File names keep the normalization they were given; JSONL text (ids
    included) is decoded to NFC, so the NFD record id arrives as a duplicate
    and the runner numbers it.
    """
    folder.mkdir()
    (folder / f"{LONG_VIETNAMESE}.txt").write_text("Hà Nội mưa to.", encoding="utf-8")
    twins = ["Hòa", unicodedata.normalize("NFD", "Hòa"), "HÒA"]
    for twin in twins:
        (folder / f"{twin}.txt").write_text(f"Bài của {twin}.", encoding="utf-8")
    records = [
        {"id": "x" * 300, "text": "Trời nắng."},
        {"id": "Tin", "text": "Tin một."},
        {"id": "tin", "text": "Tin hai."},
        {"id": "hòa", "text": "Hòa một."},
        {"id": unicodedata.normalize("NFD", "hòa"), "text": "Hòa hai."},
    ]
    with open(folder / "records.jsonl", "w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return [LONG_VIETNAMESE, *twins, *(f"records/{r['id']}" for r in records[:-1]), "records/hòa~2"]


def test_awkward_ids_all_written_and_resumed(tmp_path: Path, echo_stage) -> None:
    ids = awkward_inputs(tmp_path / "in")
    config = validate_config(
        {"pipeline": ["normalize", "segment", "echo"], "output": {"formats": ["jsonl"]}}
    )

    first = run([str(tmp_path / "in")], tmp_path / "out", config, progress=False)
    again = run([str(tmp_path / "in")], tmp_path / "out", config, progress=False)

    assert (first.failures, first.processed) == ([], len(ids))
    assert sorted(first.order) == sorted(ids)
    assert (again.processed, again.skipped) == (0, len(ids))
    assert len(list((tmp_path / "out" / "docs").glob("*.json"))) == len(ids)
    for doc_id in ids:
        stored = read_document(tmp_path / "out", doc_id)
        assert stored is not None and stored[0].id == doc_id
    rows = (tmp_path / "out" / "aligned.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(row)["doc_id"] for row in rows] == first.order


def test_awkward_folder_with_a_read_only_model(tmp_path: Path, tiny_marian: Path) -> None:
    """Issue 17's acceptance run: long, case-twin and normalization-twin ids, three bad
    inputs, and the CTranslate2 backend on a model folder it must not write to."""
    pytest.importorskip("ctranslate2")
    ids = awkward_inputs(tmp_path / "in")
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    with open(tmp_path / "in" / "records.jsonl", "a", encoding="utf-8") as fh:
        fh.write("{not json\n")
        fh.write('{"id": "surrogate\\ud800", "text": "Xin chào."}\n')  # valid JSON, no Unicode
    model = Path(shutil.copytree(tiny_marian, tmp_path / "installed" / "marian"))
    for item in (model, *model.iterdir()):
        item.chmod(0o555 if item.is_dir() else 0o444)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in model.iterdir())
    config = tiny_pipeline_config(
        model, tmp_path / "tiny.yaml", output={"formats": ["jsonl", "tsv", "tmx"]}
    )
    command = ["run", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--config", str(config)]
    options = ["--quiet", "--set", "translate.backend=ctranslate2"]
    options += ["--set", f"translate.ct2_cache={tmp_path / 'cache'}"]

    result = CliRunner().invoke(app, [*command, *options])

    model.chmod(0o755)
    errors = [line for line in result.stderr.splitlines() if line.startswith("vien: error:")]
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert len(errors) == 3
    assert any("empty.txt: no text" in line for line in errors)
    assert any("records.jsonl:6: not valid JSON" in line for line in errors)
    assert any("records.jsonl:7: not valid Unicode" in line for line in errors)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["documents"]) == sorted(ids)
    assert manifest["counts"]["processed"] == len(ids)
    assert manifest["models"]["translate"]["converted"].startswith(str(tmp_path / "cache"))
    assert sorted((p.name, p.stat().st_mtime_ns) for p in model.iterdir()) == before
