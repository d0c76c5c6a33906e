"""Configuration loading, overrides and validation errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import apply_overrides, load_config, parse_override, validate_config
from pipeline.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent

OVERRIDES = [
    ("translate.num_beams=4", (["translate", "num_beams"], 4)),
    ("translate.model=some/model", (["translate", "model"], "some/model")),
    ("normalize.remove_residue=false", (["normalize", "remove_residue"], False)),
    ("summarize.vi.max_new_tokens=64", (["summarize", "vi", "max_new_tokens"], 64)),
    ("pipeline=[normalize, segment]", (["pipeline"], ["normalize", "segment"])),
]


@pytest.mark.parametrize(("item", "expected"), OVERRIDES, ids=[o[0] for o in OVERRIDES])
def test_parse_override(item: str, expected) -> None:
    assert parse_override(item) == expected


@pytest.mark.parametrize("item", ["translate.num_beams", "=4"])
def test_parse_override_rejects(item: str) -> None:
    with pytest.raises(ConfigError):
        parse_override(item)


def test_stage_override_needs_a_dotted_path() -> None:
    with pytest.raises(ConfigError, match="dotted path"):
        apply_overrides({}, ["num_beams=4"])


def test_apply_overrides_does_not_mutate() -> None:
    raw = {"translate": {"model": "m"}}
    assert apply_overrides(raw, ["translate.num_beams=2"])["translate"]["num_beams"] == 2
    assert raw == {"translate": {"model": "m"}}


def test_default_config_validates() -> None:
    config = load_config(REPO / "configs" / "default.yaml")
    assert config.pipeline == ["normalize", "segment", "translate", "summarize"]
    assert Path(config.stages["translate"].model).is_absolute()


# Training configs (train-*.yaml) have their own schema in pipeline.training.
PRESETS = sorted(p for p in (REPO / "configs").glob("*.yaml") if not p.name.startswith("train-"))


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.name)
def test_every_pipeline_preset_validates(path: Path) -> None:
    load_config(path)


def test_all_errors_reported_at_once() -> None:
    raw = {
        "pipeline": ["normalize", "segment", "translate", "nonsense"],
        "normalize": {"tone_style": "sideways"},
        "translate": {"model": "m", "num_beams": 0, "colour": "red"},
        "stray": {},
    }
    with pytest.raises(ConfigError) as info:
        validate_config(raw)
    lines = str(info.value).splitlines()
    assert any(
        line.startswith("pipeline: unknown stage 'nonsense'; valid names:") for line in lines
    )
    assert any(line.startswith("normalize.tone_style:") for line in lines)
    assert any(line.startswith("translate.num_beams:") for line in lines)
    assert "translate.colour: unknown key" in lines
    assert any(line.startswith("stray: unknown section") for line in lines)


def test_missing_model_is_an_error() -> None:
    with pytest.raises(ConfigError, match=r"translate.model: Field required"):
        validate_config({"pipeline": ["translate"], "translate": {}})


def test_hash_ignores_batch_sizes_but_not_beams_or_threads() -> None:
    base = {"pipeline": ["translate"], "translate": {"model": "m"}}
    a = validate_config(base)
    b = validate_config({**base, "run": {"batch_docs": 99}})
    c = validate_config({**base, "translate": {"model": "m", "num_beams": 2}})
    d = validate_config({**base, "translate": {"model": "m", "batch_tokens": 64}})
    e = validate_config({**base, "translate": {"model": "m", "threads": 1}})
    assert a.hash() == b.hash() == d.hash() != c.hash()
    assert e.hash() != a.hash()  # thread counts may change torch's results
