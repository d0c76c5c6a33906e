"""One small interface over every seq2seq model family.

The base class owns the recipe (prepare text → tokenize → ``_generate`` →
decode → score); families override only small hooks: language codes and the
forced first token (NLLB, M2M100, mBART), target tags (Marian), a task prefix
(T5). Only ``_generate`` touches the device, once, in inference mode.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pipeline.errors import ModelNotFoundError
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
    """Drives a Hugging Face encoder-decoder model for one family.

    Args:
        settings: model name, device, dtype, language codes and decoding options.
        tokenizer: an already-loaded tokenizer (used by family detection).
    """

    family: ClassVar[str] = ""
    default_src_lang: ClassVar[str | None] = None
    default_tgt_lang: ClassVar[str | None] = None

    def __init__(self, settings: GenerationSettings, *, tokenizer: Any = None) -> None:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        self.settings = settings
        self.name = settings.model
        self.src_lang = settings.src_lang or self.default_src_lang
        self.tgt_lang = settings.tgt_lang or self.default_tgt_lang
        local = Path(settings.model).is_dir()
        options = loading_options(settings.allow_pickle_weights)
        try:
            self.tokenizer = tokenizer or AutoTokenizer.from_pretrained(
                settings.model, local_files_only=local, trust_remote_code=False
            )
            self.device = resolve_device(settings.device)
            dtype = resolve_dtype(settings.dtype, self.device)
            self.model = AutoModelForSeq2SeqLM.from_pretrained(
                settings.model, dtype=dtype, local_files_only=local, **options
            )
        except (OSError, ValueError) as e:
            raise ModelNotFoundError(
                f"cannot load model {settings.model!r}: {e.__class__.__name__}: "
                f"{str(e).splitlines()[0] if str(e) else ''}"
                f"{loading_hint(e, settings.allow_pickle_weights)}. Give a local model folder, "
                "or a hub id on a machine with internet access."
            ) from e
        self.model.to(self.device).eval()
        self.checksum = weights_checksum(Path(settings.model)) if local else None
        self._configure_tokenizer()

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
        return self.model.config

    @property
    def max_input_tokens(self) -> int:
        """Longest input the model accepts, special tokens included."""
        if self.settings.max_input_tokens:
            return self.settings.max_input_tokens
        limits = [
            getattr(self.model.config, "max_position_embeddings", None),
            getattr(self.tokenizer, "model_max_length", None),
        ]
        usable = [int(x) for x in limits if isinstance(x, int | float) and 0 < x < 100_000]
        return min(usable) if usable else FALLBACK_MAX_INPUT_TOKENS

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Token counts of the prepared inputs, special tokens included."""
        if not texts:
            return []
        encoded = self.tokenizer(self._prepare(list(texts)), add_special_tokens=True)
        return [len(ids) for ids in encoded["input_ids"]]

    def generate_batch(self, texts: list[str], **options: Any) -> list[Generation]:
        """Generate one output per input, in order.

        Inputs must already fit ``max_input_tokens``: the caller splits long
        text, so nothing is ever truncated here.

        Args:
            texts: source texts.
            **options: decoding options overriding the settings (``num_beams``,
                ``max_new_tokens``, ``min_new_tokens``, ``no_repeat_ngram_size``,
                ``length_penalty``, ``copy_bias``: see ``pipeline.copy_bias``).
        """
        if not texts:
            return []
        encoded = self.tokenizer(
            self._prepare(list(texts)), return_tensors="pt", padding=True, truncation=False
        )
        longest = encoded["input_ids"].shape[1]
        if longest > self.max_input_tokens:
            raise ValueError(
                f"input of {longest} tokens exceeds the model limit {self.max_input_tokens}; "
                "split it before calling generate_batch"
            )
        kwargs = decoding_values(self.settings, options)
        kwargs.update(self._generate_kwargs())
        sequences, scores = self._generate(encoded, kwargs)
        texts_out = self.tokenizer.batch_decode(sequences, skip_special_tokens=True)
        pad = self.model.config.pad_token_id
        lengths = [int(row.ne(pad).sum()) if pad is not None else len(row) for row in sequences]
        return [
            Generation(text=t.strip(), score=s, length=n)
            for t, s, n in zip(texts_out, scores, lengths, strict=True)
        ]

    def _generate(self, encoded: Any, kwargs: dict[str, Any]) -> tuple[Any, list[float]]:
        """The only place that touches the device; returns CPU sequences and scores."""
        import torch

        kwargs = dict(kwargs)
        copy_bias = kwargs.pop("copy_bias", 0.0)
        if copy_bias:
            from transformers import LogitsProcessorList

            from pipeline.copy_bias import CopyBiasProcessor

            processor = CopyBiasProcessor(
                encoded["input_ids"], copy_bias, self.tokenizer.all_special_ids
            )
            kwargs["logits_processor"] = LogitsProcessorList([processor])
        with torch.inference_mode():
            inputs = {k: v.to(self.device) for k, v in encoded.items()}
            out = self.model.generate(
                **inputs, output_scores=True, return_dict_in_generate=True, **kwargs
            )
            transition = self.model.compute_transition_scores(
                out.sequences,
                out.scores,
                getattr(out, "beam_indices", None),
                normalize_logits=True,
            )
            # Mean log-probability over the generated tokens (padding excluded).
            generated = out.sequences[:, -transition.shape[1] :]
            mask = generated.ne(self.model.config.pad_token_id)
            transition = transition.masked_fill(~mask, 0.0).float()
            lengths = mask.sum(dim=1).clamp(min=1)
            scores = (transition.sum(dim=1) / lengths).cpu().tolist()
        return out.sequences.cpu(), [round(float(s), 4) for s in scores]

    def describe(self) -> dict[str, Any]:
        """Model facts for the manifest."""
        return {
            "model": self.name,
            "family": self.family,
            "backend": "transformers",
            "checksum": self.checksum,
            "device": str(self.device),
            "dtype": str(self.model.dtype).replace("torch.", ""),
            "src_lang": self.src_lang,
            "tgt_lang": self.tgt_lang,
            "parameters": sum(p.numel() for p in self.model.parameters()),
        }

    def signature(self) -> str:
        """``family:marian|model:NAME@sha|beam:4`` for output signatures."""
        model = signed_model_name(self.name, self.checksum)
        return f"adapter:{self.family}|model:{model}|beam:{self.settings.num_beams}"


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


def resolve_device(device: str) -> Any:
    """``auto`` becomes CUDA when a GPU is visible, else the CPU."""
    import torch

    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def resolve_dtype(dtype: str, device: Any) -> Any:
    """``auto`` is float32 on CPU, bfloat16 on GPUs that support it, else float16."""
    import torch

    if dtype != "auto":
        return getattr(torch, dtype)
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float32
