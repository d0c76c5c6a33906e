"""Load, override and validate a vien configuration in one place.

A configuration file is YAML::

    pipeline: [normalize, segment, translate, summarize]
    translate: {model: models/vien-translate-vi-en, num_beams: 4}

``pipeline`` lists the stages in order; every other top-level key other than
``input``, ``output``, ``run`` and ``engine`` is the settings section of one stage, checked
against that stage's schema. All problems are reported at once, one line each,
with the dotted path of the key that is wrong.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline import registry
from pipeline.errors import ConfigError
from pipeline.settings import EngineSettings, InputSettings, OutputSettings, RunSettings

GLOBAL_SECTIONS = ("pipeline", "input", "output", "run", "engine")
# A model's token budget never changes its outputs: batches hold no padding, so
# each sentence is computed as if alone (tests/test_throughput.py pins it). Thread
# counts stay in the hash: torch's results may depend on them.
BATCH_ONLY = "batch_tokens"
SchemaT = TypeVar("SchemaT", bound=BaseModel)
# ``--set`` items, or dotted path -> value (``{"train.max_steps": 10}``).
Overrides = Iterable[str] | Mapping[str, Any]


class Config(BaseModel):
    """A validated configuration: global sections plus one settings object per stage."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    pipeline: list[str]
    input: InputSettings = Field(default_factory=InputSettings)
    output: OutputSettings = Field(default_factory=OutputSettings)
    run: RunSettings = Field(default_factory=RunSettings)
    engine: EngineSettings = Field(default_factory=EngineSettings)
    stages: dict[str, BaseModel] = Field(default_factory=dict)
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The configuration as plain data, in file layout (stage sections at top level)."""
        data: dict[str, Any] = {"pipeline": list(self.pipeline)}
        for name in self.pipeline:
            data[name] = self.stages[name].model_dump(mode="json")
        for key in ("input", "output", "run", "engine"):
            data[key] = getattr(self, key).model_dump(mode="json")
        return data

    def hash(self) -> str:
        """A short digest of everything that changes results; resume compares it."""
        relevant = self.to_dict()
        relevant.pop("output", None)
        relevant["run"] = {}  # batch size and error policy do not change outputs
        relevant.pop("engine", None)  # nor where the stages run
        blob = json.dumps(_without_budgets(relevant), sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def _without_budgets(data: Any) -> Any:
    """``data`` with every model section's ``batch_tokens`` left out."""
    if isinstance(data, dict):
        return {k: _without_budgets(v) for k, v in data.items() if k != BATCH_ONLY}
    return data


def parse_override(item: str) -> tuple[list[str], Any]:
    """Split ``translate.num_beams=4`` into its path and YAML-typed value.

    Raises:
        ConfigError: when the item has no ``=`` or no dotted path.
    """
    key, sep, raw = item.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError(f"--set {item!r}: expected KEY=VALUE, e.g. translate.num_beams=4")
    path = key.split(".")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError as e:
        raise ConfigError(f"--set {item!r}: value is not valid YAML") from e
    return path, value


def parse_overrides(items: Iterable[str]) -> dict[str, Any]:
    """``--set`` items as dotted path -> value, as the trainers take them (last one wins)."""
    return dict(map(_dotted, items))


def _dotted(item: str) -> tuple[str, Any]:
    path, value = parse_override(item)
    return ".".join(path), value


def apply_overrides(
    raw: dict[str, Any],
    overrides: Overrides | None,
    *,
    single_keys: Collection[str] | None = GLOBAL_SECTIONS,
) -> dict[str, Any]:
    """Return a copy of ``raw`` with each override set; missing sections are created.

    The one applier of ``--set`` for ``vien run``, ``vien eval`` and every
    ``vien train`` command.

    Args:
        raw: the parsed YAML mapping (left unchanged).
        overrides: ``--set`` items (``translate.num_beams=4``), or dotted path
            -> value (``{"train.max_steps": 10}``), applied in order.
        single_keys: the top-level keys a path without a dot may set (a
            pipeline stage's keys live in its section); None: any key.

    Raises:
        ConfigError: an item is malformed, or its path runs through a value
            that is not a section.
    """
    data = copy.deepcopy(raw)
    for item in overrides.items() if isinstance(overrides, Mapping) else overrides or []:
        dotted, value = _dotted(item) if isinstance(item, str) else item
        *parents, leaf = dotted.split(".")
        if single_keys is not None and not parents and leaf not in single_keys:
            raise ConfigError(f"--set {item!r}: expected a dotted path such as translate.num_beams")
        node = data
        for part in parents:
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            if not isinstance(child, dict):
                raise ConfigError(f"--set {dotted}: {part!r} is not a section")
            node = child
        node[leaf] = value
    return data


