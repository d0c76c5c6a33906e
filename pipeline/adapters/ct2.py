"""The CTranslate2 backend: the same family adapters, a faster engine.

The model is converted once per weights checksum into a user cache
(``pipeline.adapters.convert``) and run with CTranslate2's int8 kernels on CPU
(int8_float16 on GPU) unless a compute type is given. Everything
family-specific — language codes, target tags, task prefixes, the forced first
token — stays in the family adapter, which hands this backend token ids and
options, so both backends prepare and decode text the same way.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from pipeline.adapters.backend import Batch, Hypothesis, ModelFacts
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


class CTranslate2Backend:
    """Runs a converted model with a ``ctranslate2.Translator``.

    Args:
        settings: model name, device, compute type, threads, conversion cache
            (``dtype`` does not apply).
        facts: the tokenizer (token ids ⇄ the pieces CTranslate2 takes), the
            config (position table) and the generation config (forced and
            banned tokens).

    Raises:
        ConfigError: ctranslate2 is missing, or the device or compute type is
            not available here.
        ModelNotFoundError: the model cannot be loaded or converted.
    """

    name: ClassVar[str] = "ctranslate2"
    options: ClassVar[frozenset[str] | None] = frozenset((*OPTION_NAMES, *FIRST_TOKEN_KWARGS))

    def __init__(self, settings: GenerationSettings, facts: ModelFacts) -> None:
        try:
            import ctranslate2
        except ImportError as e:
            raise ConfigError(
                "backend ctranslate2 needs the ctranslate2 package: pip install ctranslate2, "
                "or set backend: transformers"
            ) from e
        self.tokenizer = facts.tokenizer
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
        # transformers forces </s> as the last of ``max_new_tokens`` tokens when
        # the model asks for it; stopping one token earlier gives the same text.
        generation = facts.generation_config
        self.forced_eos = getattr(generation, "forced_eos_token_id", None) is not None
        # CTranslate2 fails on decoder positions past the model's table instead
        # of stopping there; models with relative positions (T5) have none.
        positions = getattr(facts.config, "max_position_embeddings", None)
        self.max_output_tokens = positions if isinstance(positions, int) else None
        # Token sequences the model never emits (Marian's <pad>), as transformers
        # reads them from the generation config.
        banned = getattr(generation, "bad_words_ids", None) or []
        self.suppressed = [self.tokenizer.convert_ids_to_tokens(ids) for ids in banned] or None

    def generate(self, batches: list[Batch]) -> list[list[Hypothesis]]:
        """Every batch queued (``asynchronous``) before the first result is read.

        The workers (``inter_threads``, one per core) share the batches out;
        results come back in order.

        Raises:
            TypeError: an unknown decoding option (checked before any batch runs).
        """
        prepared = [(ids, *self._decoding_options(options)) for ids, options in batches]
        queued = []
        for ids, prefix, decoding in prepared:
            source = [self.tokenizer.convert_ids_to_tokens(row) for row in ids]
            futures = self.translator.translate_batch(
                source,
                [prefix] * len(source) if prefix else None,
                max_input_length=0,  # never truncate: the adapter checked the inputs
                return_scores=True,
                return_end_token=True,
                suppress_sequences=self.suppressed,
                asynchronous=True,
                **decoding,
            )
            queued.append((futures, decoding["length_penalty"]))
        return [self._scored([f.result() for f in futures], penalty) for futures, penalty in queued]

    def _decoding_options(self, options: dict[str, Any]) -> tuple[list[str] | None, dict[str, Any]]:
        """The target prefix (the family's forced first token) and CTranslate2's options."""
        values = dict(options)
        first = [values.pop(k) for k in FIRST_TOKEN_KWARGS if k in values]
        unknown = sorted(set(values) - set(OPTION_NAMES))
        if unknown:
            raise TypeError(f"unknown decoding options {unknown}; valid: {', '.join(OPTION_NAMES)}")
        decoding = {OPTION_NAMES[k]: v for k, v in values.items()}
        longest = decoding["max_decoding_length"]
        if self.max_output_tokens:
            longest = min(longest, self.max_output_tokens)
        decoding["max_decoding_length"] = max(1, longest - 1) if self.forced_eos else longest
        prefix = [self.tokenizer.convert_ids_to_tokens(first[0])] if first else None
        return prefix, decoding

    def _scored(self, results: list[Any], penalty: float) -> list[Hypothesis]:
        """Best hypotheses and their mean token log-probabilities."""
        hypotheses = []
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
            ids = self.tokenizer.convert_tokens_to_ids(tokens)
            hypotheses.append(
                Hypothesis(ids=ids, score=round(total / length, 4), length=len(tokens))
            )
        return hypotheses

    def describe(self, languages: dict[str, Any]) -> dict[str, Any]:
        """Backend, checksum, device, compute type, threads, ``languages``, the conversion."""
        device = self.device if self.device == "cpu" else f"{self.device}:{self.device_index}"
        return {
            "backend": self.name,
            "checksum": self.checksum,
            "device": device,
            "compute_type": self.compute_type,
            "threads": self.threads,
            "inter_threads": self.inter_threads,
            "intra_threads": self.intra_threads,
            **languages,
            "converted": str(self.converted),
        }

    def signature_parts(self) -> list[str]:
        """``backend:ct2-int8``: quantized outputs differ from transformers ones."""
        return [f"backend:ct2-{self.compute_type}"]
