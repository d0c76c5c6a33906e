"""Copy-biased decoding: favour the tokens of the input while generating a summary.

A small summarizer trained briefly invents names and numbers. Pointer-generator
networks (See et al., "Get To The Point", ACL 2017) fix this with a learned copy
distribution; a fixed bonus on the log-probability of every token present in the
input is the training-free approximation, applied as one transformers
``LogitsProcessor`` inside the ordinary ``generate`` call, so there is no second
decoding loop. CTranslate2 decodes in C++ without such a hook, which is why the
settings refuse ``copy_bias`` with that backend.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from transformers import LogitsProcessor


class CopyBiasProcessor(LogitsProcessor):
    """Adds ``bias`` to the tokens of each row's source, and again to those continuing it.

    A token that follows the last generated token somewhere in the source gets
    the bonus twice, so spans are copied whole: with digits split into pieces,
    a bonus on single tokens alone would favour new numbers made of the
    source's digits as much as the source's own numbers.

    Args:
        input_ids: the encoder's input ids, one row per source text (padded).
        bias: the bonus, in log-probability units (nats).
        special_ids: ids never favoured (padding, end of sequence, unknown):
            favouring the end-of-sequence token would only shorten summaries.
    """

    def __init__(self, input_ids: torch.Tensor, bias: float, special_ids: Iterable[int]) -> None:
        special = set(special_ids)
        rows = input_ids.cpu().tolist()
        # Only ids up to the largest in the batch can be present: the bonus
        # table stops there and covers the first ``width`` scores.
        self.width = max(max(row) for row in rows) + 1
        self.bonus = torch.zeros(len(rows), self.width)
        self.follows: list[dict[int, list[int]]] = []
        for i, row in enumerate(rows):
            tokens = [t for t in row if t not in special]
            self.bonus[i, tokens] = bias
            follows: dict[int, set[int]] = {}
            for a, b in zip(tokens, tokens[1:], strict=False):
                follows.setdefault(a, set()).add(b)
            self.follows.append({a: sorted(b) for a, b in follows.items()})
        self.bias = bias

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        """``scores`` of every beam of every row, plus the row's bonuses.

        Generate flattens beams: rows ``b * beams`` to ``(b + 1) * beams - 1``
        belong to source ``b``; ``input_ids`` holds what each has generated.
        """
        if (self.bonus.device, self.bonus.dtype) != (scores.device, scores.dtype):
            self.bonus = self.bonus.to(device=scores.device, dtype=scores.dtype)
        beams = scores.shape[0] // self.bonus.shape[0]
        biased = scores.clone()
        biased[:, : self.width] += self.bonus.repeat_interleave(beams, dim=0)
        for row, last in enumerate(input_ids[:, -1].tolist()):
            continuing = self.follows[row // beams].get(last)
            if continuing:
                biased[row, continuing] += self.bias
        return biased
