"""One small interface over every seq2seq model family, on either backend.

The base class owns the recipe (prepare text → tokenize → ``_generate`` →
decode → score); families override only small hooks: language codes and the
forced first token (NLLB, M2M100, mBART), target tags (Marian), a task prefix
(T5). Only ``_generate`` touches the device, through the backend
(``pipeline.adapters.backend``: torch or CTranslate2), so a family is written
once for both.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pipeline import registry
from pipeline.adapters.backend import Backend, Batch, Hypothesis, load_model_facts
from pipeline.errors import ConfigError
from pipeline.settings import GenerationSettings

logger = logging.getLogger(__name__)

# Inputs longer than this are split even if a model claims a larger limit:
# position tables of some checkpoints report 1e30.
FALLBACK_MAX_INPUT_TOKENS = 512
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "model.bin")
PICKLE_HINT = (
    "; only safetensors weights load by default, because unpickling pytorch_model.bin can "
    "run code hidden in it: set allow_pickle_weights: true in this model's section if you "
    "trust the model"
)


@dataclass
class Generation:
    """One model output: the text, its mean token log-probability, its length in tokens.

    ``length`` (generated tokens) feeds the run's compute estimate (``pipeline.flops``).
    """

    text: str
    score: float | None = None
    length: int | None = None


def loading_options(allow_pickle_weights: bool) -> dict[str, Any]:
    """``from_pretrained`` options that keep loading a model from running its code.

    Pickle weights load only when allowed (then safetensors are still
    preferred); code shipped with a model (``trust_remote_code``) never runs.
    """
    return {"use_safetensors": None if allow_pickle_weights else True, "trust_remote_code": False}


def loading_hint(error: BaseException, allow_pickle_weights: bool) -> str:
    """``PICKLE_HINT`` when ``error`` is transformers refusing pickle-only weights."""
    refused = "safetensors" in str(error) and not allow_pickle_weights
    return PICKLE_HINT if refused else ""


def weights_checksum(model_dir: Path) -> str | None:
    """SHA-256 (first 16 hex digits) of a local model's weight files, or None."""
    digest = hashlib.sha256()
    found = False
    for name in WEIGHT_FILES:
        path = model_dir / name
        if path.is_file():
            found = True
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()[:16] if found else None


