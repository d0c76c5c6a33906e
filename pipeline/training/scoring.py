"""Scores written into the training reports and model cards.

BLEU and chrF++ use sacrebleu's defaults on detokenized text. ROUGE uses a
Vietnamese-aware tokenizer because rouge-score's default keeps only ASCII
letters and digits, which would drop most Vietnamese syllables.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

WORD = re.compile(r"\w+")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def translation_scores(hypotheses: Sequence[str], references: Sequence[str]) -> dict:
    """Corpus BLEU and chrF++ (``CHRF(word_order=2)``) with their sacrebleu signatures."""
    from sacrebleu.metrics import BLEU, CHRF

    bleu, chrf = BLEU(), CHRF(word_order=2)
    refs = [list(references)]
    return {
        "bleu": round(bleu.corpus_score(list(hypotheses), refs).score, 2),
        "chrf++": round(chrf.corpus_score(list(hypotheses), refs).score, 2),
        "sentences": len(hypotheses),
        "bleu_signature": str(bleu.get_signature()),
        "chrf_signature": str(chrf.get_signature()),
    }


class VietnameseTokenizer:
    """Lower-cased Unicode word tokens; the ``tokenize`` interface rouge-score expects."""

    def tokenize(self, text: str) -> list[str]:
        """Split NFC-normalized, lower-cased text into runs of letters and digits."""
        return WORD.findall(unicodedata.normalize("NFC", text).lower())


def rouge_scores(predictions: Sequence[str], references: Sequence[str]) -> dict:
    """Mean ROUGE-1/2/L F1 (x100) over pairs, without stemming."""
    from rouge_score import rouge_scorer

    names = ["rouge1", "rouge2", "rougeL"]
    scorer = rouge_scorer.RougeScorer(names, tokenizer=VietnameseTokenizer())
    totals = dict.fromkeys(names, 0.0)
    for pred, ref in zip(predictions, references, strict=True):
        for name, score in scorer.score(ref, pred).items():
            totals[name] += score.fmeasure
    n = max(len(predictions), 1)
    return {name: round(100 * total / n, 2) for name, total in totals.items()}


def novel_bigram_share(summaries: Sequence[str], articles: Sequence[str]) -> float:
    """Share (%) of summary bigrams that do not occur in their article: how abstractive it is."""
    tokenizer = VietnameseTokenizer()
    novel = total = 0
    for summary, article in zip(summaries, articles, strict=True):
        words = tokenizer.tokenize(summary)
        source = tokenizer.tokenize(article)
        seen = set(zip(source, source[1:], strict=False))
        bigrams = list(zip(words, words[1:], strict=False))
        novel += sum(b not in seen for b in bigrams)
        total += len(bigrams)
    return round(100 * novel / max(total, 1), 2)


def numbers_in(text: str) -> set[str]:
    """Numbers in ``text`` with thousands/decimal separators removed ("1.000" == "1,000")."""
    return {re.sub(r"[.,]", "", n) for n in NUMBER.findall(text)}


def unsupported_number_rate(summaries: Sequence[str], articles: Sequence[str]) -> float:
    """Share (%) of summaries containing a number that their article does not contain."""
    bad = sum(
        bool(numbers_in(summary) - numbers_in(article))
        for summary, article in zip(summaries, articles, strict=True)
    )
    return round(100 * bad / max(len(summaries), 1), 2)


def summary_scores(
    summaries: Sequence[str], references: Sequence[str], articles: Sequence[str]
) -> dict:
    """ROUGE against references plus the abstractiveness and faithfulness indicators."""
    return {
        **rouge_scores(summaries, references),
        "novel_bigrams_pct": novel_bigram_share(summaries, articles),
        "unsupported_numbers_pct": unsupported_number_rate(summaries, articles),
        "articles": len(summaries),
    }
