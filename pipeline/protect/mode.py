"""Which form of protection a model can take, read from its tokenizer.

A model trained with the placeholder tokens has each of them as one known
vocabulary piece that survives decoding; hub models and older bundled models
do not (the tokens fall apart into "<unk>" and digits). Deciding from the
tokenizer means no setting to remember when the model changes.
"""

from __future__ import annotations

import logging
from typing import Any

from pipeline.protect.placeholders import all_placeholders
from pipeline.protect.substitute import Mode

logger = logging.getLogger(__name__)

# Pieces that only mark a word start (sentencepiece's "▁") carry no content.
_WORD_MARKS = {"▁", "Ġ", ""}


def protection_mode(tokenizer: Any) -> Mode:
    """``placeholder`` when each token is one known piece that decodes to itself, else ``inline``.

    Args:
        tokenizer: a Hugging Face tokenizer (both backends expose the model's).
    """
    unknown = getattr(tokenizer, "unk_token_id", None)
    for token in all_placeholders():
        ids = tokenizer(token, add_special_tokens=False)["input_ids"]
        pieces = tokenizer.convert_ids_to_tokens(ids)
        content = [(i, p) for i, p in zip(ids, pieces, strict=True) if p not in _WORD_MARKS]
        if len(content) != 1 or content[0][0] == unknown or content[0][1].lstrip("▁Ġ") != token:
            return "inline"
        decoded = tokenizer.decode(ids, skip_special_tokens=True)
        if token not in decoded:
            logger.warning(
                "the model's tokenizer has %s as one piece but drops it when decoding (a special "
                "token?); protecting spans with inline English instead",
                token,
            )
            return "inline"
    return "placeholder"
