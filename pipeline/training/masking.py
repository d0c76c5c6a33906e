"""Teach a model to copy placeholders: mask the spans that a training pair states on both sides.

Where the Vietnamese and English of a pair carry the same number, date, time,
amount or name (and, when asked, a glossary term and its English), both are
replaced by the same placeholder token (``｟1｠``), so the model learns to copy
the token to where English wants it. The pipeline later does the same to the
sentences it translates and puts the English rendering of each span back. It
protects glossary terms too, so a government sentence reaches the model with a
dozen tokens: some pairs are masked whole to show the model such sentences.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from pipeline.protect.glossary import Glossary
from pipeline.protect.names import ascii_fold
from pipeline.protect.placeholders import MAX_PLACEHOLDERS, placeholder
from pipeline.quality.english import english_spans
from pipeline.quality.numbers import find_spans

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Match:
    """A span of the Vietnamese and the span of the English that states the same thing."""

    vi: tuple[int, int]
    en: tuple[int, int]


def find_matches(vi: str, en: str, glossary: Glossary | None = None) -> list[Match]:
    """The spans both sides of a pair state, matched by value (numbers) or spelling (names).

    With ``glossary``, its terms come first, each matched by its English (any case).
    """
    en_spans = english_spans(en)
    used: set[int] = set()
    matches: list[Match] = []
    taken_vi: list[tuple[int, int]] = []
    for term in glossary.find(vi) if glossary is not None else []:
        found = _find_word(en, term.english, used, ignore_case=True)
        if found is not None:
            used.add(found[0])
            matches.append(Match((term.start, term.end), found))
            taken_vi.append((term.start, term.end))
    for span in find_spans(vi):
        if _overlaps(span.start, span.end, taken_vi):
            continue
        if len(span.items) != 1:
            continue  # "6/3/2024": a date and a year, written as one span in English
        item = span.items[0]
        found = None
        if item.kind == "name":
            found = _find_word(en, item.source, used)
        else:
            for start, end, values in en_spans:
                if start not in used and item.accepted & values:
                    found = (start, end)
                    break
        if found is not None:
            used.add(found[0])
            matches.append(Match((span.start, span.end), found))
            taken_vi.append((span.start, span.end))
    for start, end in capitalised_runs(vi):
        if _overlaps(start, end, taken_vi):
            continue
        name = vi[start:end]
        found = _find_word(en, name, used) or _find_word(en, ascii_fold(name), used)
        if found is not None:
            used.add(found[0])
            matches.append(Match((start, end), found))
    return sorted(matches, key=lambda m: m.vi)


def capitalised_runs(text: str) -> list[tuple[int, int]]:
    """Runs of two or more capitalised words joined by single spaces: "Nguyễn Văn Hòa"."""
    runs: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    for word in _WORD.finditer(text):
        capitalised = word.group()[0].isupper() and word.group()[1:].islower()
        if capitalised and run and text[run[-1][1] : word.start()] == " ":
            run.append(word.span())
            continue
        if len(run) >= 2:
            runs.append((run[0][0], run[-1][1]))
        run = [word.span()] if capitalised else []
    if len(run) >= 2:
        runs.append((run[0][0], run[-1][1]))
    return runs


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in taken)


def _find_word(
    text: str, word: str, used: set[int], *, ignore_case: bool = False
) -> tuple[int, int] | None:
    flags = re.IGNORECASE if ignore_case else 0
    for match in re.finditer(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", text, flags):
        if match.start() not in used:
            return match.start(), match.end()
    return None


class PairMasker:
    """Training pairs with placeholders drawn anew for each epoch (matches are found once).

    Args:
        pairs: (Vietnamese, English) training pairs.
        rate: the chance that each matched span is masked.
        seed: makes each epoch's draw reproducible.
        whole_rate: the chance that a pair has all its matched spans masked instead.
        glossary: match its terms too (see ``find_matches``).
    """

    def __init__(
        self,
        pairs: list[tuple[str, str]],
        rate: float,
        seed: int,
        *,
        whole_rate: float = 0.0,
        glossary: Glossary | None = None,
    ) -> None:
        self.pairs = pairs
        self.rate = rate
        self.whole_rate = whole_rate
        self.seed = seed
        self.matches = [find_matches(vi, en, glossary) for vi, en in pairs]

    def epoch(self, epoch: int) -> list[tuple[str, str]]:
        """The pairs of ``epoch``, each masked at ``rate`` or, at ``whole_rate``, whole."""
        rng = random.Random(self.seed * 7919 + epoch)
        out = []
        for (vi, en), matches in zip(self.pairs, self.matches, strict=True):
            whole = self.whole_rate > 0 and matches and rng.random() < self.whole_rate
            out.append(mask_pair(vi, en, matches, rng, 1.0 if whole else self.rate))
        return out


def mask_pair(
    vi: str, en: str, matches: list[Match], rng: random.Random, rate: float
) -> tuple[str, str]:
    """Replace each of ``matches``, with probability ``rate``, by a shared placeholder.

    Placeholders are numbered in Vietnamese order, as the pipeline numbers them.
    """
    chosen = [m for m in matches if rng.random() < rate][:MAX_PLACEHOLDERS]
    if not chosen:
        return vi, en
    tokens = {m: placeholder(i) for i, m in enumerate(chosen, 1)}
    return _replace(vi, [(m.vi, tokens[m]) for m in chosen]), _replace(
        en, [(m.en, tokens[m]) for m in chosen]
    )


def _replace(text: str, edits: list[tuple[tuple[int, int], str]]) -> str:
    for (start, end), token in sorted(edits, reverse=True):
        text = text[:start] + token + text[end:]
    return text
