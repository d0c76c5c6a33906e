"""``vien show`` and ``vien report``: look at the outputs of a finished run."""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline.cli.common import RunDirArgument, reported_errors, setup


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
    setup()
    from pipeline.report.terminal import show_run

    with reported_errors():
        show_run(out, doc_id, flagged=flagged)


def report(out: RunDirArgument) -> None:
    """(Re)write OUT/report.html from a finished run and print its path.

    The page is self-contained: open it in any browser, offline.

    Example:

        vien report out
    """
    setup()
    from pipeline.report.html import write_report

    with reported_errors():
        path = write_report(out)
    typer.echo(str(path))
