"""T5-family models: MADLAD-400 (``<2en> ``), EnViT5 (``vi: ``), ViT5 summarizers."""

from __future__ import annotations

from typing import ClassVar

from pipeline.adapters.base import Seq2SeqAdapter


class T5Adapter(Seq2SeqAdapter):
    """T5 models steered by a text prefix rather than language tokens.

    The prefix is ``settings.prefix`` when set (an empty string turns it off),
    else the model config's ``prefix``, else none. No first token is forced.
    """

    family: ClassVar[str] = "t5"

    def _prepare(self, texts: list[str]) -> list[str]:
        prefix = self.settings.prefix
        if prefix is None:
            prefix = getattr(self.config, "prefix", None) or ""
        if not prefix:
            return texts
        return [prefix + t for t in texts]
