"""Fit text to a model's input limit without ever truncating it.

``split_to_fit`` cuts one over-long sentence at clause boundaries (then at
spaces, then anywhere) into parts that each fit; ``group_to_fit`` packs whole
sentences into chunks for summarizing long documents.
"""

from __future__ import annotations

from collections.abc import Callable

# Clause boundaries, strongest first; the separator stays with the left part.
CLAUSE_SEPARATORS = ("; ", ": ", " – ", " — ", " - ", ", ")

CountFn = Callable[[list[str]], list[int]]


def split_to_fit(text: str, count: CountFn, limit: int) -> list[str]:
    """Split ``text`` into consecutive parts of at most ``limit`` tokens each.

    The parts joined with single spaces give back ``text`` (up to the
    whitespace at the cut points).

    Args:
        text: one sentence.
        count: returns token counts for a list of texts.
        limit: the largest token count a part may have.
    """
    if count([text])[0] <= limit:
        return [text]
    left, right = _cut(text)
    if not left or not right:
        return [text]  # a single character cannot be cut further
    return split_to_fit(left, count, limit) + split_to_fit(right, count, limit)


def _cut(text: str) -> tuple[str, str]:
    """Cut near the middle, at the strongest boundary available."""
    middle = len(text) // 2
    for separator in CLAUSE_SEPARATORS:
        positions = _positions(text, separator)
        if positions:
            best = min(positions, key=lambda p: abs(p - middle))
            cut = best + len(separator.rstrip())
            return text[:cut].strip(), text[cut:].strip()
    spaces = _positions(text, " ")
    if spaces:
        best = min(spaces, key=lambda p: abs(p - middle))
        return text[:best].strip(), text[best:].strip()
    return text[:middle], text[middle:]


def _positions(text: str, needle: str) -> list[int]:
    found, start = [], text.find(needle)
    while start > 0:
        found.append(start)
        start = text.find(needle, start + 1)
    return found


def group_to_fit(counts: list[int], limit: int) -> list[list[int]]:
    """Pack consecutive items (by index) into groups whose counts sum to at most ``limit``.

    An item larger than ``limit`` gets a group of its own; the caller splits it.
    """
    groups: list[list[int]] = []
    current: list[int] = []
    total = 0
    for index, n in enumerate(counts):
        if current and total + n > limit:
            groups.append(current)
            current, total = [], 0
        current.append(index)
        total += n
    if current:
        groups.append(current)
    return groups
