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


def model_gflop(context: dict[str, Any]) -> float | None:
    """Billions of floating-point operations the run's models computed in this process.

    Sums the generators the stages shared through ``context`` (see
    ``pipeline.stages.translate.shared_generator``); None when a model's size
    is unknown, or when no model ran here (all documents resumed, or the
    models ran on a cluster).
    """
    generators = list(context.get("generators", {}).values())
    works = [g.describe_work() for g in generators]
    if not works or any(w["gflop"] is None for w in works):
        return None
    return round(sum(w["gflop"] for w in works), 3)


def throughput(segments: int, seconds: float, gflop: float | None) -> dict[str, float | None]:
    """The run's speed beside its compute floor.

    ``gflop_per_segment`` is the model arithmetic each sentence needed (from
    the model's config and this run's lengths, beams and retries: the least
    any implementation of this model and decoding must compute);
    ``gflop_per_second`` is the rate this run achieved over its whole time,
    to set against the processor's peak (a core with AVX-512 VNNI reaches a
    few hundred int8 GFLOP/s).
    """
    seconds = max(seconds, 1e-9)
    per_segment = gflop / segments if gflop is not None and segments else None
    return {
        "segments_per_second": round(segments / seconds, 3),
        "model_gflop": gflop,
        "gflop_per_segment": round(per_segment, 4) if per_segment is not None else None,
        "gflop_per_second": round(gflop / seconds, 2) if gflop is not None else None,
    }


def write_manifest(out_dir: Path, data: dict[str, Any]) -> Path:
    """Write the manifest atomically."""
    path = out_dir / MANIFEST
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return path


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The manifest of a finished run."""
    return json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
