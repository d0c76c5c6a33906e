"""Put the tone marks back on Vietnamese typed without them.

Each unmarked syllable ("duong") could be any marked variant seen in training
("dương", "đường", "đương", ...). A syllable trigram model over marked text
scores every sequence of variants and Viterbi decoding picks the best one, so
the choice for each word uses the words on both sides of it. Counting trigrams
is minutes of CPU and decoding needs only numpy, which a neural tagger would
not offer (see ``models/vien-tones-vi/README.md`` for its accuracy).

The model is one ``.npz`` file of plain arrays (no pickle): the vocabulary,
and the unigram, bigram and trigram log-probabilities, each n-gram stored as
the id of its last word under its prefix (a compressed trie).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from pipeline.errors import ModelNotFoundError, VienError
from pipeline.text.tones import strip_marks, to_new_style

# Words, numbers (with their separators) and single other characters.
TOKEN = re.compile(r"[^\W\d_]+|\d+(?:[.,:/]\d+)*|\S")
SPECIAL = ("<pad>", "<s>", "</s>", "<unk>", "<num>")
BOS, EOS, UNK, NUM = 1, 2, 3, 4
FORMAT = "vien-tones/1"
MODEL_FILE = "tones.npz"
CONFIG_FILE = "config.json"
_SHIFT = np.uint64(16)


def token_form(word: str) -> str:
    """The form a word has in the model: capitalized words keep their capital.

    A capital is evidence for a name ("Hải" the name, "hai" two), so "Xxx"
    stays as it is; every other word, ALL-CAPS included, is lower-cased.
    """
    if word[:1].isupper() and word[1:].islower():
        return word
    return word.lower()


def token_id(form: str, index: dict[str, int]) -> int:
    """The vocabulary id of a token form: numbers share one id, unknown words another."""
    if form[:1].isdigit():
        return NUM
    return index.get(form, UNK)


def quantize(logp: np.ndarray, scale: float) -> np.ndarray:
    """Store a log-probability as ``round(-logp * scale)`` in one byte."""
    return np.clip(np.rint(-logp * scale), 0, 255).astype(np.uint8)


def child_keys(parents: np.ndarray, fanout: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Rebuild sorted n-gram keys ``parent << 16 | last`` from a compressed trie level."""
    parent = np.repeat(np.asarray(parents, dtype=np.uint64), fanout.astype(np.int64))
    return (parent << _SHIFT) | last.astype(np.uint64)


