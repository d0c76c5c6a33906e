"""``report.html``: one self-contained page to read a run side by side.

The page has no external assets (styles and script are inline), so it can be
mailed or opened offline. Documents are streamed from ``docs/`` through the
template into the file, so memory stays flat however large the run is.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from pipeline.report.results import (
    FLAG_LABELS,
    WARNING_FLAGS,
    WEAK_LABEL,
    iter_documents,
    read_contents,
    read_run,
)
from pipeline.writers.atomic import atomic_open

REPORT_FILE = "report.html"
TEMPLATE = "report.html.j2"


def _environment() -> Environment:
    # Autoescaping everything: sentences are untrusted page text and may hold markup.
    env = Environment(
        loader=PackageLoader("pipeline.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["score"] = _format_score
    env.filters["csp_hash"] = _csp_hash
    env.globals["badge_class"] = _badge_class
    return env


def _format_score(score: float | None) -> str:
    return "" if score is None else f"{score:.2f}"


def _csp_hash(script: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline script."""
    digest = hashlib.sha256(str(script).encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _badge_class(flag: str) -> str:
    if flag == "weak":
        return "weak"
    return "warn" if flag in WARNING_FLAGS else ""


def write_report(out_dir: Path) -> Path:
    """Render ``OUT/report.html`` from the finished run in ``out_dir``, atomically.

    Args:
        out_dir: a folder written by ``vien run``.

    Returns:
        The report's path.

    Raises:
        InputError: the folder has no manifest, or a listed document is unreadable.
    """
    out = Path(out_dir)
    run = read_run(out)
    contents = read_contents(run)
    template = _environment().get_template(TEMPLATE)
    stream = template.generate(
        run=run,
        contents=contents,
        documents=iter_documents(run, contents),
        flag_labels=FLAG_LABELS,
        weak_label=WEAK_LABEL,
    )
    path = out / REPORT_FILE
    with atomic_open(path) as fh:
        for chunk in stream:
            fh.write(chunk)
    return path
