"""Held-out scores for the training reports and model cards, through the runtime's own path.

A translation figure is what ``vien eval`` measures: each vi->en set is
written as a ``vi<TAB>en`` file under ``work_dir/eval/`` and scored by
``pipeline.evaluation.report.evaluate`` with ``configs/default.yaml`` and the
trained model, and the report carries the exact ``vien eval`` command that
reproduces it. The en->vi (backward) model and the summarizer have no ``vien
eval`` of their own; they decode through the same adapter and
``BatchedGenerator`` as the pipeline and score with the same metrics module.
Nothing is truncated: long inputs are split as in a run.
"""

from __future__ import annotations

import json
import logging
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from pipeline.evaluation.metrics import translation_scores

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
EVAL_CONFIG = REPO / "configs" / "default.yaml"
EVAL_DIR = "eval"
# The override sections that decide which pairs are scored and how they are decoded.
SCORED_SECTIONS = ("data.", "eval.", "generate.")


def eval_overrides(model_dir: Path, num_beams: int) -> list[str]:
    """The ``--set`` items that put the trained model into ``configs/default.yaml``."""
    return [f"translate.model={Path(model_dir).resolve()}", f"translate.num_beams={num_beams}"]


def eval_command(tsv: Path, overrides: list[str], out_dir: Path) -> str:
    """The ``vien eval`` command line that scores ``tsv`` as the report did."""
    return shlex.join(
        ["vien", "eval", "--tsv", str(tsv), "--config", str(EVAL_CONFIG), *set_args(overrides),
         "-o", str(out_dir), "--quiet"]
    )  # fmt: skip


def set_args(items: list[str]) -> list[str]:
    """``KEY=VALUE`` items as command-line arguments: ``--set`` before each."""
    return [part for item in items for part in ("--set", item)]


def score_command(config_path: Path, overrides: dict[str, Any] | None, model_dir: Path) -> str:
    """The ``vien train score`` command line: the overrides that choose and decode the sets."""
    chosen = {k: v for k, v in (overrides or {}).items() if k.startswith(SCORED_SECTIONS)}
    items = [f"{key}={_yaml_value(value)}" for key, value in chosen.items()]
    items.append(f"model_dir={model_dir}")
    return shlex.join(["vien", "train", "score", "--config", str(config_path), *set_args(items)])


def _yaml_value(value: Any) -> str:
    """``value`` as ``--set`` reads it back (YAML; JSON where a plain string would not do)."""
    if isinstance(value, Path):
        value = str(value)
    if isinstance(value, str) and value.strip() and yaml.safe_load(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def score_with_vien_eval(
    model_dir: Path, sets: dict[str, Sequence[tuple[str, str]]], num_beams: int, work_dir: Path
) -> dict[str, dict[str, Any]]:
    """Score a vi->en model on each set exactly as ``vien eval`` does.

    Args:
        model_dir: the saved model folder.
        sets: name -> (vi, en) pairs (already cut to the scored number).
        num_beams: beam size of the scoring run.
        work_dir: the run's scratch folder; the sets and eval reports go under ``eval/``.

    Returns:
        name -> BLEU, chrF++, their signatures, the beam size and the command.
    """
    from pipeline.config import load_config
    from pipeline.evaluation.report import evaluate
    from pipeline.evaluation.testsets import load_tsv

    overrides = eval_overrides(model_dir, num_beams)
    config = load_config(EVAL_CONFIG, overrides)
    scores = {}
    for name, pairs in sets.items():
        tsv = write_pairs(work_dir / EVAL_DIR / f"{name}.tsv", pairs)
        out = tsv.with_suffix("")
        report = evaluate(load_tsv(tsv), config, out, progress=False)
        translation = report["metrics"]["translation"]
        scores[name] = {
            "bleu": translation["bleu"],
            "chrf": translation["chrf"],
            "sentences": len(pairs),
            "beams": num_beams,
            "bleu_signature": report["signatures"]["bleu"],
            "chrf_signature": report["signatures"]["chrf"],
            "command": eval_command(tsv, overrides, out),
        }
        logger.info("%s: BLEU %s chrF++ %s", name, scores[name]["bleu"], scores[name]["chrf"])
    return scores


def write_pairs(path: Path, pairs: Sequence[tuple[str, str]]) -> Path:
    """Write ``vi<TAB>en`` lines (tabs and line breaks inside a text become spaces)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for vi, en in pairs:
            f.write(f"{_one_line(vi)}\t{_one_line(en)}\n")
    return path


def _one_line(text: str) -> str:
    return " ".join(text.split())


def model_generator(settings: Any) -> Any:
    """The pipeline's ``BatchedGenerator`` over the model ``settings`` name (no cache)."""
    from pipeline.adapters.loading import load_adapter
    from pipeline.generation import BatchedGenerator

    return BatchedGenerator(load_adapter(settings), batch_tokens=settings.batch_tokens, cache=False)


def score_generated(
    generator: Any, sets: dict[str, Sequence[tuple[str, str]]], command: str | None = None
) -> dict[str, dict[str, Any]]:
    """Translate each set through ``generator`` and score it (models ``vien eval`` cannot run).

    ``command`` is what reproduces the scores, when there is one.
    """
    scores = {}
    for name, pairs in sets.items():
        outputs = generator.run([source for source, _ in pairs])
        result = translation_scores([o.text for o in outputs], [target for _, target in pairs])
        scores[name] = {
            "bleu": result["bleu"],
            "chrf": result["chrf"],
            "sentences": len(pairs),
            "beams": generator.adapter.settings.num_beams,
            "bleu_signature": result["bleu_signature"],
            "chrf_signature": result["chrf_signature"],
            "command": command,
        }
        logger.info("%s: BLEU %s chrF++ %s", name, result["bleu"], result["chrf"])
    return scores
