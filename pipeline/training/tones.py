"""Count the syllable trigram model that restores tone marks (``vien train tones``).

The training text is VietNews: its marked sentences are the targets, and the
runtime sees their unmarked form only through ``strip_marks``, so no pairs
need building. Counting runs on numpy arrays of packed ids, which keeps 60,000
articles (about 38 million tokens) within a few CPU-minutes and ~2 GB of memory.
"""

from __future__ import annotations

import json
import logging
import time
from array import array
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import Field

from pipeline.config import load_settings
from pipeline.settings import Section
from pipeline.text.tone_model import (
    BOS,
    CONFIG_FILE,
    EOS,
    FORMAT,
    MODEL_FILE,
    SPECIAL,
    TOKEN,
    UNK,
    quantize,
    token_form,
)
from pipeline.text.tones import to_new_style
from pipeline.training.vietnews import read_vietnews

logger = logging.getLogger(__name__)

MAX_VOCAB = 65_535  # ids are packed 16 bits per word
_SHIFT = np.uint64(16)


class ToneData(Section):
    """Where the marked training text comes from."""

    train: Path = Field(description="VietNews training jsonl.xz (title, body and abstract).")
    max_articles: int | None = Field(None, ge=1, description="Read only the first N articles.")


class ToneModelSettings(Section):
    """Pruning and storage of the counted model."""

    min_count: int = Field(3, ge=1, description="Words seen fewer times are unknown to the model.")
    min_trigram_count: int = Field(1, ge=1, description="Rarer trigrams are dropped.")
    backoff: float = Field(0.2, gt=0, lt=1, description="Stupid-backoff weight per order.")
    logp_scale: float = Field(
        12.0, gt=0, description="Log-probabilities are stored as one byte: round(-logp * scale)."
    )


class ToneTrainingConfig(Section):
    """``configs/train-tones.yaml``."""

    output_dir: Path = Field(description="Model folder to write (tones.npz, config.json).")
    data: ToneData
    model: ToneModelSettings = Field(default_factory=ToneModelSettings)


def training_lines(path: Path, limit: int | None) -> Iterable[str]:
    """Title, body sentences and abstract of each article, in the new tone style (hoà).

    VietNews mostly writes "hoà, thuỷ": converting the rest keeps the counts
    of one word from being split between its two spellings.
    """
    for article in read_vietnews(path, limit):
        for line in (article.title, *article.body, article.summary):
            yield to_new_style(line)


def encode_lines(lines: Iterable[str]) -> tuple[np.ndarray, list[str], Counter[str]]:
    """Tokenize lines into one id stream, ``BOS BOS tokens... EOS`` per line.

    Returns:
        The ids (by first appearance), the forms by id, and each form's count.
    """
    first_ids: dict[str, int] = {}
    stream = array("I")
    for line in lines:
        stream.extend((BOS, BOS))
        for word in TOKEN.findall(line):
            form = "<num>" if word[0].isdigit() else token_form(word)
            stream.append(first_ids.setdefault(form, len(first_ids) + len(SPECIAL)))
        stream.append(EOS)
    ids = np.frombuffer(stream, dtype=np.uint32)
    forms = list(SPECIAL) + list(first_ids)
    counts = np.bincount(ids, minlength=len(forms))
    return ids, forms, Counter(dict(zip(forms, counts.tolist(), strict=True)))


def build_vocabulary(counts: Counter[str], min_count: int) -> list[str]:
    """Special tokens, then the forms seen ``min_count`` times or more, most frequent first."""
    kept = [w for w, n in counts.most_common() if n >= min_count and w not in SPECIAL]
    return list(SPECIAL) + kept[: MAX_VOCAB - len(SPECIAL)]


