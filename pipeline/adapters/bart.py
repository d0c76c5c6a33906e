"""BART models: English summarizers (distilbart-cnn) and BART-architecture bundled models."""

from __future__ import annotations

from typing import ClassVar

from pipeline.adapters.base import Seq2SeqAdapter


class BartAdapter(Seq2SeqAdapter):
    """Monolingual BART models need no hook: no language codes, tags or prefix."""

    family: ClassVar[str] = "bart"