def read_yaml(path: str | Path) -> dict[str, Any]:
    """The mapping a YAML configuration file holds ({} for an empty file).

    Raises:
        ConfigError: the file is missing, unreadable or not YAML.
    """
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError as e:
        raise ConfigError(f"{path}: configuration file not found") from e
    except OSError as e:
        raise ConfigError(f"{path}: cannot read the configuration ({e.strerror})") from e
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: not valid YAML ({e.__class__.__name__})") from e
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: configuration must be a mapping of sections")
    return raw


def load_settings(
    path: str | Path, schema: type[SchemaT], overrides: Overrides | None = None
) -> SchemaT:
    """Read a YAML file, apply dotted-path overrides and validate it against ``schema``.

    The loader of the training configs: the same reader, applier and error
    lines as :func:`load_config`, against a single schema.

    Raises:
        ConfigError: the file is missing or not YAML, or fails validation
            (every error listed with its dotted path).
    """
    raw = apply_overrides(read_yaml(path), overrides, single_keys=None)
    try:
        return schema.model_validate(raw)
    except ValidationError as e:
        raise ConfigError(f"{path}:\n" + "\n".join(format_errors("", e))) from e


def format_errors(prefix: str, error: ValidationError) -> list[str]:
    lines = []
    for err in error.errors():
        loc = ".".join(str(p) for p in (prefix, *err["loc"]) if p != "")
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        lines.append(f"{loc}: {msg}")
    return lines


def validate_config(raw: dict[str, Any], *, path: str | None = None) -> Config:
    """Validate raw configuration data.

    Raises:
        ConfigError: listing every problem, one per line, each with its dotted path.
    """
    if not isinstance(raw, dict):
        raise ConfigError("configuration must be a mapping of sections")
    problems: list[str] = []
    pipeline = raw.get("pipeline")
    if not isinstance(pipeline, list) or not all(isinstance(s, str) for s in pipeline):
        raise ConfigError("pipeline: must be a list of stage names, e.g. [normalize, segment]")
    stages: dict[str, BaseModel] = {}
    for name in pipeline:
        try:
            stage_cls = registry.get_stage(name)
        except ConfigError as e:
            problems.append(f"pipeline: {e}")
            continue
        try:
            stages[name] = stage_cls.Settings.model_validate(raw.get(name) or {})
        except ValidationError as e:
            problems.extend(format_errors(name, e))
    for key in raw:
        if key not in GLOBAL_SECTIONS and key not in pipeline:
            problems.append(f"{key}: unknown section (not a stage listed in pipeline)")
    globals_ = {k: raw[k] for k in GLOBAL_SECTIONS if k in raw and k != "pipeline"}
    config = None
    try:
        config = Config(pipeline=pipeline, stages=stages, path=path, **globals_)
    except ValidationError as e:
        problems.extend(format_errors("", e))
    if problems:
        raise ConfigError("\n".join(problems))
    assert config is not None
    return config


def load_config(path: str | Path, overrides: list[str] | None = None) -> Config:
    """Read a YAML configuration, apply ``--set`` overrides and validate it.

    Relative model paths are resolved against the current directory first and
    then against the folder above ``configs/``, so bundled models are found
    from anywhere in the repository.

    Raises:
        ConfigError: the file is missing, is not YAML, or does not validate.
    """
    path = Path(path)
    raw = apply_overrides(read_yaml(path), overrides)
    config = validate_config(raw, path=str(path))
    _resolve_model_paths(config, path.resolve().parent.parent)
    return config


def _resolve_model_paths(config: Config, project_root: Path) -> None:
    for settings in config.stages.values():
        for holder in model_settings(settings):
            candidate = Path(holder.model)
            if candidate.is_absolute():
                continue
            if candidate.exists():
                holder.model = str(candidate.resolve())
                continue
            # "models/x" is the repository's folder; "org/name" stays a hub id.
            if (project_root / candidate.parts[0]).is_dir():
                holder.model = str(project_root / candidate)


def model_settings(settings: BaseModel) -> list[Any]:
    """Every nested settings object of a stage's settings that names a ``model``."""
    found = []
    if "model" in type(settings).model_fields and isinstance(settings.model, str):
        found.append(settings)
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, BaseModel):
            found.extend(model_settings(value))
    return found
