"""Summaries on held-out VietNews: lead-k against the bundled model, with copy bias and the guard.

Usage: nice -n 10 python benchmarks/summaries.py [--data PATH] [--limit 200] [--offset 0]
       [--copy-bias 1.0]... [--beams 4] [--read-tokens 192] [--lead 2]... [--threads 1]
       [--model models/vien-summarize-vi]

Each system runs through the summarize stage as ``vien run`` does (``method:
lead`` or ``method: model`` with ``en.mode: off``, since the English summary is
the translation of the Vietnamese one). Articles are the VietNews validation
split, never seen in training: the word segmentation is undone (``người_dân``
-> ``người dân``), each body line is one sentence, and the reference is the
human abstract. Columns: ROUGE-1/2/L F1 (``vien eval``'s Vietnamese-aware
ROUGE), novel bigrams (share of summary bigrams absent from the article),
unsupported numbers (share of summaries stating a number whose value the
article does not), fallback (share of documents the guard sent to lead; the
"+guard" rows are what ``vien run`` publishes), seconds per article (decoding
on ``--threads`` CPU threads; the guard rows reuse the decoded summaries and
add only the guard's time). The "reference" row runs the guard on the human
abstracts: its false-alarm rate.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.adapters.loading import load_adapter  # noqa: E402
from pipeline.config import validate_config  # noqa: E402
from pipeline.document import FLAG_SUMMARY_FALLBACK, Document, Paragraph, Segment  # noqa: E402
from pipeline.evaluation.metrics import summary_scores  # noqa: E402
from pipeline.generation import BatchedGenerator  # noqa: E402
from pipeline.quality.faithful import check_summary, unsupported_numbers  # noqa: E402
from pipeline.stages.summarize import SummarizeStage  # noqa: E402
from pipeline.training.vietnews import Article, read_vietnews  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "sum" / "vietnews-val-2k.jsonl.xz"
DEFAULT_MODEL = REPO / "models" / "vien-summarize-vi"


def documents(articles: list[Article]) -> list[Document]:
    """One document per article, one segment per body sentence (no title, no translation)."""
    docs = []
    for article in articles:
        segments = [
            Segment(id=f"{article.id}/p1/s{i}", vi=sentence, start=0, end=0)
            for i, sentence in enumerate(article.body, start=1)
        ]
        paragraph = Paragraph(index=1, start=0, end=0, segments=segments)
        docs.append(Document(id=article.id, source=article.id, text="", paragraphs=[paragraph]))
    return docs


def summarize(section: dict[str, Any], articles: list[Article], context: dict) -> tuple:
    """Run the summarize stage configured by ``section``; (summaries, fallbacks, seconds)."""
    config = validate_config({"pipeline": ["summarize"], "summarize": section})
    context["config"] = config
    stage = SummarizeStage(config.stages["summarize"], context=context)
    docs = documents(articles)
    started = time.perf_counter()
    list(stage.pipe(docs, batch_size=16))
    seconds = time.perf_counter() - started
    failed = [d.error for d in docs if d.error is not None]
    if failed:
        raise SystemExit(f"summarize failed: {failed[0]}")
    fallbacks = sum(FLAG_SUMMARY_FALLBACK in d.flags for d in docs)
    return [d.summaries.get("vi", "") for d in docs], fallbacks, seconds


def cached_generator(context: dict, vi: dict[str, Any]) -> None:
    """Give the summarizer a caching generator, so a guarded rerun decodes nothing again."""
    config = validate_config(
        {"pipeline": ["summarize"], "summarize": {"method": "model", "vi": vi}}
    )
    settings = config.stages["summarize"].vi
    generators = context.setdefault("generators", {})
    generators[settings.model_dump_json()] = BatchedGenerator(
        load_adapter(settings), batch_tokens=settings.batch_tokens, cache=True
    )


def row(name: str, articles: list[Article], summaries: list[str], fallbacks: int, seconds: float):
    """The table row of one system."""
    n = len(articles)
    scores = summary_scores(summaries, [a.summary for a in articles], [a.text for a in articles])
    return [
        name,
        f"{scores['rouge1']:.2f}",
        f"{scores['rouge2']:.2f}",
        f"{scores['rougeL']:.2f}",
        f"{scores['novel_bigrams_pct']:.1f}",
        f"{scores['unsupported_numbers_pct']:.1f}",
        f"{100 * fallbacks / n:.1f}",
        f"{seconds / n:.3f}",
    ]


def reference_row(articles: list[Article]) -> list[str]:
    """The guard and the number check on the human abstracts: false alarms."""
    n = len(articles)
    refused = sum(bool(check_summary(a.text, a.summary)) for a in articles)
    unsupported = sum(bool(unsupported_numbers(a.text, a.summary)) for a in articles)
    return ["reference (human)", "", "", "", "", f"{100 * unsupported / n:.1f}",
            f"{100 * refused / n:.1f}", ""]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--offset", type=int, default=0, help="skip the first N articles")
    parser.add_argument("--model", default=str(DEFAULT_MODEL))
    parser.add_argument("--copy-bias", type=float, action="append", dest="copy_biases")
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument(
        "--lead",
        type=int,
        action="append",
        dest="leads",
        help="lead sentences of the fallback (repeat for a guarded row each; default 2)",
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--read-tokens", type=int, default=192, help="0: the whole article, in rounds"
    )
    args = parser.parse_args()

    leads = args.leads or [2]
    articles = read_vietnews(args.data, limit=args.offset + args.limit)[args.offset :]
    rows = [reference_row(articles)]
    for k in (1, 2, 3):
        section = {"method": "lead", "lead_sentences": k}
        rows.append(row(f"lead-{k}", articles, *summarize(section, articles, {})))
    for bias in [0.0, *(args.copy_biases or [1.0])]:
        vi = {
            "model": args.model,
            "backend": "transformers",
            "num_beams": args.beams,
            "max_new_tokens": 96,
            "no_repeat_ngram_size": 3,
            "read_tokens": args.read_tokens or None,
            "threads": args.threads,
            "copy_bias": bias,
        }
        context: dict[str, Any] = {}
        cached_generator(context, vi)
        name = f"model, copy bias {bias:g}" if bias else "model"
        section = {"method": "model", "vi": vi, "en": {"mode": "off"}}
        summaries, _, decoding = summarize({**section, "guard": False}, articles, context)
        rows.append(row(name, articles, summaries, 0, decoding))
        for lead in leads:
            guarded, fallbacks, guarding = summarize(
                {**section, "lead_sentences": lead}, articles, context
            )
            label = f"{name} +guard" + (f" (lead-{lead})" if len(leads) > 1 else "")
            rows.append(row(label, articles, guarded, fallbacks, decoding + guarding))
        print(f"# {name}: {decoding:.0f} s decoding", file=sys.stderr, flush=True)

    header = ["system", "ROUGE-1", "ROUGE-2", "ROUGE-L", "novel bigrams %",
              "unsupported numbers %", "fallback %", "s/article"]  # fmt: skip
    reading = f"first {args.read_tokens} tokens" if args.read_tokens else "whole article"
    print(f"VietNews validation articles {args.offset}-{args.offset + len(articles) - 1}, "
          f"beam {args.beams}, reading the {reading}, {args.threads} thread(s), "
          f"fallback lead-{'/'.join(map(str, leads))}\n")  # fmt: skip
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for cells in rows:
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
