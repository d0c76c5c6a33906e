"""``vien train testsets``: the held-out sets of a translation config, as ``vien eval`` reads them.

Model cards score the bundled model with ``vien eval --tsv`` on these files;
writing them from the training config (the same held-out EVBNews documents,
the same dev-set cleaning) lets anyone with ``../shared`` rerun those commands.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pipeline.config import load_settings
from pipeline.training.data import load_parallel
from pipeline.training.scoring import write_pairs
from pipeline.training.settings import TranslationConfig, take_folder

logger = logging.getLogger(__name__)


def write_testsets(config_path: Path, *, overrides: dict[str, Any] | None = None) -> dict:
    """Write ``NAME.tsv`` (Vietnamese TAB English) for each held-out set into ``testsets_dir``.

    Each file holds the pairs a training run scores (``eval.max_examples`` applies).

    Returns:
        name -> the file written and its number of pairs.

    Raises:
        ConfigError: no ``--set testsets_dir=FOLDER``, or the config is invalid.
    """
    out_dir, overrides = take_folder(overrides, "testsets_dir", "testsets")
    config = load_settings(config_path, TranslationConfig, overrides)
    splits = load_parallel(config.data, config.train.seed)
    written = {}
    for name, pairs in splits.held_out().items():
        scored = config.eval.scored(pairs)
        path = write_pairs(out_dir / f"{name}.tsv", scored)
        written[name] = {"file": str(path), "pairs": len(scored)}
        logger.info("%s: %d pairs -> %s", name, len(scored), path)
    return written
