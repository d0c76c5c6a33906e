"""``vien train translate``: the bundled Vietnamese->English MarianMT model.

Trains on EVBNews (minus held-out documents), manythings and optionally the
Wiktionary word list, then scores the saved directory on the held-out EVBNews
test documents and the dev sets with ``vien eval`` (``pipeline.training.scoring``).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from pipeline.config import load_settings
from pipeline.protect.glossary import Glossary
from pipeline.protect.placeholders import BACK_TRANSLATION_TAG, all_placeholders
from pipeline.settings import GenerationSettings
from pipeline.training.data import Pair, ParallelSplits, load_parallel
from pipeline.training.masking import PairMasker
from pipeline.training.recipe import Seq2SeqData, fit_seq2seq, write_report
from pipeline.training.scoring import (
    model_generator,
    score_command,
    score_generated,
    score_with_vien_eval,
)
from pipeline.training.settings import EvalSettings, TranslationConfig, take_folder

logger = logging.getLogger(__name__)


def train_translation(config_path: Path, *, overrides: dict[str, Any] | None = None) -> dict:
    """Train, save and score the translation model described by a config file.

    The model is vi->en, or en->vi with ``data.direction: en-vi`` (the backward
    model of back-translation); held-out sets are scored in its direction.

    Args:
        config_path: a ``configs/train-translate*.yaml`` file.
        overrides: dotted path -> value (``{"train.max_steps": 10}``), applied
            before validation.

    Returns:
        The report: BLEU/chrF++ per test set, timings, throughput, parameter
        count and paths. It is also written to ``training_report.json`` in the
        model directory.

    Raises:
        ConfigError: the config is unreadable or invalid.
    """
    config = load_settings(config_path, TranslationConfig, overrides)
    t0 = time.monotonic()
    splits = load_parallel(config.data, config.train.seed)
    prep_minutes = (time.monotonic() - t0) / 60
    rate, seed = config.data.placeholder_rate, config.train.seed
    backward = config.data.direction == "en-vi"
    masking = {
        "whole_rate": config.data.placeholder_whole_rate,
        "glossary": Glossary.load() if config.data.placeholder_terms else None,
    }
    masker = PairMasker(splits.train, rate, seed, **masking) if rate > 0 else None
    valid = PairMasker(splits.valid, rate, seed, **masking).epoch(0) if rate > 0 else splits.valid
    data = Seq2SeqData(
        train=orient(splits.train, backward),
        valid=orient(valid, backward),
        vocab_texts=lambda: [text for pair in splits.train for text in pair],
        user_symbols=[*all_placeholders(), BACK_TRANSLATION_TAG],
        epoch_train=(lambda epoch: orient(masker.epoch(epoch), backward)) if masker else None,
    )
    report = fit_seq2seq(config, data)
    report["timings"]["prep_minutes"] = prep_minutes
    report["sources"] = splits.sources
    t1 = time.monotonic()
    report["scores"] = score_held_out(
        config, splits, config.output_dir, score_command(config_path, overrides, config.output_dir)
    )
    report["timings"]["eval_minutes"] = (time.monotonic() - t1) / 60
    write_report(report, config.output_dir, config.work_dir)
    return report


def score_saved_model(config_path: Path, *, overrides: dict[str, Any] | None = None) -> dict:
    """``vien train score``: score a saved model folder on a config's held-out sets.

    Reproduces a training report's figures in the model's direction; the
    en->vi model's figures have no ``vien eval`` command, so they cite this one.

    Returns:
        name -> BLEU/chrF++ scores, as the training report gives them.

    Raises:
        ConfigError: no ``--set model_dir=FOLDER``, or the config is invalid.
    """
    model_dir, overrides = take_folder(overrides, "model_dir", "score")
    config = load_settings(config_path, TranslationConfig, overrides)
    splits = load_parallel(config.data, config.train.seed)
    command = score_command(config_path, overrides, model_dir)
    return score_held_out(config, splits, model_dir, command)


def score_held_out(
    config: TranslationConfig, splits: ParallelSplits, model_dir: Path, command: str
) -> dict[str, dict]:
    """Score ``model_dir`` on the held-out sets of ``splits`` in the config's direction.

    ``command`` is cited by the en->vi scores; vi->en scores cite ``vien eval``.
    """
    backward = config.data.direction == "en-vi"
    sets = {name: orient(pairs, backward) for name, pairs in splits.held_out().items()}
    return score_model_dir(
        model_dir,
        sets,
        config.eval,
        config.work_dir,
        backward=backward,
        max_length=config.generate.max_length,
        command=command,
    )


def orient(pairs: list[Pair], backward: bool) -> list[Pair]:
    """(vi, en) pairs as (source, target) of the model: swapped for the en->vi model."""
    return [(en, vi) for vi, en in pairs] if backward else pairs


def score_model_dir(
    model_dir: Path,
    sets: dict[str, list[Pair]],
    settings: EvalSettings,
    work_dir: Path,
    *,
    backward: bool = False,
    max_length: int = 256,
    device: str = "cpu",
    command: str | None = None,
) -> dict[str, dict]:
    """Translate each set with the saved model and score it against its references.

    A vi->en model is scored by ``vien eval`` itself, and each score carries
    the command that reproduces it; the en->vi model, which the vi->en pipeline
    cannot run, decodes through the same adapter and ``BatchedGenerator``.

    Args:
        model_dir: the saved model directory.
        sets: name -> (source, target) pairs in the model's direction.
        settings: beam size and the optional per-set sentence cap.
        work_dir: the run's scratch folder (the scored sets are written there).
        backward: the model translates en->vi.
        max_length: the en->vi model's longest output, start token included
            (``generate.max_length``, as its generation config says).
        device: where the en->vi model decodes.
        command: the command an en->vi score cites (``vien train score ...``).

    Returns:
        name -> BLEU/chrF++ scores, signatures, beam size and ``vien eval`` command.
    """
    chosen = {name: settings.scored(pairs) for name, pairs in sets.items()}
    if not backward:
        return score_with_vien_eval(model_dir, chosen, settings.num_beams, work_dir)
    generation = GenerationSettings(
        model=str(model_dir),
        device=device,
        num_beams=settings.num_beams,
        max_new_tokens=max(1, max_length - 1),
    )
    return score_generated(model_generator(generation), chosen, command)
