"""Produce hypotheses by running the real pipeline over a test set.

The test set's documents are written as a JSONL input (paragraphs joined by a
blank line, sentences by a space) and run with :func:`pipeline.runner.run`, so
normalize and segment are part of what gets scored, exactly as in ``vien run``.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline import registry
from pipeline.config import Config
from pipeline.document import Document
from pipeline.evaluation.testsets import EvalSet
from pipeline.runner import RunReport, run
from pipeline.writers.document_json import read_document

# Metadata key that carries each document's position in the test set through the run.
INDEX_KEY = "eval_index"


@dataclass
class Hypotheses:
    """The run's report and, per test document in order, what the pipeline wrote (None: failed)."""

    report: RunReport
    documents: list[Document | None]
    config: Config


def eval_config(config: Config, testset: EvalSet) -> Config:
    """``config`` without its summary stages when the test set has no reference summaries.

    Summarizing a sentence-level test set costs time and is never scored.
    """
    if testset.has_summaries:
        return config
    kept = [n for n in config.pipeline if "summaries" not in registry.get_stage(n).provides]
    if kept == config.pipeline:
        return config
    return config.model_copy(
        update={"pipeline": kept, "stages": {n: config.stages[n] for n in kept}}
    )


def produce_hypotheses(
    testset: EvalSet, config: Config, run_dir: str | Path, *, progress: bool = True
) -> Hypotheses:
    """Run the pipeline over ``testset`` into ``run_dir`` and read back its documents.

    Documents are always recomputed (``force``), so the run's timing is the
    whole test set's.

    Args:
        testset: the documents to translate.
        config: a validated configuration.
        run_dir: where the run writes its usual outputs.
        progress: show the runner's progress bar.

    Returns:
        The run report and the pipeline's documents, aligned with ``testset.documents``.

    Raises:
        StageError: the stages do not chain, or a document failed with ``run.on_error: raise``.
    """
    config = eval_config(config, testset)
    with tempfile.TemporaryDirectory(prefix="vien-eval-") as tmp:
        source = Path(tmp) / "testset.jsonl"
        _write_input(source, testset, config)
        report = run([str(source)], run_dir, config, force=True, progress=progress)
    documents: list[Document | None] = [None] * len(testset.documents)
    for doc_id in report.order:
        stored = read_document(Path(run_dir), doc_id)
        if stored is not None and isinstance(stored[0].metadata.get(INDEX_KEY), int):
            documents[stored[0].metadata[INDEX_KEY]] = stored[0]
    return Hypotheses(report=report, documents=documents, config=config)


def _write_input(path: Path, testset: EvalSet, config: Config) -> None:
    fields = config.input
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for index, doc in enumerate(testset.documents):
            record = {
                fields.id_field: doc.id,
                fields.text_field: doc.source_text(),
                INDEX_KEY: index,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
