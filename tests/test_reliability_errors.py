"""Errors that must not hide: bugs and memory errors are not bad input.

A stage that raises something unplanned (a bug, running out of memory) logs
its traceback at WARNING and is recorded in the manifest with its type; a
planned ``VienError`` stays one line. Out-of-memory batches are not retried
document by document, and ``run.on_error: raise`` chains the original error.
"""

from __future__ import annotations

import json
import logging
import pickle
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest
import torch

from pipeline import registry
from pipeline.config import validate_config
from pipeline.document import Document
from pipeline.errors import InputError, StageError, StageFailure, is_memory_error
from pipeline.runner import run
from pipeline.settings import Section
from pipeline.stages.base import Stage, chunked, run_batch


class FaultSettings(Section):
    fail_on: str = ""  # a document whose text holds this fails alone
    error: str = "bug"  # bug | input | memory | cuda-memory
    batch_fails: bool = False  # every batch of 2+ documents fails with a bug first


def make_error(kind: str) -> Exception:
    return {
        "bug": lambda: KeyError("segment"),
        "input": lambda: InputError("x.txt", "nothing to translate"),
        "memory": lambda: MemoryError(),
        "cuda-memory": lambda: torch.OutOfMemoryError("CUDA out of memory. Tried to allocate"),
    }[kind]()


class FaultStage(Stage):
    """A batched fake translation that fails as configured; counts its calls."""

    name: ClassVar[str] = "fault"
    Settings = FaultSettings
    requires: ClassVar[frozenset[str]] = frozenset({"segments"})
    provides: ClassVar[frozenset[str]] = frozenset({"translations"})
    calls: ClassVar[list[int]] = []

    def __call__(self, doc: Document) -> Document:
        self._translate([doc])
        return doc

    def pipe(self, docs: Iterable[Document], *, batch_size: int = 16) -> Iterator[Document]:
        for chunk in chunked(docs, batch_size):
            run_batch(chunk, self.name, self._translate)
            yield from chunk

    def _translate(self, docs: list[Document]) -> None:
        settings: FaultSettings = self.settings  # type: ignore[assignment]
        FaultStage.calls.append(len(docs))
        if settings.batch_fails and len(docs) > 1:
            raise ValueError("batch shape mismatch")
        if any(settings.fail_on and settings.fail_on in d.text for d in docs):
            raise make_error(settings.error)
        for doc in docs:
            for segment in doc.segments:
                segment.en = segment.vi


@pytest.fixture(autouse=True)
def fault_stage():
    registry.register_stage("fault", FaultStage)
    FaultStage.calls = []
    yield
    registry.STAGES.pop("fault", None)


def config(on_error: str = "skip", **fault):
    return validate_config(
        {
            "pipeline": ["normalize", "segment", "fault"],
            "fault": fault,
            "output": {"formats": ["jsonl"]},
            "run": {"batch_docs": 4, "on_error": on_error},
        }
    )


def inputs(folder: Path, n: int = 4) -> list[str]:
    folder.mkdir()
    for i in range(n):
        (folder / f"doc{i}.txt").write_text(f"Câu số {i}.", encoding="utf-8")
    return [str(folder)]


def run_quietly(*args, **kwargs):
    return run(*args, progress=False, **kwargs)


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_a_bug_logs_its_traceback_and_is_recorded_with_its_type(tmp_path, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        report = run_quietly(inputs(tmp_path / "in"), tmp_path / "out", config(fail_on="số 2"))

    (failure,) = manifest(tmp_path / "out")["failures"]
    assert failure == {
        "source": str(tmp_path / "in" / "doc2.txt"),
        "reason": "fault: KeyError: 'segment'",
        "stage": "fault",
        "type": "KeyError",
    }
    assert report.processed == 3
    tracebacks = [r for r in caplog.records if r.levelno == logging.WARNING and r.exc_info]
    assert any(r.exc_info[0] is KeyError for r in tracebacks)
    (line,) = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert line.endswith("fault: KeyError: 'segment' (unexpected error, traceback above)")


def test_a_planned_error_stays_one_line(tmp_path, caplog) -> None:
    with caplog.at_level(logging.DEBUG, logger="pipeline"):
        run_quietly(
            inputs(tmp_path / "in"), tmp_path / "out", config(fail_on="số 2", error="input")
        )

    (failure,) = manifest(tmp_path / "out")["failures"]
    assert failure["reason"] == "fault: x.txt: nothing to translate"
    assert "type" not in failure
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and r.exc_info]


