"""Pydantic schemas of the training configs (``configs/train-*.yaml``).

Defaults live only here, each with a one-line description. Relative paths in
a config are resolved against the working directory, i.e. the repository root
the ``vien train`` command is run from. Every section is a runtime ``Section``
(unknown keys are errors) and configs load with the runtime's
``pipeline.config.load_settings``, so ``--set`` means the same everywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from pipeline.errors import ConfigError
from pipeline.settings import Section


class VocabSettings(Section):
    """The shared sentencepiece unigram vocabulary."""

    size: int = Field(8000, ge=100, description="Number of pieces, special tokens included.")
    character_coverage: float = Field(1.0, description="Share of characters the pieces cover.")
    max_sentences: int = Field(300_000, description="Sentences sampled to train the vocabulary.")


class ModelSettings(Section):
    """Size of the MarianMT encoder-decoder built from scratch."""

    d_model: int = Field(256, description="Hidden size.")
    encoder_layers: int = Field(4, description="Encoder depth; may exceed the decoder's.")
    decoder_layers: int = Field(2, description="Decoder depth.")
    attention_heads: int = Field(4, description="Heads in every attention layer.")
    ffn_dim: int = Field(1024, description="Feed-forward inner size.")
    dropout: float = Field(0.1, description="Residual and embedding dropout.")
    attention_dropout: float = Field(0.0, description="Dropout on attention weights.")
    activation_dropout: float = Field(0.0, description="Dropout inside the feed-forward block.")
    activation: Literal["relu", "gelu", "swish"] = Field("relu", description="FFN activation.")
    max_positions: int = Field(512, description="Longest sequence the model accepts.")


class TrainSettings(Section):
    """The shared torch training loop."""

    seed: int = Field(1, description="Seed of torch, batching and data splits.")
    torch_threads: int = Field(
        1, ge=1, description="Intra-op CPU threads, set once for the process by `vien train`."
    )
    precision: Literal["auto", "fp32", "bf16"] = Field(
        "auto",
        description="Matmul precision of forward and backward passes: bf16 autocast (weights "
        "and optimizer stay fp32); auto picks bf16 on CUDA and on CPUs with AVX512-BF16 or AMX.",
    )
    resume: bool = Field(
        True,
        description="Continue from work_dir's saved training state (weights, optimizer, data "
        "position, step, clock) when one exists for this config.",
    )
    device: str = Field("cpu", description="torch device, e.g. cpu or cuda.")
    max_steps: int = Field(100_000, ge=1, description="Stop after this many updates.")
    max_minutes: float = Field(
        60.0, gt=0, description="Stop after this much loop wall-clock (summed over resumes)."
    )
    batch_tokens: int = Field(4096, description="Padded source+target tokens per batch.")
    max_source_tokens: int = Field(128, description="Longer sources are truncated.")
    max_target_tokens: int = Field(128, description="Longer targets are truncated.")
    lr: float = Field(1e-3, description="Peak learning rate.")
    schedule: Literal["inverse_sqrt", "linear"] = Field(
        "inverse_sqrt", description="Decay after warm-up: 1/sqrt(step) or linear to max_steps."
    )
    warmup_steps: int = Field(1000, description="Linear warm-up length.")
    weight_decay: float = Field(0.01, description="AdamW weight decay.")
    label_smoothing: float = Field(0.1, description="Cross-entropy label smoothing.")
    clip_norm: float = Field(1.0, description="Gradient norm clipping.")
    subword_alpha: float = Field(
        0.0, description="Sentencepiece sampling smoothing for training data; 0 disables it."
    )
    valid_every: int = Field(500, description="Steps between validation-loss checks.")
    save_every: int = Field(500, description="Steps between checkpoints.")
    average_last: int = Field(4, ge=1, description="Average the weights of the last N saves.")
    log_every: int = Field(100, description="Steps between progress log lines.")
    init_from: Path | None = Field(
        None,
        description="A saved model folder to continue from (its weights and sentencepiece "
        "vocabulary) instead of starting from random weights.",
    )


class GenerateSettings(Section):
    """Decoding defaults written to ``generation_config.json``."""

    num_beams: int = Field(4, description="Beam size.")
    max_length: int = Field(256, description="Longest output in tokens.")
    no_repeat_ngram_size: int = Field(0, description="Forbid repeated n-grams; 0 disables.")
    length_penalty: float = Field(1.0, description="Beam score length exponent.")


class EvalSettings(Section):
    """Scoring after training (may decode faster than the shipped defaults)."""

    num_beams: int = Field(2, description="Beam size used for scoring.")
    max_examples: int | None = Field(None, description="Score only the first N of each set.")

    def scored(self, pairs: list[Any]) -> list[Any]:
        """The pairs of a held-out set that are scored (the first ``max_examples``)."""
        return pairs[: self.max_examples or None]


class DevSet(Section):
    """One external vi->en dev set."""

    prefix: Path = Field(description="Path without the .vi/.en suffix.")
    format: Literal["plain", "iwslt"] = Field("plain", description="iwslt: tokenized, escaped.")


class TranslationData(Section):
    """Where the vi-en parallel data lives and how it is split."""

    evbnews: Path = Field(description="EVBNews prefix (.vi, .en, .ids).")
    manythings: Path | None = Field(None, description="manythings prefix (.vie, .eng).")
    wiktionary: Path | None = Field(None, description="English TAB Vietnamese word list.")
    extra: list[Path] = Field(
        default_factory=list, description="More English TAB Vietnamese files (data/mt/extra)."
    )
    synthetic: list[Path] = Field(
        default_factory=list,
        description="Back-translated Vietnamese TAB English files (`vien train backtranslate`): "
        "the Vietnamese side is machine output; it is tagged for the model (tagged BT).",
    )
    direction: Literal["vi-en", "en-vi"] = Field(
        "vi-en", description="en-vi trains the backward model that back-translation needs."
    )
    clean: bool = Field(
        False,
        description="Drop training pairs with absurd length, wrong language or numbers "
        "that disagree (counted in the report); held-out sets are never filtered.",
    )
    placeholder_rate: float = Field(
        0.0,
        ge=0,
        le=1,
        description="Share of the spans stated on both sides of a pair (numbers, dates, names) "
        "replaced by a shared placeholder token, drawn anew each epoch; 0 disables.",
    )
    placeholder_whole_rate: float = Field(
        0.0,
        ge=0,
        le=1,
        description="Share of pairs with every matched span masked at once, so the model also "
        "sees sentences as dense with placeholders as the pipeline writes them.",
    )
    placeholder_terms: bool = Field(
        False,
        description="Also mask bundled glossary terms whose English the pair's English states "
        "(the pipeline protects terms as placeholders too).",
    )
    valid_docs: int = Field(50, description="EVBNews documents held out for validation.")
    test_docs: int = Field(60, description="EVBNews documents held out for testing.")
    dev_sets: dict[str, DevSet] = Field(default_factory=dict, description="Extra scored sets.")


class SummarizationData(Section):
    """The VietNews files."""

    train: Path = Field(description="Training jsonl.xz.")
    validation: Path = Field(description="Scored jsonl.xz.")
    max_train: int | None = Field(None, description="Use only the first N training articles.")
    valid_loss_articles: int = Field(300, description="Training articles held out for val loss.")


class TrainingConfig(Section):
    output_dir: Path = Field(description="Where the Hugging Face model directory is written.")
    work_dir: Path = Field(description="Scratch space: vocabulary text, checkpoints.")
    vocab: VocabSettings = Field(default_factory=VocabSettings)
    model: ModelSettings = Field(default_factory=ModelSettings)
    train: TrainSettings = Field(default_factory=TrainSettings)
    generate: GenerateSettings = Field(default_factory=GenerateSettings)
    eval: EvalSettings = Field(default_factory=EvalSettings)

    def languages(self) -> tuple[str, str]:
        """The model's source and target language."""
        raise NotImplementedError


class TranslationConfig(TrainingConfig):
    """``configs/train-translate*.yaml``."""

    data: TranslationData

    def languages(self) -> tuple[str, str]:
        return ("en", "vi") if self.data.direction == "en-vi" else ("vi", "en")


class SummarizationConfig(TrainingConfig):
    """``configs/train-summarize*.yaml``."""

    data: SummarizationData

    def languages(self) -> tuple[str, str]:
        return "vi", "vi"


def take_folder(
    overrides: dict[str, Any] | None, key: str, command: str
) -> tuple[Path, dict[str, Any]]:
    """The folder a command writes to (``--set KEY=FOLDER``, required) and the other overrides.

    Export and the test-set writers take their output folder as one more
    ``--set`` key, which the training config itself does not have.

    Raises:
        ConfigError: ``key`` was not given.
    """
    rest = dict(overrides or {})
    if key not in rest:
        raise ConfigError(f"vien train {command} needs --set {key}=FOLDER")
    return Path(rest.pop(key)), rest
