"""NLLB-200 (facebook/nllb-200-*): M2M100 models with FLORES-200 language codes."""

from __future__ import annotations

import re
from typing import ClassVar

from pipeline.adapters.m2m100 import LanguageCodeAdapter

# FLORES-200 codes: ISO 639-3 language, underscore, ISO 15924 script.
NLLB_CODE = re.compile(r"[a-z]{3}_[A-Z][a-z]{3}")


class NllbAdapter(LanguageCodeAdapter):
    """NLLB models: codes such as ``vie_Latn``, which are tokens of the vocabulary."""

    family: ClassVar[str] = "nllb"
    default_src_lang: ClassVar[str | None] = "vie_Latn"
    default_tgt_lang: ClassVar[str | None] = "eng_Latn"

    def _language_ids(self) -> dict[str, int]:
        # transformers 5's NllbTokenizer keeps no code table; the codes are
        # ordinary vocabulary entries of a recognizable shape.
        vocab = self.tokenizer.get_vocab()
        return {token: i for token, i in vocab.items() if NLLB_CODE.fullmatch(token)}