@pytest.mark.parametrize("error", ["memory", "cuda-memory"])
def test_out_of_memory_fails_the_batch_without_retrying_each_document(tmp_path, error) -> None:
    run_quietly(inputs(tmp_path / "in"), tmp_path / "out", config(fail_on="số 2", error=error))

    failures = manifest(tmp_path / "out")["failures"]
    assert FaultStage.calls == [4]  # one batch, no retries
    assert len(failures) == 4
    assert {f["type"] for f in failures} == {
        {"memory": "MemoryError", "cuda-memory": "torch.OutOfMemoryError"}[error]
    }


def test_memory_error_while_retrying_stops_the_retries(tmp_path) -> None:
    run_quietly(
        inputs(tmp_path / "in"),
        tmp_path / "out",
        config(fail_on="số 1", error="memory", batch_fails=True),
    )

    assert FaultStage.calls == [4, 1, 1]  # the batch, doc0 alone, doc1 alone: out of memory
    assert [f["type"] for f in manifest(tmp_path / "out")["failures"]] == ["MemoryError"] * 3


def test_other_batch_failures_retry_each_document(tmp_path, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        report = run_quietly(
            inputs(tmp_path / "in"), tmp_path / "out", config(fail_on="số 2", batch_fails=True)
        )

    assert FaultStage.calls == [4, 1, 1, 1, 1]
    assert report.processed == 3
    batch = [r for r in caplog.records if "retrying them one by one" in r.getMessage()]
    assert batch and batch[0].exc_info[0] is ValueError


@pytest.mark.parametrize("error", ["bug", "memory"])
def test_on_error_raise_chains_the_original_exception(tmp_path, error) -> None:
    with pytest.raises(StageError) as raised:
        run_quietly(
            inputs(tmp_path / "in"), tmp_path / "out", config("raise", fail_on="số 2", error=error)
        )

    assert type(raised.value.__cause__) is type(make_error(error))
    assert raised.value.__cause__.__traceback__ is not None


def test_on_error_raise_chains_an_input_error(tmp_path) -> None:
    folder = tmp_path / "in"
    inputs(folder)
    (folder / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))

    with pytest.raises(StageError) as raised:
        run_quietly([str(folder)], tmp_path / "out", config("raise"))

    assert isinstance(raised.value.__cause__, InputError)


def test_stage_failure_survives_pickling_without_its_exception() -> None:
    failure = StageFailure("translate", RuntimeError("boom"))

    copy = pickle.loads(pickle.dumps(failure))

    assert (copy, copy.stage, copy.type_name) == (failure, "translate", "RuntimeError")
    assert copy.exception is None


def test_stage_failure_survives_the_documents_json() -> None:
    """The Ray engine moves documents between processes as JSON; the failure type must last."""
    doc = Document("d", "src", "Xin chào.")
    doc.error = StageFailure("translate", torch.OutOfMemoryError("CUDA out of memory."))

    copy = Document.from_dict(json.loads(json.dumps(doc.to_dict(), ensure_ascii=False)))

    assert isinstance(copy.error, StageFailure) and copy.error == doc.error
    assert (copy.error.stage, copy.error.type_name) == ("translate", "torch.OutOfMemoryError")
    planned = Document("e", "src", "x", error="read: not UTF-8")
    assert Document.from_dict(planned.to_dict()).error == "read: not UTF-8"
    assert "failure" not in planned.to_dict()


MEMORY_ERRORS = [
    ("memory-error", MemoryError(), True),
    ("torch-oom", torch.OutOfMemoryError("CUDA out of memory."), True),
    ("cpu-allocator", RuntimeError("DefaultCPUAllocator: can't allocate memory: 8 GB"), True),
    ("ctranslate2-cuda", RuntimeError("CUDA failed with error out of memory"), True),
    ("other-runtime-error", RuntimeError("shape mismatch"), False),
    ("value-error-mentioning-memory", ValueError("out of memory"), False),
]


@pytest.mark.parametrize(
    ("error", "expected"), [c[1:] for c in MEMORY_ERRORS], ids=[c[0] for c in MEMORY_ERRORS]
)
def test_is_memory_error(error: BaseException, expected: bool) -> None:
    assert is_memory_error(error) is expected
