"""Read the shared vi-en corpora into clean (vi, en) pairs and split them.

EVBNews is held out by whole document so that no validation or test
sentence has a neighbour from the same article in training.
"""

from __future__ import annotations

import logging
import random
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.protect.placeholders import BACK_TRANSLATION_TAG
from pipeline.training.detok import detokenize, unescape_iwslt
from pipeline.training.settings import DevSet, TranslationData

logger = logging.getLogger(__name__)

# CJK ideographs (incl. extensions) mark Chữ Nôm entries of the Wiktionary list.
CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")

Pair = tuple[str, str]

# The held-out EVBNews documents, named as in reports and model cards.
TEST_SET = "evbnews_test"


@dataclass
class ParallelSplits:
    """Training pairs plus held-out sets, each a list of (vi, en)."""

    train: list[Pair]
    valid: list[Pair]
    test: list[Pair]
    dev: dict[str, list[Pair]] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)

    def held_out(self) -> dict[str, list[Pair]]:
        """The sets a trained model is scored on: the EVBNews test documents, then the dev sets."""
        return {TEST_SET: self.test, **self.dev}


def read_lines(path: Path) -> list[str]:
    """Read a text file as lines, keeping alignment (only ``\\n`` ends a line)."""
    with open(path, encoding="utf-8", newline="\n") as f:
        return [line.rstrip("\n").rstrip("\r") for line in f]


def nfc(text: str) -> str:
    """NFC-normalize and trim; Vietnamese diacritics come in both forms in the wild."""
    return unicodedata.normalize("NFC", text).strip()


def read_evbnews(prefix: Path) -> dict[str, list[Pair]]:
    """Read EVBNews into detokenized pairs grouped by document id, in file order."""
    vi = read_lines(prefix.with_name(prefix.name + ".vi"))
    en = read_lines(prefix.with_name(prefix.name + ".en"))
    ids = read_lines(prefix.with_name(prefix.name + ".ids"))
    if not len(vi) == len(en) == len(ids):
        raise ValueError(
            f"{prefix}: .vi/.en/.ids differ in length ({len(vi)}/{len(en)}/{len(ids)})"
        )
    docs: dict[str, list[Pair]] = {}
    for v, e, i in zip(vi, en, ids, strict=True):
        pair = (detokenize(v), detokenize(e))
        if all(pair):
            docs.setdefault(i.split("\t")[0], []).append(pair)
    return docs


def read_manythings(prefix: Path) -> list[Pair]:
    """Read the manythings/Tatoeba pairs (already natural text)."""
    vi = read_lines(prefix.with_name(prefix.name + ".vie"))
    en = read_lines(prefix.with_name(prefix.name + ".eng"))
    return [(nfc(v), nfc(e)) for v, e in zip(vi, en, strict=True) if v.strip() and e.strip()]


def read_wiktionary(path: Path) -> list[Pair]:
    """Read the English TAB Vietnamese word list, skipping Chữ Nôm (CJK) entries."""
    pairs = []
    for line in read_lines(path):
        en, _, vi = line.partition("\t")
        vi, en = nfc(vi), nfc(en)
        if vi and en and not CJK.search(vi) and not CJK.search(en):
            pairs.append((vi, en))
    return pairs


def read_dev_set(dev: DevSet) -> list[Pair]:
    """Read a vi->en dev set (Vietnamese is the source), undoing IWSLT preprocessing."""
    clean = unescape_iwslt if dev.format == "iwslt" else nfc
    vi = read_lines(dev.prefix.with_name(dev.prefix.name + ".vi"))
    en = read_lines(dev.prefix.with_name(dev.prefix.name + ".en"))
    return [(clean(v), clean(e)) for v, e in zip(vi, en, strict=True)]


def read_synthetic(path: Path) -> list[Pair]:
    """Read a back-translation file: Vietnamese (machine output) TAB English, one pair a line."""
    pairs = []
    for line in read_lines(path):
        vi, sep, en = line.partition("\t")
        if sep and vi.strip() and en.strip():
            pairs.append((nfc(vi), nfc(en)))
    return pairs


def split_documents(
    docs: dict[str, list[Pair]], n_valid: int, n_test: int, seed: int
) -> tuple[list[Pair], list[Pair], list[Pair]]:
    """Split whole documents into train/valid/test, deterministically for a seed."""
    ids = sorted(docs)
    if n_valid + n_test >= len(ids):
        raise ValueError(f"cannot hold out {n_valid}+{n_test} of {len(ids)} documents")
    random.Random(seed).shuffle(ids)
    held_valid, held_test = ids[:n_valid], ids[n_valid : n_valid + n_test]
    rest = ids[n_valid + n_test :]

    def flat(chosen: list[str]) -> list[Pair]:
        return [pair for doc in sorted(chosen) for pair in docs[doc]]

    return flat(rest), flat(held_valid), flat(held_test)


def load_parallel(data: TranslationData, seed: int) -> ParallelSplits:
    """Build the training, validation, test and dev sets from the config.

    Args:
        data: the ``data`` section of the translation config.
        seed: decides which EVBNews documents are held out.

    Returns:
        The splits, with per-source training pair counts in ``sources``.
    """
    docs = read_evbnews(data.evbnews)
    train, valid, test = split_documents(docs, data.valid_docs, data.test_docs, seed)
    sources = {"evbnews": len(train)}
    if data.manythings:
        extra = read_manythings(data.manythings)
        sources["manythings"] = len(extra)
        train += extra
    if data.wiktionary:
        extra = read_wiktionary(data.wiktionary)
        sources["wiktionary"] = len(extra)
        train += extra
    # extra.py reads with this module's helpers, so it is imported here, not at the top.
    from pipeline.training.extra import clean_pairs, read_extra

    for path in data.extra:
        extra = read_extra(path)
        sources[path.stem] = len(extra)
        train += extra
    for path in data.synthetic:
        extra = [(f"{BACK_TRANSLATION_TAG} {vi}", en) for vi, en in read_synthetic(path)]
        sources["synthetic"] = sources.get("synthetic", 0) + len(extra)
        train += extra
    if data.clean:
        dropped: Counter = Counter()
        train = clean_pairs(train, dropped)
        valid = clean_pairs(valid, Counter())
        sources.update({f"dropped_{reason}": n for reason, n in sorted(dropped.items())})
    dev = {name: read_dev_set(d) for name, d in data.dev_sets.items()}
    logger.info("parallel data: %s train, %d valid, %d test", sources, len(valid), len(test))
    return ParallelSplits(train, valid, test, dev, sources)
