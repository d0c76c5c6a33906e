"""Token-budget batches over length-sorted inputs."""

from __future__ import annotations


def token_batches(lengths: list[int], max_tokens: int, max_size: int = 256) -> list[list[int]]:
    """Group input indices into batches whose padded size fits ``max_tokens``.

    Inputs are sorted longest first, so each batch holds similar lengths and
    padding is small; the padded size of a batch is its longest input times its
    number of inputs. An input longer than the budget gets a batch of its own.

    Returns:
        Lists of indices into ``lengths``; every index appears exactly once.
    """
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for index in order:
        longest_if_added = max(longest, lengths[index])
        if current and (
            longest_if_added * (len(current) + 1) > max_tokens or len(current) >= max_size
        ):
            batches.append(current)
            current, longest_if_added = [], lengths[index]
        current.append(index)
        longest = longest_if_added
    if current:
        batches.append(current)
    return batches
