"""``vien train export``: a model folder from a run that is still going (or was stopped).

A run spread over sessions has no model folder until it finishes; this writes
one from its saved checkpoints (averaged, as the run itself will do at the end)
so that the run's progress can be scored and compared with the shipped model.
Translation and summarization runs alike: the config's ``data`` section says
which (VietNews ``train``/``validation`` files, or parallel corpora).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pipeline.config import load_settings, read_yaml
from pipeline.errors import ConfigError
from pipeline.training.loop import STATE_FILE, average_checkpoints
from pipeline.training.marian import build_model, save_model_dir
from pipeline.training.recipe import run_vocabulary
from pipeline.training.settings import (
    SummarizationConfig,
    TrainingConfig,
    TranslationConfig,
    take_folder,
)
from pipeline.training.vocab import load_spm, write_tokenizer_files

logger = logging.getLogger(__name__)


def export_run(config_path: Path, *, overrides: dict[str, Any] | None = None) -> dict:
    """Average the run's last saved checkpoints into ``export_dir`` (``--set export_dir=...``).

    Returns:
        The folder, the averaged steps and the run's epoch and validation history.
    """
    import torch

    out_dir, overrides = take_folder(overrides, "export_dir", "export")
    config = load_settings(config_path, _schema(config_path), overrides)
    state_file = config.work_dir / "checkpoints" / STATE_FILE
    if not state_file.exists():
        raise ConfigError(f"{state_file}: no saved training state to export")
    state = torch.load(state_file, map_location="cpu", weights_only=False)
    saved = [(step, Path(path)) for step, path in state["saved"] if Path(path).exists()]
    spm_file = run_vocabulary(config)
    sp = load_spm(spm_file)
    model = build_model(config.model, sp.get_piece_size())
    model.load_state_dict(average_checkpoints([path for _, path in saved]))
    source_lang, target_lang = config.languages()
    write_tokenizer_files(
        spm_file,
        out_dir,
        source_lang=source_lang,
        target_lang=target_lang,
        max_length=config.model.max_positions,
    )
    save_model_dir(model, out_dir, config.generate)
    report = state["report"]
    logger.info("exported the average of steps %s to %s", [s for s, _ in saved], out_dir)
    return {
        "model_dir": str(out_dir),
        "averaged_steps": [s for s, _ in saved],
        "steps": report["steps"],
        "epochs": state["epoch"],
        "valid_history": report["valid_history"],
        "minutes": round(state["elapsed"] / 60, 1),
    }


def _schema(config_path: Path) -> type[TrainingConfig]:
    """The summarizer's schema for a config reading VietNews, else the translator's."""
    data = read_yaml(config_path).get("data")
    is_summary = isinstance(data, dict) and "train" in data and "evbnews" not in data
    return SummarizationConfig if is_summary else TranslationConfig
