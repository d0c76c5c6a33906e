"""``vien run``: the pipeline over files, folders and globs, here or on a Ray cluster."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from pipeline.cli import common
from pipeline.errors import ConfigError

if TYPE_CHECKING:
    from pipeline.config import Config
    from pipeline.engines import LocalEngine

EngineOption = Annotated[
    Literal["local", "ray"],
    typer.Option("--engine", help="Run the stages here, or on a Ray cluster (ray extra)."),
]
AddressOption = Annotated[
    str | None,
    typer.Option("--address", help="Ray cluster to join, e.g. auto or HOST:6379 (--engine ray)."),
]


def run(
    inputs: Annotated[
        list[str], typer.Argument(help="Files, folders (recursive) or glob patterns.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", file_okay=False, help="Output folder.")],
    config: common.ConfigOption = common.DEFAULT_CONFIG,
    set_: common.SetOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Redo documents finished with the same config.")
    ] = False,
    engine: EngineOption = "local",
    address: AddressOption = None,
    quiet: common.QuietOption = False,
    verbose: common.VerboseOption = False,
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
    common.setup(verbose)
    from pipeline.config import load_config
    from pipeline.process import configure_numerics, pipeline_torch_threads
    from pipeline.runner import run as run_pipeline

    with common.reported_errors():
        if address is not None and engine != "ray":
            raise ConfigError("--address needs --engine ray")
        cfg = load_config(config, set_ or [])
        configure_numerics(torch_threads=pipeline_torch_threads(cfg))
        report = run_pipeline(
            inputs, out, cfg, force=force, progress=not quiet, engine=_engine(engine, address, cfg)
        )
    counts = report.counts
    typer.echo(
        f"vien: {report.processed} processed, {report.skipped} skipped, "
        f"{len(report.failures)} failed; {counts['segments']} segments in "
        f"{counts['documents']} documents; {report.seconds:.1f}s; "
        f"peak memory {report.peak_memory_mb:.0f} MiB; outputs in {out}",
        err=True,
    )
    raise typer.Exit(report.exit_code)


def _engine(name: str, address: str | None, config: Config) -> LocalEngine:
    """The engine ``--engine`` names: this process, or a Ray cluster (imported only then)."""
    if name == "ray":
        from pipeline.engines.ray_engine import RayEngine

        return RayEngine(config.engine, address=address)
    from pipeline.engines import LocalEngine

    return LocalEngine()
