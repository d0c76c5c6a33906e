"""The ``vien`` command line: thin commands over importable functions.

Data goes to stdout, logs and errors to stderr. Only this module chooses exit
codes: 0 success, 1 some inputs or documents failed, 2 bad usage or config.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

from pipeline import __version__
from pipeline.errors import ConfigError, VienError

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "configs" / "default.yaml"

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
    typer.Option(
        "--config", "-c", exists=True, dir_okay=False, help="YAML configuration file."
    ),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set", metavar="KEY=VALUE", help="Override a setting, e.g. translate.num_beams=4."
    ),
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
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Translate and summarize Vietnamese documents into aligned outputs.

    Reads .txt, .md, .html and .jsonl inputs; writes per-document JSON under
    OUT/docs/ and, at the end, the aligned corpus files and manifest.json.
    Rerunning into the same OUT skips documents already finished with the same
    configuration; --force redoes them; a changed configuration redoes all.
    Exit code 1 when any input failed (each is named on stderr).

    Example:

        vien run seeds/ -o out --set translate.num_beams=2
    """
    _setup(verbose)
    from pipeline.config import load_config
    from pipeline.runner import run as run_pipeline

    try:
        cfg = load_config(config, set_ or [])
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


@train_app.command("translate")
def train_translate(
    config: Annotated[
        Path, typer.Option("--config", "-c", exists=True, dir_okay=False, help="Training config.")
    ] = Path("configs/train-translate.yaml"),
    set_: SetOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Train the bundled Vietnamese→English Marian model from scratch.

    Example:

        vien train translate --config configs/train-translate.yaml
    """
    _setup(verbose)
    from pipeline.config import apply_overrides
    from pipeline.training.translate import train_translation

    try:
        overrides = apply_overrides({}, set_ or [])
        report = train_translation(config, overrides=overrides)
    except VienError as e:
        raise _fail(e) from None
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))


@train_app.command("summarize")
def train_summarize(
    config: Annotated[
        Path, typer.Option("--config", "-c", exists=True, dir_okay=False, help="Training config.")
    ] = Path("configs/train-summarize.yaml"),
    set_: SetOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Train the bundled Vietnamese summarization model from scratch.

    Example:

        vien train summarize --config configs/train-summarize.yaml
    """
    _setup(verbose)
    from pipeline.config import apply_overrides
    from pipeline.training.summarize import train_summarization

    try:
        overrides = apply_overrides({}, set_ or [])
        report = train_summarization(config, overrides=overrides)
    except VienError as e:
        raise _fail(e) from None
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    app()
