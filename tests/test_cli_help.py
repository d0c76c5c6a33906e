"""Every command has complete help with an example (kept honest by this test)."""

from __future__ import annotations

import click
import pytest
import typer
from typer.testing import CliRunner

from pipeline.cli import app


def command_paths() -> list[list[str]]:
    root = typer.main.get_command(app)
    paths: list[list[str]] = [[]]

    def walk(group: click.Group, prefix: list[str]) -> None:
        for name, command in group.commands.items():
            paths.append([*prefix, name])
            if isinstance(command, click.Group):
                walk(command, [*prefix, name])

    walk(root, [])
    return paths


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "vien")
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_has_an_example(path: list[str], flag: str) -> None:
    result = CliRunner().invoke(app, [*path, flag])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("vien ")
