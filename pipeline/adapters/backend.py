"""What a family adapter needs from the engine that runs its model.

A backend (``transformers``/torch, or CTranslate2) takes token ids and
decoding options and gives back token ids and scores; everything that
depends on the model family (language codes, tags, prefixes, the forced
first token) stays in the adapter, so each family is written once for both.
``pipeline.registry.BACKENDS`` names the implementations.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pipeline.errors import ModelNotFoundError
from pipeline.settings import GenerationSettings

# One batch for ``Backend.generate``: the source token ids (special tokens
# included, unpadded) and the decoding options, family ones included
# (``forced_bos_token_id``, ``decoder_start_token_id``).
Batch = tuple[list[list[int]], dict[str, Any]]


@dataclass
class Hypothesis:
    """A backend's output for one input.

    ``ids`` are decoded with the adapter's tokenizer (special tokens and
    padding skipped); ``score`` is the mean token log-probability; ``length``
    counts generated tokens the way the backend always has, for the compute
    estimate (``pipeline.flops``).
    """

    ids: list[int]
    score: float
    length: int


@dataclass
class ModelFacts:
    """A model as both backends and the family hooks read it, without its weights."""

    tokenizer: Any
    config: Any
    generation_config: Any


class Backend(Protocol):
    """The engine behind ``Seq2SeqAdapter._generate``.

    Attributes:
        name: the ``backend`` setting that selects it.
        checksum: the weights' checksum, None when unknown (hub models on torch).
        options: decoding options it understands; None when it passes any on
            to ``generate`` (transformers).
    """

    name: str
    checksum: str | None
    options: frozenset[str] | None

    def generate(self, batches: list[Batch]) -> list[list[Hypothesis]]:
        """One hypothesis per input of each batch, in order."""
        ...

    def describe(self, languages: dict[str, Any]) -> dict[str, Any]:
        """Manifest facts from ``backend`` on, with ``languages`` where the manifest puts them."""
        ...

    def signature_parts(self) -> list[str]:
        """Parts of the output signature between the adapter and the model."""
        ...


def load_model_facts(settings: GenerationSettings, tokenizer: Any = None) -> ModelFacts:
    """The tokenizer, config and generation config of ``settings.model``; no code from it runs.

    Args:
        settings: the model name (local folder or hub id).
        tokenizer: an already-loaded tokenizer (from family detection), reused.

    Raises:
        ModelNotFoundError: the tokenizer or config cannot be loaded.
    """
    from transformers import AutoConfig, AutoTokenizer, GenerationConfig

    local = Path(settings.model).is_dir()
    try:
        tokenizer = tokenizer or AutoTokenizer.from_pretrained(
            settings.model, local_files_only=local, trust_remote_code=False
        )
        config = AutoConfig.from_pretrained(
            settings.model, local_files_only=local, trust_remote_code=False
        )
    except (OSError, ValueError) as e:
        raise ModelNotFoundError(load_failure(settings.model, e)) from e
    try:
        generation = GenerationConfig.from_pretrained(settings.model, local_files_only=local)
    except OSError:
        generation = GenerationConfig.from_model_config(config)
    return ModelFacts(tokenizer, config, generation)


def load_failure(model: str, error: BaseException, hint: str = "") -> str:
    """The message for a model that cannot be loaded, saying what to give instead."""
    first_line = str(error).splitlines()[0] if str(error) else ""
    return (
        f"cannot load model {model!r}: {error.__class__.__name__}: {first_line}{hint}. "
        "Give a local model folder, or a hub id on a machine with internet access."
    )
