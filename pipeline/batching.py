"""Model batches without padding, and document passes that fill them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any


def token_batches(lengths: list[int], max_tokens: int, max_size: int = 256) -> list[list[int]]:
    """Group input indices into batches of inputs of one length, within ``max_tokens``.

    A batch never mixes lengths, so it holds no padding: padding changes the
    shapes a model multiplies, and with them the rounding of its scores, so a
    sentence's translation would depend on its neighbours (with CTranslate2
    int8 about 1 score in 100 changed, and 1 translation in 1,000). Without
    padding each input comes out bit for bit as if it were alone, whatever
    else the run holds. Batches come longest first, so parallel workers end
    together; within a length, inputs keep their order.

    Args:
        lengths: token count of each input.
        max_tokens: most tokens in one batch (its length times its size); a
            longer input gets a batch of its own.
        max_size: most inputs in one batch.

    Returns:
        Lists of indices into ``lengths``; every index appears exactly once.
    """
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    for length, group in groupby(order, key=lambda i: lengths[i]):
        indices = list(group)
        size = max(1, min(max_size, max_tokens // max(length, 1)))
        batches.extend(indices[i : i + size] for i in range(0, len(indices), size))
    return batches


def document_passes(
    docs: Iterable[Any], *, min_docs: int, min_segments: int
) -> Iterator[list[Any]]:
    """Consecutive lists of documents for a model stage, in order.

    A pass closes once it holds ``min_docs`` documents and ``min_segments``
    segments, or ``max(min_docs, min_segments)`` documents (so documents
    without segments cannot pile up); the last pass holds what is left.

    A model stage translates one pass at a time. Documents of one sentence
    (sentence-level test sets, JSONL of short texts) would otherwise give
    passes of a few sentences, each a handful of tiny batches run one after
    the other; counting segments too keeps every pass large enough for full
    batches of equal length on every core, while documents with many
    segments still come ``min_docs`` at a time.

    Args:
        docs: documents, with their ``segments``.
        min_docs: documents a pass holds at least (``run.batch_docs``).
        min_segments: segments a pass holds at least (``run.batch_segments``).
    """
    current: list[Any] = []
    segments = 0
    for doc in docs:
        current.append(doc)
        segments += len(doc.segments)
        full = len(current) >= min_docs and segments >= min_segments
        if full or len(current) >= max(min_docs, min_segments):
            yield current
            current, segments = [], 0
    if current:
        yield current
