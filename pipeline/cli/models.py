"""``vien convert`` and ``vien restore-tones``: the models on their own, outside a run."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.common import REPO, VerboseOption, reported_errors, setup

DEFAULT_TONE_MODEL = REPO / "models" / "vien-tones-vi"


def restore_tones(
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
    setup()
    from pipeline.text.decode import decode_bytes
    from pipeline.text.tone_model import load_tone_model
    from pipeline.text.unmarked import restore_lines

    with reported_errors():
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
    setup(verbose)
    from pipeline.adapters.convert import convert_model

    with reported_errors():
        path = convert_model(model, out=out, quantization=quantization, force=force)
    typer.echo(str(path))
