"""The ``vien`` command line: thin commands over importable functions.

Data goes to stdout, logs and errors to stderr. Commands live one concern a
module (``run``, ``evaluate``, ``outputs``, ``models``, ``train``) and are
registered here, explicitly, in the order ``vien --help`` lists them.
"""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline import __version__
from pipeline.cli import evaluate, models, outputs, run, train

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


app.command("run")(run.run)
app.add_typer(train_app, name="train")
train_app.command("translate")(train.train_translate)
train_app.command("backtranslate")(train.train_backtranslate)
train_app.command("recipe")(train.train_recipe)
train_app.command("export")(train.train_export)
train_app.command("testsets")(train.train_testsets)
train_app.command("score")(train.train_score)
train_app.command("sumsets")(train.train_sumsets)
train_app.command("summarize")(train.train_summarize)
train_app.command("tones")(train.train_tones)
train_app.command("warmstart")(train.train_warmstart)
app.command("convert-encoder")(train.convert_encoder)
app.command("show")(outputs.show)
app.command("restore-tones")(models.restore_tones)
app.command("report")(outputs.report)
app.command("eval")(evaluate.eval_cmd)
app.command("convert")(models.convert)

__all__ = ["app"]
