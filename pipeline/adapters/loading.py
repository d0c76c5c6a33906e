"""Pick and load the adapter for a model, once per process.

The family comes from the model's Hugging Face config class (as CTranslate2's
converters do); NLLB shares ``M2M100Config`` with M2M100 and is told apart by
its tokenizer. Loaded adapters are cached so the translate and summarize
stages share one copy of a model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline import registry
from pipeline.errors import ConfigError, ModelNotFoundError
from pipeline.settings import GenerationSettings

_CACHE: dict[str, Any] = {}


def detect_family(model: str) -> tuple[str, Any]:
    """Return the family name for ``model`` and, when it had to be loaded, its tokenizer.

    Raises:
        ModelNotFoundError: the model's config cannot be read.
        ConfigError: the config class belongs to no supported family.
    """
    from transformers import AutoConfig, AutoTokenizer

    local = Path(model).is_dir()
    try:
        config = AutoConfig.from_pretrained(model, local_files_only=local, trust_remote_code=False)
    except (OSError, ValueError) as e:
        raise ModelNotFoundError(
            f"cannot read the config of model {model!r} ({e.__class__.__name__}); give a local "
            "model folder, or a hub id on a machine with internet access"
        ) from e
    config_class = type(config).__name__
    family = registry.ADAPTER_CONFIG_CLASSES.get(config_class)
    if family is None:
        valid = ", ".join(sorted(registry.ADAPTER_CONFIG_CLASSES))
        raise ConfigError(
            f"model {model!r} has config {config_class}, which no adapter supports; "
            f"supported: {valid}"
        )
    tokenizer = None
    if family == "m2m100":
        tokenizer = AutoTokenizer.from_pretrained(
            model, local_files_only=local, trust_remote_code=False
        )
        if type(tokenizer).__name__.startswith("Nllb"):
            family = "nllb"
    return family, tokenizer


def load_adapter(settings: GenerationSettings) -> Any:
    """The adapter for ``settings``, loaded once per process and then shared."""
    # ``ct2_cache`` is left out of dumps (and so of the config hash), not of the key.
    key = f"{settings.model_dump_json()}|{settings.ct2_cache}"
    if key not in _CACHE:
        family, tokenizer = settings.family, None
        if family == "auto":
            family, tokenizer = detect_family(settings.model)
        # The family's adapter builds the backend ``settings.backend`` names.
        _CACHE[key] = registry.get_adapter(family)(settings, tokenizer=tokenizer)
    return _CACHE[key]


def clear_cache() -> None:
    """Forget loaded models (tests, and long-lived processes switching configs)."""
    _CACHE.clear()