def count_model(
    ids: np.ndarray, forms: list[str], vocab: list[str], settings: ToneModelSettings
) -> dict[str, np.ndarray]:
    """Count unigrams, bigrams and trigrams and return the arrays of ``tones.npz``.

    Args:
        ids: the token stream from :func:`encode_lines`.
        forms: the forms of those ids.
        vocab: the kept forms; other ids become ``<unk>``.
        settings: pruning and storage settings.

    Returns:
        Arrays named as :meth:`pipeline.text.tone_model.ToneModel.load` reads them.
    """
    index = {w: i for i, w in enumerate(vocab)}
    remap = np.array([index.get(f, UNK) for f in forms], dtype=np.uint64)
    seq = remap[ids]
    unigram = np.bincount(seq.astype(np.int64), minlength=len(vocab)).astype(np.float64)
    bigram_keys, bigram_counts = np.unique((seq[:-1] << _SHIFT) | seq[1:], return_counts=True)
    trigrams = (seq[:-2] << np.uint64(32)) | (seq[1:-1] << _SHIFT) | seq[2:]
    del seq
    trigram_keys, trigram_counts = np.unique(trigrams, return_counts=True)
    del trigrams
    keep = trigram_counts >= settings.min_trigram_count
    trigram_keys, trigram_counts = trigram_keys[keep], trigram_counts[keep]
    prefix = np.searchsorted(bigram_keys, trigram_keys >> _SHIFT)
    first = (bigram_keys >> _SHIFT).astype(np.int64)
    scale = settings.logp_scale
    return {
        "vocab": np.array(vocab),
        "unigram_q": quantize(np.log(np.maximum(unigram, 0.5) / unigram.sum()), scale),
        "bigram_fanout": np.bincount(first, minlength=len(vocab)).astype(np.uint32),
        "bigram_last": (bigram_keys & np.uint64(0xFFFF)).astype(np.uint16),
        "bigram_q": quantize(np.log(bigram_counts / unigram[first]), scale),
        "trigram_fanout": np.bincount(prefix, minlength=len(bigram_keys)).astype(np.uint32),
        "trigram_last": (trigram_keys & np.uint64(0xFFFF)).astype(np.uint16),
        "trigram_q": quantize(np.log(trigram_counts / bigram_counts[prefix]), scale),
    }


def save_model(arrays: dict[str, np.ndarray], settings: ToneModelSettings, folder: Path) -> int:
    """Write ``tones.npz`` and ``config.json``; return the model's size in bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(folder / MODEL_FILE, **arrays)
    config = {
        "format": FORMAT,
        "order": 3,
        "backoff": float(np.log(settings.backoff)),
        "logp_scale": settings.logp_scale,
        "tone_style": "new",
        "vocabulary": len(arrays["vocab"]),
        "bigrams": len(arrays["bigram_last"]),
        "trigrams": len(arrays["trigram_last"]),
    }
    (folder / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def train_tones(config_path: Path, *, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Count and save the tone-restoration model described by a config file.

    Args:
        config_path: a ``configs/train-tones.yaml`` file.
        overrides: dotted path -> value, applied before validation.

    Returns:
        The report (counts, pruning, size, minutes), also written to
        ``training_report.json`` in the model folder.

    Raises:
        ConfigError: the config is unreadable or invalid.
    """
    config = load_settings(config_path, ToneTrainingConfig, overrides)
    start = time.monotonic()
    ids, forms, counts = encode_lines(training_lines(config.data.train, config.data.max_articles))
    vocab = build_vocabulary(counts, config.model.min_count)
    logger.info("%d tokens, %d forms, %d kept", len(ids), len(forms), len(vocab))
    arrays = count_model(ids, forms, vocab, config.model)
    size = save_model(arrays, config.model, config.output_dir)
    report = {
        "data": str(config.data.train),
        "articles": config.data.max_articles or "all",
        "tokens": int(len(ids)),
        "forms_seen": len(forms) - len(SPECIAL),
        "vocabulary": len(vocab),
        "bigrams": int(len(arrays["bigram_last"])),
        "trigrams": int(len(arrays["trigram_last"])),
        "settings": config.model.model_dump(),
        "size_mb": round(size / 2**20, 2),
        "minutes": round((time.monotonic() - start) / 60, 2),
    }
    (config.output_dir / "training_report.json").write_text(
        json.dumps(report, indent=2) + "\n", encoding="utf-8"
    )
    return report
