"""Run a model adapter over many texts: dedupe, fit, batch, reassemble.

Both model stages use this, so the translate and summarize stages never
see batching details or which model family they drive.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from pipeline.batching import token_batches
from pipeline.chunking import split_to_fit
from pipeline.flops import ModelWork, model_flops

logger = logging.getLogger(__name__)


@dataclass
class Output:
    """The generation for one input text; ``parts`` > 1 when it had to be split."""

    text: str
    score: float | None
    parts: int = 1


class BatchedGenerator:
    """Generates one output per input text, in input order.

    Texts longer than the model's input limit are split at clause boundaries,
    generated in parts and rejoined (never truncated). Distinct texts are
    generated once per run when ``cache`` is on, so repeated bylines and
    boilerplate cost nothing after the first time.

    Args:
        adapter: a model adapter (``generate_batch``, ``count_tokens``,
            ``max_input_tokens``).
        batch_tokens: token budget of one batch (padded).
        cache: remember outputs of texts already seen in this run.
    """

    def __init__(self, adapter: Any, *, batch_tokens: int, cache: bool = True) -> None:
        self.adapter = adapter
        self.batch_tokens = batch_tokens
        self.cache: dict[tuple[str, str], Output] | None = {} if cache else None
        self.generated = 0
        self.cache_hits = 0
        self.work = ModelWork()

    def run(
        self, texts: list[str], *, length_cap: tuple[float, int] | None = None, **options: Any
    ) -> list[Output]:
        """Outputs for ``texts``; ``options`` are decoding overrides passed to the adapter.

        ``length_cap=(a, b)`` limits ``max_new_tokens`` of each batch to ``a`` times
        its longest input, in tokens, plus ``b``, so a decoder stuck in a loop stops
        early (used when retrying degenerate outputs).
        """
        key_suffix = repr((sorted(options.items()), length_cap))
        results: dict[str, Output] = {}
        pending: list[str] = []
        for text in dict.fromkeys(texts):
            cached = self.cache.get((text, key_suffix)) if self.cache is not None else None
            if cached is not None:
                results[text] = cached
                self.cache_hits += 1
            elif text.strip():
                pending.append(text)
            else:
                results[text] = Output(text="", score=None)
        results.update(self._generate(pending, options, length_cap))
        if self.cache is not None:
            for text in pending:
                self.cache[(text, key_suffix)] = results[text]
        return [results[t] for t in texts]

    def _generate(
        self, texts: list[str], options: dict[str, Any], length_cap: tuple[float, int] | None
    ) -> dict[str, Output]:
        if not texts:
            return {}
        limit = self.adapter.max_input_tokens
        pieces: list[str] = []
        owners: list[int] = []
        lengths: list[int] = []
        # One tokenizer call for all texts; only the few over the limit are split.
        for index, (text, length) in enumerate(
            zip(texts, self.adapter.count_tokens(texts), strict=True)
        ):
            if length <= limit:
                parts, counts = [text], [length]
            else:
                parts = split_to_fit(text, self.adapter.count_tokens, limit)
                counts = self.adapter.count_tokens(parts)
            pieces.extend(parts)
            owners.extend([index] * len(parts))
            lengths.extend(counts)
        batches = token_batches(lengths, self.batch_tokens)
        requests = []
        for batch in batches:
            batch_options = options
            if length_cap is not None:
                ratio, extra = length_cap
                cap = int(ratio * max(lengths[i] for i in batch)) + extra
                batch_options = {
                    **options,
                    "max_new_tokens": min(cap, options.get("max_new_tokens", cap)),
                }
            requests.append(([pieces[i] for i in batch], batch_options))
        generated: list[Any] = [None] * len(pieces)
        settings = getattr(self.adapter, "settings", None)
        beams = options.get("num_beams") or getattr(settings, "num_beams", 1)
        for batch, outs in zip(batches, self._generate_batches(requests), strict=True):
            for i, out in zip(batch, outs, strict=True):
                generated[i] = out
                self.work.add(lengths[i], getattr(out, "length", None) or 0, beams)
        self.generated += len(pieces)
        by_text: dict[int, list[Any]] = {}
        for owner, out in zip(owners, generated, strict=True):
            by_text.setdefault(owner, []).append(out)
        results = {}
        for index, outs in by_text.items():
            scores = [o.score for o in outs if o.score is not None]
            results[texts[index]] = Output(
                text=" ".join(o.text for o in outs if o.text).strip(),
                score=round(sum(scores) / len(scores), 4) if scores else None,
                parts=len(outs),
            )
        return results

    def describe_work(self) -> dict[str, Any]:
        """What the model computed so far: counts, and floating-point operations if known.

        ``gflop`` comes from the model's layer sizes (``pipeline.flops``); None
        when the adapter exposes no config the estimate understands.
        """
        config = getattr(self.adapter, "model_config", None)
        flops = model_flops(config, self.work) if config is not None else None
        return {
            **self.work.to_dict(),
            "gflop": round(flops / 1e9, 3) if flops is not None else None,
        }

    def _generate_batches(self, requests: list[tuple[list[str], dict[str, Any]]]) -> list[Any]:
        """Each batch's outputs; all batches go to the adapter at once when it can take them.

        CTranslate2 then runs them side by side on its workers (one per core)
        instead of one batch after another.
        """
        many = getattr(self.adapter, "generate_batches", None)
        if many is not None:
            return many(requests)
        return [self.adapter.generate_batch(texts, **options) for texts, options in requests]
