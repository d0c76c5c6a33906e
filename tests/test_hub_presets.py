"""The hub presets with their real models: load, translate two sentences, check the English.

Opt in with ``pytest --slow``: each preset downloads its model once (from
300 MB for Marian to 12 GB for MADLAD-400 3B). Skipped when the Hugging Face
hub cannot be reached, as on the machines that run ``make test``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from pipeline.adapters.loading import clear_cache, load_adapter
from pipeline.config import load_config
from pipeline.quality import diagnose

CONFIGS = Path(__file__).resolve().parent.parent / "configs"
PRESETS = ["marian-opus", "nllb", "mbart50", "m2m100", "madlad", "envit5"]
# (Vietnamese, words one of which any sound translation holds)
SENTENCES = [
    ("Hà Nội là thủ đô của Việt Nam.", ("capital",)),
    ("Hôm nay trời mưa rất to ở thành phố Hồ Chí Minh.", ("rain", "pour")),
]
# Function words: an English sentence holds two of them, a Vietnamese one none.
ENGLISH_WORDS = frozenset({"the", "a", "is", "it", "its", "of", "in", "today", "very", "was"})


@pytest.fixture(scope="module")
def hub() -> None:
    """Skip unless the hub answers (and is not switched off with HF_HUB_OFFLINE)."""
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes"):
        pytest.skip("HF_HUB_OFFLINE is set")
    from huggingface_hub import model_info

    try:
        model_info("Helsinki-NLP/opus-mt-vi-en", timeout=10)
    except Exception as e:  # noqa: BLE001 - any failure means no hub for these tests
        pytest.skip(f"the Hugging Face hub cannot be reached ({type(e).__name__})")


@pytest.mark.slow
@pytest.mark.parametrize("preset", PRESETS)
def test_preset_translates_into_english(hub, preset: str) -> None:
    settings = load_config(CONFIGS / f"{preset}.yaml").stages["translate"]
    try:
        outputs = load_adapter(settings).generate_batch([vi for vi, _ in SENTENCES])
    finally:
        clear_cache()  # one large model in memory at a time

    assert len(outputs) == len(SENTENCES)
    for (vi, expected), output in zip(SENTENCES, outputs, strict=True):
        text = output.text
        words = set(re.findall(r"[a-z]+", text.casefold()))
        # No loop, not empty, not the Vietnamese copied, length within 0.3-3x.
        assert diagnose(vi, text) == [], text
        assert len(words & ENGLISH_WORDS) >= 2, text
        assert any(word.startswith(expected) for word in words), text
