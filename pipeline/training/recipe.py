"""The steps both trainers share: vocabulary, model, training loop, saved directory.

Translation and summarization differ only in their data and their scores;
everything between "(source, target) texts" and "a directory the Auto
classes load" happens here once.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.training.loop import Example, train_loop
from pipeline.training.marian import build_model, count_parameters, save_model_dir
from pipeline.training.settings import TrainingConfig
from pipeline.training.vocab import (
    encode_pairs,
    load_spm,
    seed_sampling,
    train_spm,
    write_tokenizer_files,
)

logger = logging.getLogger(__name__)

REPORT_FILE = "training_report.json"


@dataclass
class Seq2SeqData:
    """Texts for one model: (source, target) pairs and the text the vocabulary learns from.

    ``user_symbols`` become single vocabulary pieces; ``epoch_train``, when set,
    gives each epoch's training pairs (e.g. with placeholders drawn anew).
    """

    train: Sequence[tuple[str, str]]
    valid: Sequence[tuple[str, str]]
    vocab_texts: Callable[[], list[str]]
    user_symbols: Sequence[str] = ()
    epoch_train: Callable[[int], Sequence[tuple[str, str]]] | None = None


def fit_seq2seq(config: TrainingConfig, data: Seq2SeqData) -> dict:
    """Train the vocabulary and the model, then save the Hugging Face directory.

    Args:
        config: a validated translation or summarization config.
        data: the prepared texts.

    Returns:
        The report so far: vocabulary, parameters, loop statistics, paths, timings.
    """
    timings: dict[str, float] = {}
    t0 = time.monotonic()
    init_from = config.train.init_from
    spm_file = prepare_vocabulary(config, data)
    sp = load_spm(spm_file)
    seed_sampling(config.train.seed)
    timings["vocab_minutes"] = (time.monotonic() - t0) / 60
    settings = config.train
    limits = {"max_source": settings.max_source_tokens, "max_target": settings.max_target_tokens}
    fixed = encode_pairs(sp, list(data.train), **limits)
    valid = encode_pairs(sp, list(data.valid), **limits)

    def encode_epoch(epoch: int) -> list[Example]:
        if settings.subword_alpha <= 0 and data.epoch_train is None:
            return fixed
        pairs = list(data.train if data.epoch_train is None else data.epoch_train(epoch))
        return encode_pairs(sp, pairs, alpha=settings.subword_alpha, **limits)

    model = build_model(config.model, sp.get_piece_size())
    if init_from is not None:
        _load_weights(model, init_from)
    n_params = count_parameters(model)
    logger.info("model: %d parameters, %d training pairs", n_params, len(fixed))
    loop = train_loop(model, encode_epoch, valid, settings, config.work_dir / "checkpoints")
    timings["train_minutes"] = loop.minutes
    source_lang, target_lang = config.languages()
    write_tokenizer_files(
        spm_file,
        config.output_dir,
        source_lang=source_lang,
        target_lang=target_lang,
        max_length=config.model.max_positions,
    )
    weights = save_model_dir(model, config.output_dir, config.generate)
    return {
        "model_dir": str(config.output_dir),
        "weights_mb": round(weights.stat().st_size / 2**20, 2),
        "parameters": n_params,
        "vocab_size": sp.get_piece_size(),
        "train_pairs": len(fixed),
        "valid_pairs": len(valid),
        "loop": asdict(loop),
        "timings": timings,
        "config": config.model_dump(mode="json"),
    }


def prepare_vocabulary(config: TrainingConfig, data: Seq2SeqData) -> Path:
    """The run's sentencepiece model: the continued model's, the resumed run's, or a new one."""
    spm_file = run_vocabulary(config)
    init_from = config.train.init_from
    if init_from is not None:
        # Continuing a saved model: its vocabulary, not a new one, matches its weights.
        # Copied first, as the output folder may be the folder we continue from.
        spm_file.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(init_from / "source.spm", spm_file)
    elif config.train.resume and spm_file.exists():
        logger.info("reusing the vocabulary of the run in %s", config.work_dir)
    else:
        spm_file = train_spm(
            data.vocab_texts(),
            config.vocab,
            config.work_dir / "spm",
            config.train.seed,
            data.user_symbols,
        )
    return spm_file


def run_vocabulary(config: TrainingConfig) -> Path:
    """Where a run keeps its sentencepiece model: a copy of the model it continues, or its own."""
    if config.train.init_from is not None:
        return config.work_dir / "spm" / "continued.spm"
    return config.work_dir / "spm.model"


def _load_weights(model, model_dir: Path) -> None:
    """Copy a saved model's weights (fp16 on disk) into ``model`` (fp32), strictly."""
    from transformers import AutoModelForSeq2SeqLM

    saved = AutoModelForSeq2SeqLM.from_pretrained(str(model_dir), local_files_only=True)
    model.load_state_dict({k: v.float() for k, v in saved.state_dict().items()}, strict=True)
    logger.info("continuing from %s", model_dir)


def write_report(report: dict, *dirs: Path) -> None:
    """Write the report as ``training_report.json`` next to the model (the card cites it).

    A copy in the run's work folder marks the run as finished for ``vien train recipe``.
    """
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    for folder in dirs:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / REPORT_FILE).write_text(text, encoding="utf-8")
