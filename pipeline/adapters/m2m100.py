"""M2M100, and the language-code handling shared by multilingual families.

NLLB, mBART-50 and M2M100 name the source and target languages by code: the
tokenizer puts the source code on the input, and generation must start with
the target code (``forced_bos_token_id``, as fairseq's multilingual models were
trained). ``LanguageCodeAdapter`` checks both codes once, when the model is
loaded, so a typo fails before any text is read.
"""

from __future__ import annotations

import difflib
from typing import ClassVar

from pipeline.adapters.base import Seq2SeqAdapter
from pipeline.errors import ConfigError

# How many valid codes an error message lists.
SUGGESTED_CODES = 8


class LanguageCodeAdapter(Seq2SeqAdapter):
    """A family whose models take language codes; subclasses give the code table."""

    def _language_ids(self) -> dict[str, int]:
        """Every language code the tokenizer knows, mapped to its token id."""
        raise NotImplementedError

    def _configure_tokenizer(self) -> None:
        self.language_ids = self._language_ids()
        for field, code in (("src_lang", self.src_lang), ("tgt_lang", self.tgt_lang)):
            if code not in self.language_ids:
                raise unknown_language(code, field, self.language_ids, self.family, self.name)
        super()._configure_tokenizer()

    def _generate_kwargs(self) -> dict[str, int]:
        return {"forced_bos_token_id": self.language_ids[self.tgt_lang]}


class M2M100Adapter(LanguageCodeAdapter):
    """facebook/m2m100 models: codes such as ``vi`` and ``en``."""

    family: ClassVar[str] = "m2m100"
    default_src_lang: ClassVar[str | None] = "vi"
    default_tgt_lang: ClassVar[str | None] = "en"

    def _language_ids(self) -> dict[str, int]:
        # The same ids as ``tokenizer.get_lang_id(code)``.
        return dict(self.tokenizer.lang_code_to_id)


def unknown_language(
    code: str | None, field: str, valid: dict[str, int], family: str, model: str
) -> ConfigError:
    """The error for a language code the model does not know, listing some it does.

    Args:
        code: the code given (None when the family has no default).
        field: the settings field that holds it, ``src_lang`` or ``tgt_lang``.
        valid: the codes the model knows.
        family: the adapter family, for the message.
        model: the model name, for the message.

    Returns:
        A ``ConfigError`` for the caller to raise.
    """
    close = difflib.get_close_matches(code or "", valid, n=SUGGESTED_CODES, cutoff=0.4)
    others = [c for c in sorted(valid) if c not in close]
    listed = ", ".join((close + others)[:SUGGESTED_CODES])
    return ConfigError(
        f"{field} {code!r} is not a language code of {family} model {model!r}; set {field} "
        f"to one of its {len(valid)} codes, such as {listed}"
    )
