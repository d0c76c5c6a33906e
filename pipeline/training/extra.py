"""The smaller parallel sets of ``data/mt/extra`` and the corpus filter applied to all pairs.

Each extra file is English TAB Vietnamese. Web copy carries Fluent
placeables, and the textbook Markdown and math: brand names are spelled out,
and lines that keep markup are dropped rather than taught to the model.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from pipeline.quality.numbers import check_numbers
from pipeline.text.segment import split_sentences
from pipeline.training.data import Pair, nfc, read_lines

_BRAND = re.compile(r"\{\s*-brand-name-([a-z0-9-]+)\s*\}")
_MARKUP = re.compile(r"[{}<>$`|\\]|:label:|:numref:|:eqref:|^\s*[-*]\s|\[.*\]\(")
_SHORT_WORDS = {"ios": "iOS", "vpn": "VPN", "os": "OS", "pdf": "PDF", "mac": "Mac"}
# Letters only Vietnamese uses (tone and vowel marks, đ): their share tells the languages apart.
_VI_LETTERS = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")


def _brand(match: re.Match[str]) -> str:
    words = match.group(1).split("-")
    return " ".join(_SHORT_WORDS.get(w, w.capitalize()) for w in words if w != "short")


def read_extra(path: Path) -> list[Pair]:
    """Read an English TAB Vietnamese file into (vi, en) pairs, markup lines dropped.

    Paragraph pairs (lines of several sentences) are split into sentence pairs
    when both sides have the same number of sentences, and dropped otherwise.
    """
    pairs: list[Pair] = []
    for line in read_lines(path):
        en, _, vi = line.partition("\t")
        en, vi = nfc(_BRAND.sub(_brand, en)), nfc(_BRAND.sub(_brand, vi))
        en, vi = en.lstrip("# ").strip(), vi.lstrip("# ").strip()
        if not en or not vi or _MARKUP.search(en) or _MARKUP.search(vi):
            continue
        en_parts = [en[s:e] for s, e in split_sentences(en)]
        vi_parts = [vi[s:e] for s, e in split_sentences(vi)]
        if len(en_parts) == 1 or len(vi_parts) == 1:
            pairs.append((vi, en))
        elif len(en_parts) == len(vi_parts):
            pairs.extend(zip(vi_parts, en_parts, strict=True))
    return pairs


def drop_reason(vi: str, en: str) -> str | None:
    """Why a training pair should be dropped, or ``None`` to keep it.

    Reasons: ``same`` (untranslated sentence), ``language`` (the English side is
    Vietnamese, or the Vietnamese side has no Vietnamese letters in a long
    sentence), ``length`` (absurd length ratio) and ``numbers`` (a number,
    date or amount of the Vietnamese that the English does not state, as the
    ``num_mismatch`` filter of OpusCleaner).
    """
    if vi.casefold() == en.casefold() and len(vi.split()) >= 4:
        return "same"  # a short one is a name or term that English writes the same way
    en_letters = sum(c.isalpha() for c in en) or 1
    if len(_VI_LETTERS.findall(en.lower())) > 0.05 * en_letters:
        return "language"
    if len(vi.split()) >= 6 and not _VI_LETTERS.search(vi.lower()):
        return "language"
    if min(len(vi), len(en)) >= 20 and not 0.4 <= len(en) / len(vi) <= 2.5:
        return "length"
    if any(item.kind != "name" for item in check_numbers(vi, en)):
        return "numbers"
    return None


def clean_pairs(pairs: list[Pair], counts: Counter) -> list[Pair]:
    """Keep the pairs :func:`drop_reason` accepts; count the others by reason in ``counts``."""
    kept = []
    for vi, en in pairs:
        reason = drop_reason(vi, en)
        if reason is None:
            kept.append((vi, en))
        else:
            counts[reason] += 1
    return kept
