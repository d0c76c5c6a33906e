"""Marian (OPUS-MT and the bundled vien models)."""

from __future__ import annotations

from typing import ClassVar

from pipeline.adapters.base import Seq2SeqAdapter


class MarianAdapter(Seq2SeqAdapter):
    """Marian models; multi-target ones get their ``>>xxx<<`` target tag.

    A tag is added only when ``tgt_lang`` is set and the vocabulary has the
    tag, as OPUS-MT multi-target models require (Helsinki-NLP/OPUS-MT-train).
    """

    family: ClassVar[str] = "marian"

    def _prepare(self, texts: list[str]) -> list[str]:
        if not self.tgt_lang:
            return texts
        tag = f">>{self.tgt_lang}<<"
        if tag not in self.tokenizer.get_vocab():
            return texts
        return [f"{tag} {t}" for t in texts]
