"""The runtime never imports the offline training code (``training/``, ``warmstart/``).

Training is a client of the runtime: it reuses its config loader, metrics and
generation path, never the reverse, so ``vien run`` stays free of training's
dependencies and a change to training cannot change a run's outputs.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
OFFLINE = ("pipeline.training", "pipeline.warmstart")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_offline(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in OFFLINE)


RUNTIME = sorted(
    path
    for path in PACKAGE.rglob("*.py")
    if not is_offline(module_name(path)) and path.name != "__main__.py"
)


def imported_names(path: Path) -> set[str]:
    """Every module an ``import`` statement in ``path`` names, at any depth (functions too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", RUNTIME, ids=lambda p: module_name(p))
def test_runtime_module_imports_no_training_code(path: Path) -> None:
    offline = sorted(name for name in imported_names(path) if is_offline(name))
    assert not offline, f"{module_name(path)} imports {offline}"


def test_importing_every_runtime_module_loads_no_training_code() -> None:
    """Also through anything imported at import time (a subprocess: a clean ``sys.modules``)."""
    names = [module_name(path) for path in RUNTIME]
    script = (
        "import importlib, json, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    loaded = json.loads(result.stdout.splitlines()[-1])
    assert [name for name in loaded if is_offline(name)] == []
