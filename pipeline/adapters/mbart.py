"""mBART-50 translation models (e.g. vinai/vinai-translate-vi2en-v2) and mBART-25 fine-tunes."""

from __future__ import annotations

from typing import Any, ClassVar

from pipeline.adapters.m2m100 import LanguageCodeAdapter


class MBartAdapter(LanguageCodeAdapter):
    """mBART models: codes such as ``vi_VN`` and ``en_XX``.

    Works with both ``MBart50Tokenizer`` and ``MBartTokenizer``, which each
    keep a ``lang_code_to_id`` table.
    """

    family: ClassVar[str] = "mbart"
    default_src_lang: ClassVar[str | None] = "vi_VN"
    default_tgt_lang: ClassVar[str | None] = "en_XX"

    def _language_ids(self) -> dict[str, int]:
        return dict(self.tokenizer.lang_code_to_id)

    def _generate_kwargs(self) -> dict[str, Any]:
        # mBART-25 fine-tunes (facebook/mbart-large-en-ro) start decoding with
        # the target code itself rather than </s> then a forced code; forcing
        # it again would repeat it.
        if self.generation_config.decoder_start_token_id in self.language_ids.values():
            return {"decoder_start_token_id": self.language_ids[self.tgt_lang]}
        return super()._generate_kwargs()
