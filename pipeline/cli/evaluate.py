"""``vien eval``: run the pipeline over a test set and score it (the one scoring path)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli import common

DEFAULT_TESTSET = common.REPO / "tests" / "testset" / "vien-testset-v1.jsonl"


def _file(help_text: str) -> typer.models.OptionInfo:
    return typer.Option(exists=True, dir_okay=False, help=help_text)


# The flags of ``vien eval``: where the test set comes from, how much of it, what to compare.
TestsetOption = Annotated[
    Path, typer.Option("--testset", dir_okay=False, help="Test set in the included JSONL schema.")
]
ReportDirOption = Annotated[
    Path, typer.Option("--out", "-o", file_okay=False, help="Report folder.")
]
SrcOption = Annotated[Path | None, _file("Line-aligned Vietnamese (with --ref).")]
RefOption = Annotated[Path | None, _file("Line-aligned English references.")]
TsvOption = Annotated[Path | None, _file("vi<TAB>en file.")]
JsonlOption = Annotated[Path | None, _file("JSONL of pairs (vi/en or translation).")]
HfDatasetOption = Annotated[
    str | None, typer.Option(metavar="NAME", help="Hugging Face dataset, or a save_to_disk folder.")
]
SplitOption = Annotated[str, typer.Option(help="Split of --hf-dataset.")]
SrcFieldOption = Annotated[str, typer.Option(help="Source field of --jsonl/--hf-dataset.")]
RefFieldOption = Annotated[str, typer.Option(help="Reference field of --jsonl/--hf-dataset.")]
LimitOption = Annotated[
    int | None, typer.Option(min=1, metavar="N", help="Only the first N documents.")
]
CompareOption = Annotated[
    tuple[Path, Path] | None,
    typer.Option(metavar="A B", help="Compare two report.json files or folders, then exit."),
]


def eval_cmd(
    testset: TestsetOption = DEFAULT_TESTSET,
    config: common.ConfigOption = common.DEFAULT_CONFIG,
    set_: common.SetOption = None,
    out: ReportDirOption = Path("eval-report"),
    src: SrcOption = None,
    ref: RefOption = None,
    tsv: TsvOption = None,
    jsonl: JsonlOption = None,
    hf_dataset: HfDatasetOption = None,
    split: SplitOption = "test",
    src_field: SrcFieldOption = "vi",
    ref_field: RefFieldOption = "en",
    limit: LimitOption = None,
    compare: CompareOption = None,
    quiet: common.QuietOption = False,
    verbose: common.VerboseOption = False,
) -> None:
    """Score the pipeline on a test set: BLEU, chrF++, segmentation, ROUGE, degenerate outputs.

    Runs the configured pipeline (normalize and segment included) over the
    test set into OUT/run/, aligns its segments with the reference sentences
    and writes OUT/report.json, OUT/report.md and OUT/documents.jsonl. The
    metrics table goes to stdout. Sentence-level sets (--src/--ref, --tsv,
    --jsonl, --hf-dataset) make each pair a one-sentence document.

    Example:

        vien eval -o eval-report --set translate.num_beams=2

        vien eval --src test.vi --ref test.en -o eval-flores

        vien eval --compare eval-report eval-flores
    """
    common.setup(verbose)
    from pipeline.config import load_config
    from pipeline.evaluation.report import compare as compare_reports
    from pipeline.evaluation.report import evaluate, load_report, render_markdown
    from pipeline.evaluation.testsets import EvalSource
    from pipeline.process import configure_numerics, pipeline_torch_threads

    with common.reported_errors():
        if compare:
            typer.echo(compare_reports(load_report(compare[0]), load_report(compare[1])))
            return
        source = EvalSource(
            testset=testset, src=src, ref=ref, tsv=tsv, jsonl=jsonl, hf_dataset=hf_dataset,
            split=split, src_field=src_field, ref_field=ref_field,
        )  # fmt: skip
        cfg = load_config(config, set_ or [])
        configure_numerics(torch_threads=pipeline_torch_threads(cfg))
        report = evaluate(source.load().head(limit), cfg, out, progress=not quiet)
    typer.echo(render_markdown(report), nl=False)
    typer.echo(f"vien: report in {out}", err=True)
    raise typer.Exit(1 if report["run"]["failed"] else 0)
