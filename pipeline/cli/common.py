"""What every ``vien`` command shares: flags, logging set-up and the one error path.

Only the CLI chooses exit codes: 0 success, 1 some inputs or documents
failed, 2 bad usage or configuration.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from pipeline.errors import ConfigError, VienError

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = REPO / "configs" / "default.yaml"

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
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Log more detail.")]
RunDirArgument = Annotated[
    Path,
    typer.Argument(exists=True, file_okay=False, help="Output folder of a finished `vien run`."),
]


class _LowerLevelFormatter(logging.Formatter):
    """``vien: error: file: reason``, matching the CLI's own error lines."""

    def format(self, record: logging.LogRecord) -> str:
        record = logging.makeLogRecord(record.__dict__)
        record.levelname = record.levelname.lower()
        return super().format(record)


def setup(verbose: bool = False) -> None:
    """Log to stderr in the CLI's own style; let ``vien ... | head`` end quietly."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LowerLevelFormatter("vien: %(levelname)s: %(message)s"))
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, handlers=[handler], force=True
    )
    for noisy in ("transformers", "datasets", "httpx", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


@contextmanager
def reported_errors() -> Iterator[None]:
    """The one error path: a ``VienError`` becomes its lines on stderr and an exit code.

    Exit code 2 for a bad configuration or command line, 1 for anything else
    vien raises; other exceptions are bugs and keep their traceback.
    """
    try:
        yield
    except VienError as error:
        for line in str(error).splitlines():
            typer.echo(f"vien: error: {line}", err=True)
        raise typer.Exit(2 if isinstance(error, ConfigError) else 1) from None
