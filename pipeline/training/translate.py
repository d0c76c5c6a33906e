"""``vien train translate``: the bundled Vietnamese->English MarianMT model.

Trains on EVBNews (minus held-out documents), manythings and optionally the
Wiktionary word list, then scores the saved directory, loaded back through the
Auto classes, on the held-out EVBNews test documents and the dev sets.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from pipeline.config import load_settings
from pipeline.protect.placeholders import BACK_TRANSLATION_TAG, all_placeholders
from pipeline.training.data import Pair, load_parallel
from pipeline.training.marian import generate_texts, load_model_dir
from pipeline.training.masking import PairMasker
from pipeline.training.recipe import Seq2SeqData, fit_seq2seq, write_report
from pipeline.training.scoring import translation_scores
from pipeline.training.settings import EvalSettings, TranslationConfig

logger = logging.getLogger(__name__)

TEST_SET = "evbnews_test"


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
    masker = PairMasker(splits.train, rate, seed) if rate > 0 else None
    valid = PairMasker(splits.valid, rate, seed).epoch(0) if rate > 0 else splits.valid
    data = Seq2SeqData(
        train=orient(splits.train, backward),
        valid=orient(valid, backward),
        vocab_texts=lambda: [text for pair in splits.train for text in pair],
        source_lang="en" if backward else "vi",
        target_lang="vi" if backward else "en",
        user_symbols=[*all_placeholders(), BACK_TRANSLATION_TAG],
        epoch_train=(lambda epoch: orient(masker.epoch(epoch), backward)) if masker else None,
    )
    report = fit_seq2seq(config, data)
    report["timings"]["prep_minutes"] = prep_minutes
    report["sources"] = splits.sources
    t1 = time.monotonic()
    sets = {
        name: orient(pairs, backward)
        for name, pairs in {TEST_SET: splits.test, **splits.dev}.items()
    }
    report["scores"] = score_model_dir(
        config.output_dir, sets, config.eval, config.model.max_positions
    )
    report["timings"]["eval_minutes"] = (time.monotonic() - t1) / 60
    write_report(report, config.output_dir, config.work_dir)
    return report


def orient(pairs: list[Pair], backward: bool) -> list[Pair]:
    """(vi, en) pairs as (source, target) of the model: swapped for the en->vi model."""
    return [(en, vi) for vi, en in pairs] if backward else pairs


def score_model_dir(
    model_dir: Path,
    sets: dict[str, list[Pair]],
    settings: EvalSettings,
    max_input_tokens: int,
    device: str = "cpu",
) -> dict[str, dict]:
    """Translate each set with the saved model and score it against its references.

    Args:
        model_dir: the saved model directory (loaded with the Auto classes).
        sets: name -> (vi, en) pairs.
        settings: beam size, batch size and the optional per-set sentence cap.
        max_input_tokens: longer sources are truncated.
        device: where the model decodes.

    Returns:
        name -> BLEU/chrF++ scores and decoding settings.
    """
    tokenizer, model = load_model_dir(model_dir, device)
    scores = {}
    for name, pairs in sets.items():
        chosen = pairs[: settings.max_examples] if settings.max_examples else pairs
        hyps = generate_texts(
            model,
            tokenizer,
            [vi for vi, _ in chosen],
            num_beams=settings.num_beams,
            batch_size=settings.batch_size,
            max_input_tokens=max_input_tokens,
        )
        scores[name] = {
            **translation_scores(hyps, [en for _, en in chosen]),
            "beams": settings.num_beams,
        }
        logger.info("%s: %s", name, scores[name])
    return scores
