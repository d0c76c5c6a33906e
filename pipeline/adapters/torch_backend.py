"""The transformers backend: a torch model's ``generate``, scored by mean token log-probability."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from pipeline.adapters.backend import Batch, Hypothesis, ModelFacts, load_failure
from pipeline.adapters.base import loading_hint, loading_options, weights_checksum
from pipeline.errors import ModelNotFoundError
from pipeline.settings import GenerationSettings


class TorchBackend:
    """Runs a Hugging Face ``AutoModelForSeq2SeqLM`` on ``settings.device`` in ``settings.dtype``.

    Args:
        settings: model name, device, dtype and whether pickle weights may load.
        facts: the tokenizer (padding, and the special ids copy bias leaves alone).

    Raises:
        ModelNotFoundError: the weights cannot be loaded.
    """

    name: ClassVar[str] = "transformers"
    options: ClassVar[frozenset[str] | None] = None

    def __init__(self, settings: GenerationSettings, facts: ModelFacts) -> None:
        from transformers import AutoModelForSeq2SeqLM

        self.tokenizer = facts.tokenizer
        local = Path(settings.model).is_dir()
        options = loading_options(settings.allow_pickle_weights)
        try:
            self.device = resolve_device(settings.device)
            dtype = resolve_dtype(settings.dtype, self.device)
            self.model = AutoModelForSeq2SeqLM.from_pretrained(
                settings.model, dtype=dtype, local_files_only=local, **options
            )
        except (OSError, ValueError) as e:
            hint = loading_hint(e, settings.allow_pickle_weights)
            raise ModelNotFoundError(load_failure(settings.model, e, hint)) from e
        self.model.to(self.device).eval()
        # Every call passes max_new_tokens (the settings'); a max_length from the model's
        # generation_config.json beside it only makes transformers warn on each batch.
        self.model.generation_config.max_length = None
        self.checksum = weights_checksum(Path(settings.model)) if local else None

    def generate(self, batches: list[Batch]) -> list[list[Hypothesis]]:
        """Each batch through ``model.generate``, one after another, in inference mode."""
        import torch

        with torch.inference_mode():
            return [self._generate(ids, options) for ids, options in batches]

    def _generate(self, ids: list[list[int]], options: dict[str, Any]) -> list[Hypothesis]:
        kwargs = dict(options)
        encoded = self._padded(ids)
        copy_bias = kwargs.pop("copy_bias", 0.0)
        if copy_bias:
            from transformers import LogitsProcessorList

            from pipeline.copy_bias import CopyBiasProcessor

            processor = CopyBiasProcessor(
                encoded["input_ids"], copy_bias, self.tokenizer.all_special_ids
            )
            kwargs["logits_processor"] = LogitsProcessorList([processor])
        inputs = {k: v.to(self.device) for k, v in encoded.items()}
        out = self.model.generate(
            **inputs, output_scores=True, return_dict_in_generate=True, **kwargs
        )
        transition = self.model.compute_transition_scores(
            out.sequences, out.scores, getattr(out, "beam_indices", None), normalize_logits=True
        )
        # Mean log-probability over the generated tokens (padding excluded).
        pad = self.model.config.pad_token_id
        generated = out.sequences[:, -transition.shape[1] :]
        mask = generated.ne(pad)
        transition = transition.masked_fill(~mask, 0.0).float()
        scores = (transition.sum(dim=1) / mask.sum(dim=1).clamp(min=1)).cpu().tolist()
        sequences = out.sequences.cpu()
        return [
            Hypothesis(
                ids=row.tolist(),
                score=round(float(score), 4),
                length=int(row.ne(pad).sum()) if pad is not None else len(row),
            )
            for row, score in zip(sequences, scores, strict=True)
        ]

    def _padded(self, ids: list[list[int]]) -> dict[str, Any]:
        """``input_ids`` and ``attention_mask`` tensors, padded as the tokenizer pads."""
        import torch

        longest = max(len(row) for row in ids)
        pad = self.tokenizer.pad_token_id
        left = getattr(self.tokenizer, "padding_side", "right") == "left"
        rows, masks = [], []
        for row in ids:
            fill = longest - len(row)
            rows.append([pad] * fill + row if left else row + [pad] * fill)
            masks.append([0] * fill + [1] * len(row) if left else [1] * len(row) + [0] * fill)
        return {"input_ids": torch.tensor(rows), "attention_mask": torch.tensor(masks)}

    def describe(self, languages: dict[str, Any]) -> dict[str, Any]:
        """Backend, checksum, device, dtype, ``languages``, parameter count."""
        return {
            "backend": self.name,
            "checksum": self.checksum,
            "device": str(self.device),
            "dtype": str(self.model.dtype).replace("torch.", ""),
            **languages,
            "parameters": sum(p.numel() for p in self.model.parameters()),
        }

    def signature_parts(self) -> list[str]:
        """None: transformers signatures have always named no backend."""
        return []


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
