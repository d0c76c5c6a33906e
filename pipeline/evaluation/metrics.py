r"""Scores: BLEU, chrF++ and ROUGE (degenerate outputs are ``pipeline.quality``'s job).

The one metrics module: ``vien eval``, the training reports and the
benchmarks all score here, so their numbers mean the same thing.

BLEU and chrF++ come from sacrebleu with its default settings, so numbers are
comparable with published ones; each result carries sacrebleu's signature.
ROUGE uses rouge-score with a Unicode tokenizer: its default tokenizer
replaces everything outside ``[a-z0-9]`` with spaces, so "đường" becomes "ng"
and Vietnamese ROUGE would be meaningless. Words are runs of letters and
digits (``[^\W_]+``), not ``\w+``: an underscore is no letter, so the
word-segmented ``đàn_ông`` of VietNews-style text scores as the two words
users write, as ``vien eval`` always counted it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from importlib.metadata import version
from typing import Any

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
# Letters and digits of any script; "_" is a word character in Python but not a letter.
_WORD = re.compile(r"[^\W_]+")


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


def rouge_scores(predictions: Sequence[str], references: Sequence[str]) -> dict[str, float | None]:
    """Mean ROUGE-1/2/L F1 over prediction/reference pairs, 0–100."""
    pairs = zip(predictions, references, strict=True)
    return mean_rouge([rouge_pair(prediction, reference) for prediction, reference in pairs])


def novel_bigram_share(summaries: Sequence[str], articles: Sequence[str]) -> float:
    """Share (%) of summary bigrams that are not in their article: how abstractive it is."""
    novel = total = 0
    for summary, article in zip(summaries, articles, strict=True):
        source = _bigrams(tokenize(article))
        words = tokenize(summary)
        bigrams = list(zip(words, words[1:], strict=False))
        novel += sum(bigram not in source for bigram in bigrams)
        total += len(bigrams)
    return round(100 * novel / max(total, 1), 2)


def unsupported_number_share(summaries: Sequence[str], articles: Sequence[str]) -> float:
    """Share (%) of summaries stating a number their article does not (the runtime's check)."""
    from pipeline.quality.faithful import unsupported_numbers

    bad = sum(
        bool(unsupported_numbers(article, summary))
        for summary, article in zip(summaries, articles, strict=True)
    )
    return round(100 * bad / max(len(summaries), 1), 2)


def summary_scores(
    summaries: Sequence[str], references: Sequence[str], articles: Sequence[str]
) -> dict[str, Any]:
    """ROUGE against the references, plus how abstractive and how faithful the summaries are."""
    return {
        **rouge_scores(summaries, references),
        "novel_bigrams_pct": novel_bigram_share(summaries, articles),
        "unsupported_numbers_pct": unsupported_number_share(summaries, articles),
        "articles": len(summaries),
    }


def _bigrams(words: list[str]) -> set[tuple[str, str]]:
    return set(zip(words, words[1:], strict=False))
