"""``manifest.json``: what a run used and did, for reproducing and auditing it."""

from __future__ import annotations

import json
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from pipeline.writers.atomic import atomic_write_text

MANIFEST = "manifest.json"
PACKAGES = (
    "vien",
    "torch",
    "transformers",
    "sentencepiece",
    "ctranslate2",
    "datasets",
    "sacrebleu",
    "pydantic",
)


def package_versions() -> dict[str, str | None]:
    """Versions of the packages that change results, plus Python's."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def write_manifest(out_dir: Path, data: dict[str, Any]) -> Path:
    """Write the manifest atomically."""
    path = out_dir / MANIFEST
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return path


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The manifest of a finished run."""
    return json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
