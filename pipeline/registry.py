"""Name → implementation tables for stages, model adapters and backends, summarizers, writers.

Each table is a plain dict filled explicitly here, not by import side effects.
Entries are ``"module:Class"`` strings imported on first use, so listing the
stages never imports torch. Users add stages of their own through the
``vien.stages`` entry-point group.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any

from pipeline.errors import ConfigError

STAGES: dict[str, str] = {
    "normalize": "pipeline.stages.normalize:NormalizeStage",
    "segment": "pipeline.stages.segment:SegmentStage",
    "translate": "pipeline.stages.translate:TranslateStage",
    "summarize": "pipeline.stages.summarize:SummarizeStage",
}

# Model families, keyed by name; ``ADAPTER_CONFIG_CLASSES`` maps a Hugging Face
# config class to the family that drives it (NLLB shares M2M100Config and is
# told apart by its tokenizer in ``pipeline.adapters.loading``).
ADAPTERS: dict[str, str] = {
    "marian": "pipeline.adapters.marian:MarianAdapter",
    "nllb": "pipeline.adapters.nllb:NllbAdapter",
    "mbart": "pipeline.adapters.mbart:MBartAdapter",
    "m2m100": "pipeline.adapters.m2m100:M2M100Adapter",
    "t5": "pipeline.adapters.t5:T5Adapter",
    "bart": "pipeline.adapters.bart:BartAdapter",
}
ADAPTER_CONFIG_CLASSES: dict[str, str] = {
    "MarianConfig": "marian",
    "M2M100Config": "m2m100",
    "MBartConfig": "mbart",
    "T5Config": "t5",
    "MT5Config": "t5",
    "BartConfig": "bart",
}

# What runs a model for its family adapter (``backend`` of a model's settings);
# each implements ``pipeline.adapters.backend.Backend``.
BACKENDS: dict[str, str] = {
    "transformers": "pipeline.adapters.torch_backend:TorchBackend",
    "ctranslate2": "pipeline.adapters.ct2:CTranslate2Backend",
}

# Summarize methods (``summarize.method``); each class carries its own ``Settings``.
SUMMARIZERS: dict[str, str] = {
    "lead": "pipeline.summarize.lead:LeadSummarizer",
    "model": "pipeline.summarize.model:ModelSummarizer",
}

WRITERS: dict[str, str] = {
    "jsonl": "pipeline.writers.aligned_jsonl:AlignedJsonlWriter",
    "tsv": "pipeline.writers.tsv:TsvWriter",
    "moses": "pipeline.writers.moses:MosesWriter",
    "tmx": "pipeline.writers.tmx:TmxWriter",
    "summaries": "pipeline.writers.summaries:SummariesWriter",
    "removed": "pipeline.writers.removed:RemovedWriter",
    "parquet": "pipeline.writers.parquet:ParquetWriter",
}
# Outputs rendered after the manifest, from the finished run folder.
REPORTS: dict[str, str] = {
    "html": "pipeline.report.html:write_report",
}

ENTRY_POINT_GROUP = "vien.stages"
_plugins_loaded = False


def register_stage(name: str, target: str | type) -> None:
    """Add a stage under ``name``.

    Args:
        name: the name used in ``pipeline:`` lists; no dots.
        target: the stage class, or ``"module:Class"``.

    Raises:
        ConfigError: the name is taken by another implementation or has a dot.
    """
    if "." in name:
        raise ConfigError(f"stage name {name!r} must not contain a dot")
    value = target if isinstance(target, str) else f"{target.__module__}:{target.__qualname__}"
    existing = STAGES.get(name)
    if existing is not None and existing != value:
        raise ConfigError(f"stage {name!r} is already registered as {existing}")
    STAGES[name] = value


def _load_plugins() -> None:
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        register_stage(ep.name, ep.value)


def import_target(target: str) -> Any:
    """The object named by ``"module:attribute"``, importing the module on first use."""
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def _lookup(table: dict[str, str], kind: str, name: str) -> Any:
    if name not in table:
        valid = ", ".join(sorted(table))
        raise ConfigError(f"unknown {kind} {name!r}; valid names: {valid}")
    return import_target(table[name])


def get_stage(name: str) -> Any:
    """The stage class registered as ``name`` (built-in or from an entry point)."""
    _load_plugins()
    return _lookup(STAGES, "stage", name)


def get_adapter(family: str) -> Any:
    """The model adapter class for a family name."""
    return _lookup(ADAPTERS, "model family", family)


def get_backend(name: str) -> Any:
    """The backend class that runs models for a ``backend`` setting."""
    return _lookup(BACKENDS, "backend", name)


def get_summarizer(method: str) -> Any:
    """The summarizer class for a ``summarize.method`` name."""
    return _lookup(SUMMARIZERS, "summarize method", method)


def get_writer(name: str) -> Any:
    """The corpus writer class for an output format."""
    return _lookup(WRITERS, "output format", name)


def get_report(name: str) -> Any:
    """The function that renders a report output (``write_report(out_dir) -> Path``)."""
    return _lookup(REPORTS, "report format", name)
