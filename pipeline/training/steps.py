"""``vien train recipe``: several training commands run as one, in order.

The whole translation recipe (forward model, backward model, back-translation,
final model on real and synthetic pairs) is one command, so a lent GPU runs it
inside one device call, and a CPU runs it across sessions: every step resumes
(training state, back-translation file) when it is run again.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from pipeline.config import load_settings
from pipeline.settings import Section

logger = logging.getLogger(__name__)

COMMANDS = {
    "translate": "pipeline.training.translate:train_translation",
    "summarize": "pipeline.training.summarize:train_summarization",
    "backtranslate": "pipeline.training.backtranslate:back_translate",
}


class Step(Section):
    """One command of the recipe."""

    run: Literal["translate", "summarize", "backtranslate"] = Field(description="The command.")
    config: Path = Field(description="Its config file.")
    set: dict[str, Any] = Field(default_factory=dict, description="Dotted-path overrides.")
    skip_if_exists: Path | None = Field(
        None, description="Skip the step when this file exists (e.g. a finished model's report)."
    )


class RecipeConfig(Section):
    """``configs/train-recipe*.yaml``."""

    steps: list[Step] = Field(min_length=1, description="Commands, run in order.")


def run_recipe(config_path: Path, *, overrides: dict[str, Any] | None = None) -> dict:
    """Run each step in order; ``overrides`` apply to every training step (not back-translation).

    Step ``set`` values come first, so ``--set train.device=cuda`` wins over them.

    Returns:
        Per step: its command, config, minutes and the report it returned.
    """
    from pipeline import registry

    config = load_settings(config_path, RecipeConfig)
    reports = []
    for i, step in enumerate(config.steps):
        entry: dict[str, Any] = {"step": i, "run": step.run, "config": str(step.config)}
        if step.skip_if_exists is not None and step.skip_if_exists.exists():
            logger.info("step %d (%s): %s exists, skipped", i, step.run, step.skip_if_exists)
            reports.append(entry | {"skipped": True})
            continue
        logger.info("step %d: %s %s", i, step.run, step.config)
        start = time.monotonic()
        common = overrides if step.run != "backtranslate" else None
        report = registry.import_target(COMMANDS[step.run])(
            step.config, overrides={**step.set, **(common or {})}
        )
        reports.append(entry | {"minutes": round((time.monotonic() - start) / 60, 2), **report})
    return {"steps": reports}
