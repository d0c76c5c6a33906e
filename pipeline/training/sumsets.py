"""``vien train sumsets``: a summarization config's scored articles, as ``vien eval`` reads them.

The summarizer's model card scores with ``vien eval --testset`` on this file;
writing it from the training config (the validation articles the trainer
scores, desegmented the same way) lets anyone with ``../shared`` rerun those
commands. VietNews has no English, so each sentence is written without ``en``
and ``vien eval`` scores the Vietnamese summaries and sentence boundaries only.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from pipeline.config import load_settings
from pipeline.training.settings import SummarizationConfig, take_folder
from pipeline.training.vietnews import Article, read_vietnews
from pipeline.writers.atomic import atomic_write_text

logger = logging.getLogger(__name__)


def write_sumsets(config_path: Path, *, overrides: dict[str, Any] | None = None) -> dict:
    """Write the validation articles as ``NAME.jsonl`` in the test set schema into ``testsets_dir``.

    ``NAME`` is the validation file's name without ``.jsonl.xz``; the file holds
    the articles a training run scores (``eval.max_examples`` applies, so
    ``--set eval.max_examples=2000`` writes them all).

    Returns:
        name -> the file written and its number of articles.

    Raises:
        ConfigError: no ``--set testsets_dir=FOLDER``, or the config is invalid.
    """
    out_dir, overrides = take_folder(overrides, "testsets_dir", "sumsets")
    config = load_settings(config_path, SummarizationConfig, overrides)
    articles = read_vietnews(config.data.validation, config.eval.max_examples)
    name = config.data.validation.name.removesuffix(".xz").removesuffix(".jsonl")
    path = out_dir / f"{name}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = (json.dumps(article_record(a), ensure_ascii=False) + "\n" for a in articles)
    atomic_write_text(path, "".join(lines))
    logger.info("%s: %d articles -> %s", name, len(articles), path)
    return {name: {"file": str(path), "articles": len(articles)}}


def article_record(article: Article) -> dict[str, Any]:
    """One article in the included test set's schema: one paragraph of its body lines.

    VietNews writes one sentence per body line; they become the reference
    sentences (no ``en``), and the body is one paragraph, as the model reads it.
    """
    return {
        "id": article.id,
        "domain": "news",
        "paragraphs": [[{"vi": sentence} for sentence in article.body]],
        "summary_vi": article.summary,
    }
