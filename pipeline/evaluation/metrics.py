"""Scores and sanity checks: BLEU, chrF++, ROUGE and degenerate-output detectors.

BLEU and chrF++ come from sacrebleu with its default settings, so numbers are
comparable with published ones; each result carries sacrebleu's signature.
ROUGE uses rouge-score with a Unicode tokenizer: its default tokenizer
replaces everything outside ``[a-z0-9]`` with spaces, so "đường" becomes "ng"
and Vietnamese ROUGE would be meaningless.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from importlib.metadata import version
from typing import Any

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
# Letters and digits of any script; "_" is a word character in Python but not a letter.
_WORD = re.compile(r"[^\W_]+")

# Degenerate-output thresholds.
LOOP_MAX_NGRAM = 4  # n-grams of 1..4 tokens ...
LOOP_MIN_REPEATS = 4  # ... repeated this many times in a row are a loop
DOMINANT_SHARE = 0.5  # one token making up more than half the output
DOMINANT_MIN_TOKENS = 4  # (only outputs at least this long: "yes yes" is not a loop)
VIETNAMESE_SHARE = 0.5  # more than half the words carry Vietnamese diacritics ...
VIETNAMESE_MIN_WORDS = 3  # ... in an output of at least this many words
# Combining marks of Vietnamese after NFD: grave, acute, circumflex, tilde,
# breve, hook above, horn, dot below.
_VIETNAMESE_MARKS = frozenset("\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323")

FLAG_EMPTY = "empty"
FLAG_REPETITION = "repetition"
FLAG_UNTRANSLATED = "untranslated"
DEGENERATE_FLAGS = (FLAG_EMPTY, FLAG_REPETITION, FLAG_UNTRANSLATED)


def translation_scores(hypotheses: Sequence[str], references: Sequence[str]) -> dict[str, Any]:
    """Corpus BLEU and chrF++ of aligned hypothesis/reference strings.

    Args:
        hypotheses: one output per scored unit.
        references: one reference per scored unit, in the same order.

    Returns:
        ``{"bleu", "chrf", "bleu_signature", "chrf_signature"}``; scores are
        0–100, or None when there is nothing to score.
    """
    from sacrebleu.metrics import BLEU, CHRF

    bleu, chrf = BLEU(), CHRF(word_order=2)
    scores: dict[str, Any] = {"bleu": None, "chrf": None}
    if hypotheses:
        refs = [list(references)]
        scores["bleu"] = round(bleu.corpus_score(list(hypotheses), refs).score, 2)
        scores["chrf"] = round(chrf.corpus_score(list(hypotheses), refs).score, 2)
    else:
        # sacrebleu learns the reference count from a scored corpus and cannot
        # sign without it; score a placeholder so the signature is still given.
        bleu.corpus_score([""], [[""]])
        chrf.corpus_score([""], [[""]])
    scores["bleu_signature"] = str(bleu.get_signature())
    scores["chrf_signature"] = str(chrf.get_signature())
    return scores


def tokenize(text: str) -> list[str]:
    """Lower-cased runs of Unicode letters and digits, after NFC.

    NFC first, so a decomposed "ư" + tone mark stays one word.
    """
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


class UnicodeTokenizer:
    """The ``tokenize`` interface rouge-score expects, backed by :func:`tokenize`."""

    def tokenize(self, text: str) -> list[str]:
        return tokenize(text)


def rouge_signature() -> str:
    """How ROUGE was computed, in sacrebleu's signature style."""
    return f"rouge-score:{version('rouge-score')}|tok:unicode-lower|stem:no|f1"


def rouge_pair(prediction: str, reference: str) -> dict[str, float]:
    """ROUGE-1/2/L F1 of one prediction against one reference, 0–100."""
    from rouge_score.rouge_scorer import RougeScorer

    scorer = RougeScorer(list(ROUGE_TYPES), tokenizer=UnicodeTokenizer())
    scores = scorer.score(reference, prediction)
    return {name: round(100 * scores[name].fmeasure, 2) for name in ROUGE_TYPES}


def mean_rouge(per_document: Sequence[dict[str, float]]) -> dict[str, float | None]:
    """The mean of each ROUGE F1 over documents; None when there are none."""
    return {
        name: round(sum(s[name] for s in per_document) / len(per_document), 2)
        if per_document
        else None
        for name in ROUGE_TYPES
    }


def degenerate_flags(source: str, output: str | None) -> list[str]:
    """Which of ``empty``, ``repetition``, ``untranslated`` apply to one output.

    Args:
        source: the Vietnamese segment.
        output: its translation (None counts as empty).
    """
    if output is None or not output.strip():
        return [FLAG_EMPTY]
    flags = []
    if is_repetitive(tokenize(output)):
        flags.append(FLAG_REPETITION)
    if is_untranslated(source, output):
        flags.append(FLAG_UNTRANSLATED)
    return flags


def is_repetitive(tokens: Sequence[str]) -> bool:
    """An n-gram (n ≤ 4) repeated ≥ 4 times in a row, or one token over half the output."""
    if len(tokens) >= DOMINANT_MIN_TOKENS:
        _, top = Counter(tokens).most_common(1)[0]
        if top / len(tokens) > DOMINANT_SHARE:
            return True
    for n in range(1, LOOP_MAX_NGRAM + 1):
        span = n * LOOP_MIN_REPEATS
        for i in range(len(tokens) - span + 1):
            gram = tokens[i : i + n]
            if all(tokens[i + k * n : i + (k + 1) * n] == gram for k in range(1, LOOP_MIN_REPEATS)):
                return True
    return False


def is_untranslated(source: str, output: str) -> bool:
    """The output repeats the source, or most of its words are Vietnamese."""
    if _squash(output) == _squash(source):
        return True
    words = unicodedata.normalize("NFC", output).split()
    if len(words) < VIETNAMESE_MIN_WORDS:
        return False
    vietnamese = sum(_has_vietnamese_marks(w) for w in words)
    return vietnamese / len(words) > VIETNAMESE_SHARE


def _has_vietnamese_marks(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "đ" in decomposed or any(c in _VIETNAMESE_MARKS for c in decomposed)


def _squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