def _lookup(keys: np.ndarray, table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of ``keys`` in the sorted ``table`` and whether each is there."""
    if not len(table):
        return np.zeros(keys.shape, dtype=np.int64), np.zeros(keys.shape, dtype=bool)
    pos = np.minimum(np.searchsorted(table, keys), len(table) - 1)
    return pos, table[pos] == keys


@dataclass
class ToneModel:
    """A syllable trigram model over marked Vietnamese, with stupid backoff.

    Attributes:
        vocab: token forms by id; ids below ``len(SPECIAL)`` are special.
        unigram: log P(w) per id.
        bigram_keys, bigram_logp: sorted ``a << 16 | b`` and log P(b | a).
        trigram_keys, trigram_logp: sorted ``bigram_index << 16 | c`` and log P(c | a b).
        backoff: log-weight added per order backed off (Brants et al. 2007).
    """

    vocab: list[str]
    unigram: np.ndarray
    bigram_keys: np.ndarray
    bigram_logp: np.ndarray
    trigram_keys: np.ndarray
    trigram_logp: np.ndarray
    backoff: float

    def __post_init__(self) -> None:
        self.index = {w: i for i, w in enumerate(self.vocab)}
        variants: dict[str, list[int]] = {}
        for i, word in enumerate(self.vocab[len(SPECIAL) :], start=len(SPECIAL)):
            if word.isalpha() and len(strip_marks(word)) == len(word):
                variants.setdefault(strip_marks(word), []).append(i)
        self.variants = {k: tuple(v) for k, v in variants.items()}

    @classmethod
    def load(cls, path: str | Path) -> ToneModel:
        """Read a model folder written by ``vien train tones``.

        Raises:
            ModelNotFoundError: the folder or its files are missing.
            VienError: the files are not a vien tone model.
        """
        folder = Path(path)
        try:
            config = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
            arrays = np.load(folder / MODEL_FILE, allow_pickle=False)
        except FileNotFoundError as e:
            raise ModelNotFoundError(
                f"tone model not found in {folder}; rebuild it with `vien train tones` "
                "or set normalize.restore_tones=off"
            ) from e
        if config.get("format") != FORMAT:
            raise VienError(f"{folder}: not a {FORMAT} tone model")
        scale = float(config["logp_scale"])
        vocab = [str(w) for w in arrays["vocab"]]
        bigram_keys = child_keys(
            np.arange(len(vocab)), arrays["bigram_fanout"], arrays["bigram_last"]
        )
        trigram_keys = child_keys(
            np.arange(len(bigram_keys)), arrays["trigram_fanout"], arrays["trigram_last"]
        )
        return cls(
            vocab=vocab,
            unigram=-arrays["unigram_q"].astype(np.float64) / scale,
            bigram_keys=bigram_keys,
            bigram_logp=-arrays["bigram_q"].astype(np.float64) / scale,
            trigram_keys=trigram_keys,
            trigram_logp=-arrays["trigram_q"].astype(np.float64) / scale,
            backoff=float(config["backoff"]),
        )

    def candidates(self, word: str) -> tuple[int, ...]:
        """Ids of the marked variants of ``word``; one fixed id when it is not restorable."""
        form = token_form(word)
        if word.isalpha() and form.isascii():
            # A capital the model has not seen on this word (ALL CAPS, sentence
            # starts) falls back to its other case.
            for key in (form, word.lower(), word.capitalize()):
                if key in self.variants:
                    return self.variants[key]
        return (token_id(form, self.index),)

    def knows(self, word: str) -> bool:
        """True when ``word`` is the unmarked form of a word the model has seen."""
        return len(self.candidates(word)) > 1 or self._spell(word, self.candidates(word)[0]) != word

    def word_logp(self, word: str) -> float:
        """log P(word) as a unigram: how common a spelling is, for choosing between readings."""
        return float(self.unigram[token_id(self.spelling(word), self.index)])

    def has_spelling(self, word: str) -> bool:
        """True when the model counted ``word`` as written (either tone-mark placement)."""
        return self.spelling(word) in self.index

    @staticmethod
    def spelling(word: str) -> str:
        """``word`` as the model counted it: new-style tone marks ("hòa" is "hoà"), token form.

        ``vien train tones`` counts text in the new placement, so an old-style
        spelling would otherwise look unseen.
        """
        return token_form(to_new_style(word))

    def restore(self, text: str) -> str:
        """Return ``text`` with the marks restored on every word the model knows.

        Words already marked, numbers, punctuation and words the model has
        never seen (most foreign names and codes) are kept as they are, and so
        are spaces and case; the result has the length of ``text``.

        Args:
            text: one sentence or line, NFC.

        Returns:
            The restored text.
        """
        return self.restore_scored(text)[0]

    def restore_scored(self, text: str) -> tuple[str, float]:
        """Like :meth:`restore`, also returning the mean log-probability per token.

        The score tells Vietnamese (about -4 to -6) from other text forced
        into Vietnamese syllables (far lower).
        """
        matches = list(TOKEN.finditer(text))
        if not matches:
            return text, 0.0
        options = [self.candidates(m.group()) for m in matches]
        chosen, logp = self.decode(options)
        out, last = [], 0
        for match, ids, pick in zip(matches, options, chosen, strict=True):
            out.append(text[last : match.start()])
            out.append(self._spell(match.group(), ids[pick]))
            last = match.end()
        out.append(text[last:])
        return "".join(out), logp / (len(matches) + 1)

    def _spell(self, word: str, variant: int) -> str:
        """Write vocabulary form ``variant`` with the capitals of ``word``, if it is a variant."""
        form = self.vocab[variant]
        if len(form) != len(word) or strip_marks(form).lower() != word.lower():
            return word  # a fixed token: marked already, a number, unknown
        return "".join(
            v.upper() if w.isupper() else v.lower() for v, w in zip(form, word, strict=True)
        )

    def decode(self, options: list[tuple[int, ...]]) -> tuple[list[int], float]:
        """Viterbi over the variants at each position.

        The state is the pair (previous variant, current variant), so each
        step scores every (a, b, c) with the trigram, bigram or unigram
        log-probability, whichever is known first.

        Returns:
            The index chosen at each position and the best path's log-probability.
        """
        seq = [(BOS,), (BOS,), *options, (EOS,)]
        score = np.zeros((1, 1))
        back = []
        for i in range(2, len(seq)):
            a, b, c = (np.asarray(seq[j], dtype=np.uint64) for j in (i - 2, i - 1, i))
            total = score[:, :, None] + self._trigram_logp(a, b, c)
            back.append(total.argmax(axis=0))
            score = total.max(axis=0)
        chosen = [0] * len(seq)
        chosen[-2] = int(score[:, 0].argmax())
        for i in range(len(seq) - 1, 1, -1):
            chosen[i - 2] = int(back[i - 2][chosen[i - 1], chosen[i]])
        return chosen[2:-1], float(score[:, 0].max())

    def _trigram_logp(self, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
        """log P(c | a b) with stupid backoff, shape ``(len(a), len(b), len(c))``."""
        bigram = (b[:, None] << _SHIFT) | c[None, :]
        pos, hit = _lookup(bigram, self.bigram_keys)
        lower = np.where(
            hit, self.bigram_logp[pos], self.backoff + self.unigram[c.astype(np.int64)]
        )
        prefix, prefix_hit = _lookup((a[:, None] << _SHIFT) | b[None, :], self.bigram_keys)
        trigram = (prefix.astype(np.uint64)[:, :, None] << _SHIFT) | c[None, None, :]
        pos, hit = _lookup(trigram, self.trigram_keys)
        hit &= prefix_hit[:, :, None]
        return np.where(hit, self.trigram_logp[pos], self.backoff + lower[None, :, :])


@lru_cache(maxsize=4)
def load_tone_model(path: str) -> ToneModel:
    """Load a tone model once per process and path."""
    return ToneModel.load(path)
