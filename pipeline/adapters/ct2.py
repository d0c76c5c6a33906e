"""The CTranslate2 backend: the adapter interface of ``Seq2SeqAdapter``, a faster engine.

The model is converted once per weights checksum into a user cache
(``pipeline.adapters.convert``) and run with CTranslate2's int8 kernels on CPU
(int8_float16 on GPU) unless a compute type is given. Everything model-family
specific — language codes, target tags, task prefixes, the forced first token —
comes from the family's transformers adapter, built without its torch model
(``tokenizer_side``), so both backends prepare and decode text the same way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pipeline import registry
from pipeline.adapters.base import (
    Generation,
    Seq2SeqAdapter,
    decoding_values,
    signed_model_name,
)
from pipeline.adapters.convert import conversion_metadata, convert_model
from pipeline.adapters.ct2_device import (
    available_cores,
    resolve_compute_type,
    resolve_device,
    thread_split,
)
from pipeline.errors import ConfigError, ModelNotFoundError
from pipeline.settings import GenerationSettings

logger = logging.getLogger(__name__)

# Decoding options of ``generate_batch`` and their CTranslate2 names.
OPTION_NAMES = {
    "num_beams": "beam_size",
    "max_new_tokens": "max_decoding_length",
    "min_new_tokens": "min_decoding_length",
    "no_repeat_ngram_size": "no_repeat_ngram_size",
    "length_penalty": "length_penalty",
}
# Generation arguments of family hooks that CTranslate2 takes as a target prefix.
FIRST_TOKEN_KWARGS = ("forced_bos_token_id", "decoder_start_token_id")


@dataclass
class ModelFacts:
    """Stands in for the torch model where family hooks read its configuration."""

    config: Any
    generation_config: Any


def tokenizer_side(
    adapter_class: type[Seq2SeqAdapter], settings: GenerationSettings
) -> Seq2SeqAdapter:
    """A family adapter holding its tokenizer and model configuration, but no weights.

    The family hooks (``_configure_tokenizer``, ``_prepare``,
    ``_generate_kwargs``), ``count_tokens`` and ``max_input_tokens`` read only
    the settings, the tokenizer and ``model.config``/``model.generation_config``,
    so the CTranslate2 backend reuses them instead of repeating each family's
    language handling. Nothing here may call ``_generate``.

    Args:
        adapter_class: the family's transformers adapter class.
        settings: model name, language codes and decoding options.

    Returns:
        The adapter, with its tokenizer configured (language codes checked).

    Raises:
        ModelNotFoundError: the tokenizer or config cannot be loaded.
        ConfigError: a language code the model does not know.
    """
    from transformers import AutoConfig, AutoTokenizer, GenerationConfig

    local = Path(settings.model).is_dir()
    try:
        tokenizer = AutoTokenizer.from_pretrained(
            settings.model, local_files_only=local, trust_remote_code=False
        )
        config = AutoConfig.from_pretrained(
            settings.model, local_files_only=local, trust_remote_code=False
        )
    except (OSError, ValueError) as e:
        raise ModelNotFoundError(
            f"cannot load the tokenizer of model {settings.model!r} ({e.__class__.__name__}); "
            "give a local model folder, or a hub id on a machine with internet access"
        ) from e
    try:
        generation = GenerationConfig.from_pretrained(settings.model, local_files_only=local)
    except OSError:
        generation = GenerationConfig.from_model_config(config)
    hooks = adapter_class.__new__(adapter_class)
    hooks.settings = settings
    hooks.name = settings.model
    hooks.src_lang = settings.src_lang or adapter_class.default_src_lang
    hooks.tgt_lang = settings.tgt_lang or adapter_class.default_tgt_lang
    hooks.tokenizer = tokenizer
    hooks.model = ModelFacts(config, generation)
    hooks._configure_tokenizer()
    return hooks


class CTranslate2Adapter:
    """Drives a converted model with CTranslate2, behind the ``Seq2SeqAdapter`` interface.

    Args:
        settings: model name, device, compute type, threads, language codes
            and decoding options (``dtype`` does not apply).
        family: the model family, as ``pipeline.registry.ADAPTERS`` names it.

    Raises:
        ConfigError: ctranslate2 is missing, or the device or compute type is
            not available here.
        ModelNotFoundError: the model cannot be loaded or converted.
    """

    backend: ClassVar[str] = "ctranslate2"

    def __init__(self, settings: GenerationSettings, *, family: str) -> None:
        try:
            import ctranslate2
        except ImportError as e:
            raise ConfigError(
                "backend ctranslate2 needs the ctranslate2 package: pip install ctranslate2, "
                "or set backend: transformers"
            ) from e
        self.settings = settings
        self.hooks = tokenizer_side(registry.get_adapter(family), settings)
        self.family = self.hooks.family
        self.name = settings.model
        self.tokenizer = self.hooks.tokenizer
        self.converted = convert_model(
            settings.model,
            cache=settings.ct2_cache,
            allow_pickle_weights=settings.allow_pickle_weights,
        )
        self.checksum = conversion_metadata(self.converted).get("checksum")
        self.device, self.device_index = resolve_device(settings.device)
        self.compute_type = resolve_compute_type(settings.compute_type, self.device)
        self.threads = settings.threads or available_cores()
        self.inter_threads, self.intra_threads = thread_split(self.threads, self.device)
        try:
            self.translator = ctranslate2.Translator(
                str(self.converted),
                device=self.device,
                device_index=self.device_index,
                compute_type=self.compute_type,
                inter_threads=self.inter_threads,
                intra_threads=self.intra_threads,
            )
        except (RuntimeError, ValueError) as e:
            raise ModelNotFoundError(
                f"cannot load the CTranslate2 model {self.converted}: {e}; convert it again "
                f"with: vien convert {settings.model} --force"
            ) from e
        self.target_prefix = self._target_prefix()
        # transformers forces </s> as the last of ``max_new_tokens`` tokens when
        # the model asks for it; stopping one token earlier gives the same text.
        generation = self.hooks.model.generation_config
        self.forced_eos = getattr(generation, "forced_eos_token_id", None) is not None
        # CTranslate2 fails on decoder positions past the model's table instead
        # of stopping there; models with relative positions (T5) have none.
        positions = getattr(self.hooks.model.config, "max_position_embeddings", None)
        self.max_output_tokens = positions if isinstance(positions, int) else None
        # Token sequences the model never emits (Marian's <pad>), as transformers
        # reads them from the generation config.
        banned = getattr(generation, "bad_words_ids", None) or []
        self.suppressed = [self.tokenizer.convert_ids_to_tokens(ids) for ids in banned] or None

    @property
    def src_lang(self) -> str | None:
        return self.hooks.src_lang

    @property
    def tgt_lang(self) -> str | None:
        return self.hooks.tgt_lang

    @property
    def model_config(self) -> Any:
        """The model's Hugging Face config (layer sizes for ``pipeline.flops``)."""
        return self.hooks.model.config

    @property
    def max_input_tokens(self) -> int:
        """Longest input the model accepts, special tokens included."""
        return self.hooks.max_input_tokens

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Token counts of the prepared inputs, special tokens included."""
        return self.hooks.count_tokens(texts)

    def generate_batch(self, texts: list[str], **options: Any) -> list[Generation]:
        """Generate one output per input, in order, scored by mean token log-probability.

        Args:
            texts: source texts, each within ``max_input_tokens``.
            **options: decoding options overriding the settings (``num_beams``,
                ``max_new_tokens``, ``min_new_tokens``, ``no_repeat_ngram_size``,
                ``length_penalty``).

        Raises:
            ValueError: an input is longer than ``max_input_tokens``.
            TypeError: an unknown decoding option.
        """
        return self.generate_batches([(texts, options)])[0]

    def generate_batches(
        self, requests: list[tuple[list[str], dict[str, Any]]]
    ) -> list[list[Generation]]:
        """``generate_batch`` for many batches at once, each with its own decoding options.

        All batches are queued before any result is awaited, so CTranslate2's
        workers (``inter_threads``, one per core) run them side by side.

        Raises:
            ValueError: an input is longer than ``max_input_tokens``.
            TypeError: an unknown decoding option.
        """
        batches = [
            (self._source_tokens(texts), self._decoding_options(options))
            for texts, options in requests
            if texts
        ]
        results = iter(self._generate(batches))
        outputs = []
        for texts, _ in requests:
            if not texts:
                outputs.append([])
                continue
            hypotheses, scores = next(results)
            decoded = self.tokenizer.batch_decode(
                [self.tokenizer.convert_tokens_to_ids(h) for h in hypotheses],
                skip_special_tokens=True,
            )
            outputs.append(
                [
                    Generation(text=t.strip(), score=s, length=len(h))
                    for t, s, h in zip(decoded, scores, hypotheses, strict=True)
                ]
            )
        return outputs

    def _source_tokens(self, texts: list[str]) -> list[list[str]]:
        """The prepared inputs as token strings, checked against the input limit."""
        ids = self.tokenizer(self.hooks._prepare(list(texts)), add_special_tokens=True)
        ids = ids["input_ids"]
        longest = max(len(x) for x in ids)
        if longest > self.max_input_tokens:
            raise ValueError(
                f"input of {longest} tokens exceeds the model limit {self.max_input_tokens}; "
                "split it before calling generate_batch"
            )
        return [self.tokenizer.convert_ids_to_tokens(x) for x in ids]

    def _decoding_options(self, options: dict[str, Any]) -> dict[str, Any]:
        values = decoding_values(self.settings, options)
        unknown = sorted(set(values) - set(OPTION_NAMES))
        if unknown:
            raise TypeError(
                f"unknown decoding options {unknown}; valid: {', '.join(OPTION_NAMES)}"
            )
        decoding = {OPTION_NAMES[k]: v for k, v in values.items()}
        longest = decoding["max_decoding_length"]
        if self.max_output_tokens:
            longest = min(longest, self.max_output_tokens)
        decoding["max_decoding_length"] = max(1, longest - 1) if self.forced_eos else longest
        return decoding

    def _generate(
        self, batches: list[tuple[list[list[str]], dict[str, Any]]]
    ) -> list[tuple[list[list[str]], list[float]]]:
        """The only place that touches the device: token lists and mean log-probs per batch.

        Every batch is queued (``asynchronous``) before the first result is
        read, so the workers share them out; results come back in order.
        """
        queued = []
        for source, decoding in batches:
            prefix = [self.target_prefix] * len(source) if self.target_prefix else None
            futures = self.translator.translate_batch(
                source,
                prefix,
                max_input_length=0,  # never truncate: inputs were checked above
                return_scores=True,
                return_end_token=True,
                suppress_sequences=self.suppressed,
                asynchronous=True,
                **decoding,
            )
            queued.append((futures, decoding["length_penalty"]))
        return [self._scored([f.result() for f in futures], penalty) for futures, penalty in queued]

    def _scored(self, results: list[Any], penalty: float) -> tuple[list[list[str]], list[float]]:
        """Best hypotheses and their mean token log-probabilities."""
        hypotheses, scores = [], []
        for result in results:
            tokens = result.hypotheses[0]
            # CTranslate2 divides the summed log-probs by length ** length_penalty,
            # the length counting the target prefix and the end token, which
            # return_end_token keeps in the hypothesis; undo it for the mean.
            length = max(len(tokens), 1)
            total = result.scores[0] * length**penalty
            # transformers counts the </s> it forces at the length limit as a
            # token of log-prob 0; count it too, so both backends score alike.
            if self.forced_eos and tokens[-1:] != [self.tokenizer.eos_token]:
                length += 1
            scores.append(round(total / length, 4))
            hypotheses.append(tokens)
        return hypotheses, scores

    def _target_prefix(self) -> list[str] | None:
        """The forced first target token (language code) of the family, if any."""
        kwargs = self.hooks._generate_kwargs()
        unsupported = sorted(set(kwargs) - set(FIRST_TOKEN_KWARGS))
        if unsupported:
            raise ConfigError(
                f"the {self.family} adapter asks for {unsupported}, which the ctranslate2 "
                "backend does not support; set backend: transformers"
            )
        first = [kwargs[k] for k in FIRST_TOKEN_KWARGS if k in kwargs]
        return [self.tokenizer.convert_ids_to_tokens(first[0])] if first else None

    def describe(self) -> dict[str, Any]:
        """Model facts for the manifest."""
        device = self.device if self.device == "cpu" else f"{self.device}:{self.device_index}"
        return {
            "model": self.name,
            "family": self.family,
            "backend": self.backend,
            "checksum": self.checksum,
            "device": device,
            "compute_type": self.compute_type,
            "threads": self.threads,
            "inter_threads": self.inter_threads,
            "intra_threads": self.intra_threads,
            "src_lang": self.src_lang,
            "tgt_lang": self.tgt_lang,
            "converted": str(self.converted),
        }

    def signature(self) -> str:
        """``adapter:marian|backend:ct2-int8|model:NAME@sha|beam:4`` for output signatures."""
        model = signed_model_name(self.name, self.checksum)
        return (
            f"adapter:{self.family}|backend:ct2-{self.compute_type}|model:{model}"
            f"|beam:{self.settings.num_beams}"
        )
