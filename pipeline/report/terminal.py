"""``vien show``: a run's sentence pairs side by side in the terminal, with rich.

One table per document (segment id, Vietnamese, English, flags, score) under
its summaries. On a terminal the output goes through rich's pager; piped or
redirected it is printed as is, wide enough to stay readable.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from pipeline.errors import InputError
from pipeline.report.results import (
    FLAG_LABELS,
    WARNING_FLAGS,
    Contents,
    DocumentView,
    Pair,
    RunSummary,
    iter_documents,
    read_contents,
    read_run,
)

# Width of redirected output: rich would otherwise wrap tables at 80 columns.
PLAIN_WIDTH = 160
SHOWN_IDS = 5


def show_run(
    out_dir: str | Path,
    doc_id: str | None = None,
    *,
    flagged: bool = False,
    console: Console | None = None,
) -> int:
    """Print the pairs of a finished run, paged when stdout is a terminal.

    Args:
        out_dir: a folder written by ``vien run``.
        doc_id: show only this document; all of them by default.
        flagged: show only rows with a flag or among the run's weakest sentences.
        console: where to print; a console on stdout by default.

    Returns:
        The number of pair rows shown.

    Raises:
        InputError: the folder is not a finished run, or ``doc_id`` is not in it.
    """
    run = read_run(out_dir)
    contents = read_contents(run)
    if doc_id is not None:
        contents = _only(contents, doc_id, run)
    console = console or _stdout_console()
    renderables = render_run(run, contents, flagged=flagged)
    if console.is_terminal:
        with console.pager(styles=_pager_shows_colour()):
            return _print(console, renderables)
    return _print(console, renderables)


def _print(console: Console, renderables: Iterator[RenderableType]) -> int:
    """Print as documents are read, so a large run is never held whole; count pair rows."""
    shown = 0
    for renderable in renderables:
        console.print(renderable)
        if isinstance(renderable, Table):
            shown += renderable.row_count
    return shown


def render_run(
    run: RunSummary, contents: Contents, *, flagged: bool = False
) -> Iterator[RenderableType]:
    """A header for the run, then each document's summaries and pairs table."""
    counts = run.counts
    yield Text.assemble(
        ("vien run ", "bold"),
        (str(run.out_dir), "bold cyan"),
        f": {counts.get('documents', len(contents.entries))} documents, "
        f"{counts.get('segments', 0)} sentences, {len(run.failures)} failures\n",
        (run.signature, "dim"),
    )
    for doc in iter_documents(run, contents):
        table = pairs_table(doc, flagged=flagged)
        if flagged and not table.row_count:
            continue
        yield _heading(doc)
        yield table


def _heading(doc: DocumentView) -> RenderableType:
    parts: list[RenderableType] = [
        Text.assemble(
            "\n", (doc.entry.title, "bold"), "\n", (f"{doc.entry.id} · {doc.source}", "dim")
        )
    ]
    if doc.summaries:
        summary = Table(header_style="bold", expand=True, box=None, padding=(0, 1))
        summary.add_column("Vietnamese summary", ratio=1)
        summary.add_column("English summary", ratio=1)
        summary.add_row(Text(doc.summaries.get("vi", "")), Text(doc.summaries.get("en", "")))
        parts.append(summary)
        for flag in doc.flags:
            parts.append(Text(FLAG_LABELS.get(flag, flag), style="yellow"))
    if doc.removed:
        n = len(doc.removed)
        parts.append(Text(f"{n} span(s) of page residue kept out of translation", style="green"))
    return Group(*parts)


def pairs_table(doc: DocumentView, *, flagged: bool = False) -> Table:
    """The document's pairs, one row each; paragraphs are separated by a line."""
    table = Table(expand=True, show_lines=False, header_style="bold")
    table.add_column("id", style="dim", no_wrap=True)
    table.add_column("Vietnamese", ratio=1)
    table.add_column("English", ratio=1)
    table.add_column("flags")
    table.add_column("score", justify="right", no_wrap=True)
    for paragraph in doc.paragraphs:
        rows = [p for p in paragraph if p.marked or not flagged]
        for i, pair in enumerate(rows):
            table.add_row(*_cells(pair), end_section=i == len(rows) - 1)
    return table


def _cells(pair: Pair) -> tuple[Text, Text, Text, Text, Text]:
    # Text objects, never markup strings: a sentence may contain "[bold]".
    flags = Text("\n").join(
        Text(f"[{label}]", style=_badge_style(flag)) for flag, label in pair.badges
    )
    score = Text(
        "" if pair.score is None else f"{pair.score:.2f}", style="bold yellow" if pair.weak else ""
    )
    vi = Text(pair.vi)
    if pair.vi_restored is not None:
        vi.append(f"\n→ {pair.vi_restored}", style="dim")
    return Text(pair.label), vi, Text(pair.en), flags, score


def _badge_style(flag: str) -> str:
    if flag == "weak":
        return "yellow"
    return "red" if flag in WARNING_FLAGS else "cyan"


def _only(contents: Contents, doc_id: str, run: RunSummary) -> Contents:
    entries = [e for e in contents.entries if e.id == doc_id]
    if not entries:
        known = ", ".join(run.document_ids[:SHOWN_IDS])
        more = f" … ({len(run.document_ids)} in all)" if len(run.document_ids) > SHOWN_IDS else ""
        raise InputError(doc_id, f"no such document in {run.out_dir}; documents: {known}{more}")
    return Contents(entries, contents.cutoff)


def _stdout_console() -> Console:
    console = Console(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(highlight=False, width=PLAIN_WIDTH)
    return console


def _pager_shows_colour() -> bool:
    """Whether the pager passes colours through (``less -R``, as in ``LESS=R``)."""
    return "r" in os.environ.get("LESS", "").lower()
