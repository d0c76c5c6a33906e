"""Match the pipeline's segments to reference sentences through character spans.

The pipeline segments the text itself, so its sentences need not be the
reference ones. Both are mapped to ``(start, end)`` spans of the document text
the pipeline wrote, and overlapping spans are joined into minimal common
groups: a reference sentence the pipeline split in two, or two references it
kept together, form one group. Groups are the unit that BLEU and chrF++ score.
Reference sentences without English (summary-only sets) still place the
boundaries; a group holding one is not translation-scored, nor is any group of
a document with no English at all, so a missing reference never scores as 0.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.evaluation.boundaries import (
    BoundaryScore,
    Span,
    boundary_counts,
    inner_boundaries,
)

# Characters the normalize stage may drop or rewrite; they are skipped when
# reference sentences are looked up in the normalized text.
_SKIPPED_CATEGORIES = ("Cc", "Cf", "Cs", "Zs", "Zl", "Zp")


@dataclass(frozen=True)
class Group:
    """Indices of the reference sentences and pipeline segments whose spans overlap."""

    refs: tuple[int, ...]
    hyps: tuple[int, ...]

    @property
    def one_to_one(self) -> bool:
        return len(self.refs) == 1 and len(self.hyps) == 1


@dataclass
class Alignment:
    """One document's groups; the joined hypothesis and reference text of those translation-scored.

    ``hypotheses`` and ``references`` follow ``groups`` where every reference
    sentence has English (all groups then); groups with a reference sentence
    lacking English, and every group of a document without English, are left out.
    """

    groups: list[Group]
    hypotheses: list[str]
    references: list[str]
    boundaries: BoundaryScore
    unlocated: int = 0

    @property
    def one_to_one(self) -> int:
        return sum(g.one_to_one for g in self.groups)

    @property
    def unmatched_references(self) -> int:
        """References overlapping no segment, e.g. in a paragraph removed as residue."""
        return sum(len(g.refs) for g in self.groups if not g.hyps)


def group_spans(ref_spans: Sequence[Span], hyp_spans: Sequence[Span]) -> list[Group]:
    """Join reference and hypothesis spans into minimal groups of overlapping spans.

    Spans on one side do not overlap each other, so the union of overlapping
    spans is found in one sweep in text order. Touching spans (one ends where
    the next starts) do not overlap.

    Args:
        ref_spans: reference sentence spans, in text order.
        hyp_spans: pipeline segment spans, in text order.

    Returns:
        Groups in text order; every index of either side is in exactly one group.
    """
    items = sorted(
        [(s, e, 0, i) for i, (s, e) in enumerate(ref_spans)]
        + [(s, e, 1, j) for j, (s, e) in enumerate(hyp_spans)]
    )
    groups: list[tuple[list[int], list[int]]] = []
    group_end = -1
    for start, end, side, index in items:
        if not groups or start >= group_end:
            groups.append(([], []))
            group_end = end
        group_end = max(group_end, end)
        groups[-1][side].append(index)
    return [Group(tuple(refs), tuple(hyps)) for refs, hyps in groups]


def locate_sentences(text: str, sentences: Sequence[str]) -> tuple[list[Span], int]:
    """Find consecutive ``sentences`` in ``text``, which may have been normalized since.

    Both sides are compared without whitespace, control characters, case and
    diacritics (so spacing fixes, NFC and tone-mark style do not matter). A
    sentence not found where expected is searched further on. One not found at
    all is counted and given the characters up to where the next sentence is
    found (none if the next one follows at once), or, if that one is missing
    too, as many characters as it has.

    Returns:
        One span per sentence, edges on non-space characters, and how many
        sentences were not found.
    """
    keys, offsets = _skeleton(text)
    wanted = [_skeleton(unicodedata.normalize("NFC", s))[0] for s in sentences]
    spans: list[Span] = []
    cursor = unlocated = 0
    for index, key in enumerate(wanted):
        found = cursor if keys.startswith(key, cursor) else keys.find(key, cursor)
        if found >= 0 and key:
            stop = found + len(key)
        else:
            unlocated += bool(key)
            found = cursor
            following = wanted[index + 1] if index + 1 < len(wanted) else ""
            after = keys.find(following, cursor) if following else -1
            stop = after if after >= 0 else min(cursor + len(key), len(keys))
        spans.append(_span(offsets, found, stop, len(text)))
        cursor = stop
    return spans, unlocated


def align_document(
    text: str,
    references: Sequence[tuple[str, str | None]],
    segments: Sequence[tuple[int, int, str]],
) -> Alignment:
    """Align a document's reference pairs with the segments the pipeline produced.

    Args:
        text: the document text the pipeline wrote (normalized).
        references: ``(vi, en)`` reference pairs in reading order; ``en`` None: no
            reference translation.
        segments: ``(start, end, en)`` of each pipeline segment, in reading order.

    Returns:
        Groups with the hypothesis (segments' English joined by spaces) and the
        reference (references' English joined by spaces) of each translation-scored group.
    """
    ref_spans, unlocated = locate_sentences(text, [vi for vi, _ in references])
    hyp_spans = [(start, end) for start, end, _ in segments]
    groups = group_spans(ref_spans, hyp_spans)
    english = any(en is not None for _, en in references)
    scored = [g for g in groups if english and all(references[i][1] is not None for i in g.refs)]
    return Alignment(
        groups=groups,
        hypotheses=[_join(segments[j][2] for j in g.hyps) for g in scored],
        references=[_join(references[i][1] for i in g.refs) for g in scored],
        boundaries=boundary_counts(
            inner_boundaries(text, ref_spans), inner_boundaries(text, hyp_spans)
        ),
        unlocated=unlocated,
    )


def _span(offsets: list[int], start: int, stop: int, length: int) -> Span:
    """The text span of skeleton positions ``start:stop`` (empty: where ``start`` is)."""
    if stop > start:
        return offsets[start], offsets[stop - 1] + 1
    at = offsets[start] if start < len(offsets) else length
    return at, at


def _skeleton(text: str) -> tuple[str, list[int]]:
    """One folded character per kept character of ``text``, and its offset in ``text``."""
    keys, offsets = [], []
    for offset, char in enumerate(text):
        key = _key(char)
        if key:
            keys.append(key)
            offsets.append(offset)
    return "".join(keys), offsets


@functools.cache
def _key(char: str) -> str:
    """``_fold(char)``, or "" for a character the skeleton skips; cached, as texts repeat
    few distinct characters (uncached, a quarter of ``vien eval``'s scoring time)."""
    if char.isspace() or unicodedata.category(char) in _SKIPPED_CATEGORIES:
        return ""
    return _fold(char)


def _fold(char: str) -> str:
    """The base letter, lower-cased: "Ồ" and "ồ" and "o" are the same key; "đ" is "d"."""
    base = unicodedata.normalize("NFD", char)[0].lower()[0]
    return "d" if base == "đ" else base


def _join(parts: Iterable[str | None]) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())