class Seq2SeqAdapter:
    """Drives a Hugging Face encoder-decoder model of one family, on either backend.

    The adapter owns the tokenizer and the family hooks; the backend named by
    ``settings.backend`` (``pipeline.registry.BACKENDS``) owns the weights and
    is reached only through ``_generate``.

    Args:
        settings: model name, backend, device, language codes and decoding options.
        tokenizer: an already-loaded tokenizer (used by family detection).

    Raises:
        ModelNotFoundError: the model cannot be loaded.
        ConfigError: a language code the model does not know, or a family
            option the backend does not support.
    """

    family: ClassVar[str] = ""
    default_src_lang: ClassVar[str | None] = None
    default_tgt_lang: ClassVar[str | None] = None

    def __init__(self, settings: GenerationSettings, *, tokenizer: Any = None) -> None:
        self.settings = settings
        self.name = settings.model
        self.src_lang = settings.src_lang or self.default_src_lang
        self.tgt_lang = settings.tgt_lang or self.default_tgt_lang
        facts = load_model_facts(settings, tokenizer)
        self.tokenizer = facts.tokenizer
        self.config = facts.config
        self.generation_config = facts.generation_config
        # Language codes are checked before any weights load or convert.
        self._configure_tokenizer()
        self.backend: Backend = registry.get_backend(settings.backend)(settings, facts)
        self._check_family_options()

    # -- hooks for families -------------------------------------------------
    def _configure_tokenizer(self) -> None:
        """Set tokenizer state such as the source language (NLLB, mBART, M2M100)."""
        if self.src_lang is not None and hasattr(self.tokenizer, "src_lang"):
            self.tokenizer.src_lang = self.src_lang

    def _prepare(self, texts: list[str]) -> list[str]:
        """Rewrite inputs before tokenization (T5 prefixes, Marian target tags)."""
        return texts

    def _generate_kwargs(self) -> dict[str, Any]:
        """Extra ``generate`` arguments, such as ``forced_bos_token_id``."""
        return {}

    # -- the recipe ---------------------------------------------------------
    @property
    def model_config(self) -> Any:
        """The model's Hugging Face config (layer sizes for ``pipeline.flops``)."""
        return self.config

    @property
    def checksum(self) -> str | None:
        """The weights' checksum, as the backend knows it."""
        return self.backend.checksum

    @property
    def max_input_tokens(self) -> int:
        """Longest input the model accepts, special tokens included."""
        if self.settings.max_input_tokens:
            return self.settings.max_input_tokens
        limits = [
            getattr(self.config, "max_position_embeddings", None),
            getattr(self.tokenizer, "model_max_length", None),
        ]
        usable = [int(x) for x in limits if isinstance(x, int | float) and 0 < x < 100_000]
        return min(usable) if usable else FALLBACK_MAX_INPUT_TOKENS

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Token counts of the prepared inputs, special tokens included."""
        if not texts:
            return []
        return [len(ids) for ids in self._token_ids(texts)]

    def generate_batch(self, texts: list[str], **options: Any) -> list[Generation]:
        """Generate one output per input, in order.

        Inputs must already fit ``max_input_tokens``: the caller splits long
        text, so nothing is ever truncated here.

        Args:
            texts: source texts.
            **options: decoding options overriding the settings (``num_beams``,
                ``max_new_tokens``, ``min_new_tokens``, ``no_repeat_ngram_size``,
                ``length_penalty``, ``copy_bias``: see ``pipeline.copy_bias``).

        Raises:
            ValueError: an input is longer than ``max_input_tokens``.
            TypeError: a decoding option the backend does not know.
        """
        return self.generate_batches([(texts, options)])[0]

    def generate_batches(
        self, requests: list[tuple[list[str], dict[str, Any]]]
    ) -> list[list[Generation]]:
        """``generate_batch`` for many batches, each with its own decoding options.

        The backend gets them all at once: CTranslate2 queues every batch on
        its workers (one per core) before awaiting any; torch runs them in turn.
        """
        batches = [
            (self._source_ids(texts), self._decoding(options))
            for texts, options in requests
            if texts
        ]
        results = iter(self._generate(batches))
        return [self._decoded(next(results)) if texts else [] for texts, _ in requests]

    def _token_ids(self, texts: list[str]) -> list[list[int]]:
        encoded = self.tokenizer(
            self._prepare(list(texts)), add_special_tokens=True, truncation=False
        )
        return encoded["input_ids"]

    def _source_ids(self, texts: list[str]) -> list[list[int]]:
        """The prepared inputs' token ids, checked against the input limit."""
        ids = self._token_ids(texts)
        longest = max(len(row) for row in ids)
        if longest > self.max_input_tokens:
            raise ValueError(
                f"input of {longest} tokens exceeds the model limit {self.max_input_tokens}; "
                "split it before calling generate_batch"
            )
        return ids

    def _decoding(self, options: dict[str, Any]) -> dict[str, Any]:
        """The settings' decoding options, the call's overrides, then the family's."""
        return {**decoding_values(self.settings, options), **self._generate_kwargs()}

    def _generate(self, batches: list[Batch]) -> list[list[Hypothesis]]:
        """The only place that touches the device: the backend's hypotheses per batch."""
        return self.backend.generate(batches)

    def _decoded(self, hypotheses: list[Hypothesis]) -> list[Generation]:
        texts = self.tokenizer.batch_decode([h.ids for h in hypotheses], skip_special_tokens=True)
        return [
            Generation(text=text.strip(), score=h.score, length=h.length)
            for text, h in zip(texts, hypotheses, strict=True)
        ]

    def _check_family_options(self) -> None:
        """Fail at load, not at the first batch, when the backend cannot honour a family hook."""
        supported = self.backend.options
        if supported is None:
            return
        unsupported = sorted(set(self._generate_kwargs()) - supported)
        if unsupported:
            raise ConfigError(
                f"the {self.family} adapter asks for {unsupported}, which the "
                f"{self.backend.name} backend does not support; set backend: transformers"
            )

    def describe(self) -> dict[str, Any]:
        """Model facts for the manifest."""
        languages = {"src_lang": self.src_lang, "tgt_lang": self.tgt_lang}
        return {"model": self.name, "family": self.family, **self.backend.describe(languages)}

    def signature(self) -> str:
        """``adapter:marian|model:NAME@sha|beam:4`` (CTranslate2 adds ``backend:ct2-int8``)."""
        model = signed_model_name(self.name, self.checksum)
        parts = [f"adapter:{self.family}", *self.backend.signature_parts()]
        return "|".join([*parts, f"model:{model}", f"beam:{self.settings.num_beams}"])


def decoding_values(settings: GenerationSettings, options: dict[str, Any]) -> dict[str, Any]:
    """The settings' decoding options, overridden by the call's (``None`` keeps a setting)."""
    values = {
        "num_beams": settings.num_beams,
        "max_new_tokens": settings.max_new_tokens,
        "no_repeat_ngram_size": settings.no_repeat_ngram_size,
        "length_penalty": settings.length_penalty,
    }
    values.update({k: v for k, v in options.items() if v is not None})
    return values


def signed_model_name(name: str, checksum: str | None) -> str:
    """A model as signatures name it: the folder's name (or hub id) and its weights' checksum."""
    model = Path(name).name if Path(name).is_dir() else name
    return f"{model}@{checksum[:8]}" if checksum else model
