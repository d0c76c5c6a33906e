"""``vien train summarize``: the bundled Vietnamese abstractive summarizer.

A small MarianMT-architecture encoder-decoder trained from scratch on VietNews
(body -> human abstract). Scores include the lead-k extractive baselines,
which a small model trained on CPU may well not beat, plus two indicators of
what abstractive models get wrong: novel bigrams and unsupported numbers.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from pipeline.config import load_settings
from pipeline.evaluation.metrics import summary_scores
from pipeline.settings import SummaryModelSettings
from pipeline.summarize.model import summarize_texts
from pipeline.training.recipe import Seq2SeqData, fit_seq2seq, write_report
from pipeline.training.scoring import model_generator
from pipeline.training.settings import SummarizationConfig
from pipeline.training.vietnews import Article, read_vietnews

logger = logging.getLogger(__name__)

LEAD_K = (1, 2, 3)


def train_summarization(config_path: Path, *, overrides: dict[str, Any] | None = None) -> dict:
    """Train, save and score the Vietnamese summarizer described by a config file.

    Args:
        config_path: a ``configs/train-summarize*.yaml`` file.
        overrides: dotted path -> value, applied before validation.

    Returns:
        The report: ROUGE-1/2/L of the model and of lead-1/2/3 on the scored
        validation articles, novel-bigram and unsupported-number rates,
        timings, throughput, parameter count and paths. It is also written to
        ``training_report.json`` in the model directory.

    Raises:
        ConfigError: the config is unreadable or invalid.
    """
    config = load_settings(config_path, SummarizationConfig, overrides)
    t0 = time.monotonic()
    articles = read_vietnews(config.data.train, config.data.max_train)
    n_valid = config.data.valid_loss_articles
    train, held = articles[:-n_valid], articles[-n_valid:]
    scored = read_vietnews(config.data.validation, config.eval.max_examples)
    prep_minutes = (time.monotonic() - t0) / 60
    data = Seq2SeqData(
        train=[(a.text, a.summary) for a in train],
        valid=[(a.text, a.summary) for a in held],
        vocab_texts=lambda: [s for a in train for s in (*a.body, a.summary)],
    )
    report = fit_seq2seq(config, data)
    report["timings"]["prep_minutes"] = prep_minutes
    t1 = time.monotonic()
    report["scores"] = score_summaries(config, scored)
    report["timings"]["eval_minutes"] = (time.monotonic() - t1) / 60
    write_report(report, config.output_dir, config.work_dir)
    return report


def score_summaries(config: SummarizationConfig, articles: list[Article]) -> dict[str, dict]:
    """Score the saved model and the lead-k baselines on the same articles.

    The model summarizes as the pipeline's model strategy does
    (``summarize_texts``: the adapter and ``BatchedGenerator``, reading each
    article's opening within ``train.max_source_tokens``, never truncating).

    Args:
        config: the validated config (model directory, eval and input limits).
        articles: the scored validation articles.

    Returns:
        ``model`` and ``lead-k`` -> ROUGE and indicator scores.
    """
    settings = SummaryModelSettings(
        model=str(config.output_dir),
        device=config.train.device,
        num_beams=config.eval.num_beams,
        max_new_tokens=config.generate.max_length,
        no_repeat_ngram_size=config.generate.no_repeat_ngram_size,
        length_penalty=config.generate.length_penalty,
        min_new_tokens=0,
        read_tokens=config.train.max_source_tokens,
    )
    texts = [a.text for a in articles]
    refs = [a.summary for a in articles]
    outputs = summarize_texts(model_generator(settings), texts, settings)
    scores = {"model": {**summary_scores(outputs, refs, texts), "beams": config.eval.num_beams}}
    for k in LEAD_K:
        scores[f"lead-{k}"] = summary_scores([a.lead(k) for a in articles], refs, texts)
    scores["examples"] = [
        {"id": a.id, "summary": out, "reference": a.summary}
        for a, out in zip(articles[:3], outputs, strict=False)
    ]
    logger.info("summarization scores: %s", {k: v for k, v in scores.items() if k != "examples"})
    return scores
