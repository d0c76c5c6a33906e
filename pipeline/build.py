"""Assemble the configured stages and check that their requirements chain."""

from __future__ import annotations

from typing import Any

from pipeline import registry
from pipeline.config import Config
from pipeline.errors import StageError
from pipeline.stages.base import Stage

# What a document has when it leaves a reader.
READER_PROVIDES = frozenset({"text"})


def build_stages(config: Config, context: dict[str, Any] | None = None) -> list[Stage]:
    """Instantiate the stages of ``config.pipeline`` in order.

    Every stage's ``requires`` must be provided by the reader or an earlier
    stage; all gaps are reported at once.

    Raises:
        StageError: listing each stage with its missing requirements.
    """
    context = context if context is not None else {}
    context.setdefault("config", config)
    stages: list[Stage] = []
    problems: list[str] = []
    available = set(READER_PROVIDES)
    for name in config.pipeline:
        stage_cls = registry.get_stage(name)
        try:
            stage = stage_cls(config.stages[name], context=context)
        except StageError as e:
            problems.append(str(e))
            continue
        missing = set(stage.requires) - available
        if missing:
            problems.append(
                f"stage {name!r} requires {', '.join(sorted(missing))}, which no earlier stage "
                f"provides (available: {', '.join(sorted(available))})"
            )
        available |= set(stage.provides)
        stages.append(stage)
    if problems:
        raise StageError("\n".join(problems))
    return stages
