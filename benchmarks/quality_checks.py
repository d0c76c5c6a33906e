"""Degenerate-output and number-fidelity rates of the translate model on a test set.

Usage: python benchmarks/quality_checks.py [--config FILE] [--set KEY=VALUE]...
       [--testset PATH] [--limit N]

Every reference sentence of the test set is translated the way ``vien run``
does it (the ``translate`` section of the configuration). The table gives, per
check, the share of segments flagged after plain decoding ("before") and after
the translate stage's one retry with safer decoding ("after"), and the number
check on the human references as its false-alarm baseline.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.config import load_config  # noqa: E402
from pipeline.document import FLAG_NUMBERS, FLAG_RETRIED, Document, Paragraph, Segment  # noqa: E402
from pipeline.evaluation.testsets import EvalSet, load_testset  # noqa: E402
from pipeline.quality import check_numbers, diagnose  # noqa: E402
from pipeline.quality.degenerate import DEGENERATE_FLAGS  # noqa: E402
from pipeline.stages.translate import TranslateStage  # noqa: E402

DEFAULT_TESTSET = REPO / "tests" / "testset" / "vien-testset-v1.jsonl"
DEFAULT_CONFIG = REPO / "configs" / "default.yaml"
ROWS = ("empty_output", "repetition", "copied_source", "length_ratio")


def documents(testset: EvalSet) -> list[Document]:
    """The test set as segmented documents: one segment per reference sentence."""
    docs = []
    for eval_doc in testset.documents:
        doc = Document(id=eval_doc.id, source=eval_doc.id, text="")
        for p_index, paragraph in enumerate(eval_doc.paragraphs, start=1):
            segments = [
                Segment(id=f"{eval_doc.id}/p{p_index}/s{s}", vi=pair.vi, start=0, end=0)
                for s, pair in enumerate(paragraph, start=1)
            ]
            doc.paragraphs.append(Paragraph(index=p_index, start=0, end=0, segments=segments))
        docs.append(doc)
    return docs


def measure(config_path: Path, overrides: list[str], testset: EvalSet) -> dict:
    """Translate the test set twice over (plain, then with retries) and count flags."""
    config = load_config(config_path, overrides)
    settings = config.stages["translate"].model_copy(update={"cache": True})
    stage = TranslateStage(settings, context={"config": config})
    docs = documents(testset)
    segments = [s for d in docs for s in d.segments]
    references = [p.en for d in testset.documents for p in d.pairs]

    started = time.perf_counter()
    plain = [o.text for o in stage.generator.run([s.vi for s in segments])]
    plain_seconds = time.perf_counter() - started
    before = Counter()
    for segment, output in zip(segments, plain, strict=True):
        flags = diagnose(segment.vi, output)
        before.update(flags)
        before["degenerate"] += bool(flags)
        before[FLAG_NUMBERS] += bool(check_numbers(segment.vi, output, currency=settings.currency))

    started = time.perf_counter()
    # The generator caches the plain outputs, so only the retries cost time here.
    for _ in stage.pipe(iter(docs), batch_size=len(docs)):
        pass
    retry_seconds = time.perf_counter() - started
    after = Counter()
    for segment in segments:
        after.update(f for f in segment.flags if f in DEGENERATE_FLAGS or f == FLAG_NUMBERS)
        after["degenerate"] += not DEGENERATE_FLAGS.isdisjoint(segment.flags)
        after[FLAG_RETRIED] += FLAG_RETRIED in segment.flags

    reference_alarms = sum(
        bool(check_numbers(s.vi, ref, currency=settings.currency))
        for s, ref in zip(segments, references, strict=True)
    )
    return {
        "model": settings.model,
        "signature": stage.signature(),
        "segments": len(segments),
        "before": before,
        "after": after,
        "reference_alarms": reference_alarms,
        "plain_seconds": plain_seconds,
        "retry_seconds": retry_seconds,
    }


def render(result: dict) -> str:
    n = result["segments"]

    def cell(count: int) -> str:
        return f"{count} ({100 * count / n:.1f}%)"

    lines = [
        f"model: {result['model']}  ({result['signature']})",
        f"segments: {n}; plain decoding {result['plain_seconds']:.1f}s, "
        f"retries {result['retry_seconds']:.1f}s",
        "",
        "| check | before retry | after retry |",
        "|---|---:|---:|",
        f"| degenerate (any) | {cell(result['before']['degenerate'])} "
        f"| {cell(result['after']['degenerate'])} |",
    ]
    lines += [
        f"| - {flag} | {cell(result['before'][flag])} | {cell(result['after'][flag])} |"
        for flag in ROWS
    ]
    lines += [
        f"| retried | – | {cell(result['after'][FLAG_RETRIED])} |",
        f"| number_mismatch | {cell(result['before'][FLAG_NUMBERS])} "
        f"| {cell(result['after'][FLAG_NUMBERS])} |",
        f"| number_mismatch on the references | {cell(result['reference_alarms'])} | |",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a setting, e.g. translate.device=cpu",
    )
    parser.add_argument("--testset", type=Path, default=DEFAULT_TESTSET)
    parser.add_argument("--limit", type=int, default=None, help="first N documents only")
    args = parser.parse_args()
    testset = load_testset(args.testset).head(args.limit)
    print(render(measure(args.config, args.overrides, testset)))


if __name__ == "__main__":
    main()
