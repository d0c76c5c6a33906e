"""The placeholder tokens that stand in for protected spans while a model translates.

The bundled model's vocabulary has each token as one piece, and it is trained
on pairs where the same value on both sides was replaced by the same token, so
it learns to copy them (and move them where English word order wants them).
"""

from __future__ import annotations

import re

# Enough for a long news sentence; spans past the last token are left unprotected
# (the number check still flags them if they are lost).
MAX_PLACEHOLDERS = 16
OPEN, CLOSE = "\uff5f", "\uff60"  # ｟ ｠: not used in Vietnamese or English text
PLACEHOLDER = re.compile(f"{OPEN}([0-9]+){CLOSE}")


def placeholder(index: int) -> str:
    """The token for the ``index``-th span of a sentence (1-based): ``｟1｠``."""
    if not 1 <= index <= MAX_PLACEHOLDERS:
        raise ValueError(f"placeholder index {index} outside 1..{MAX_PLACEHOLDERS}")
    return f"{OPEN}{index}{CLOSE}"


# Marks a synthetic (back-translated) training source (Caswell et al. 2019, "Tagged
# Back-Translation"); reserved in the vocabulary so any later stage can add such data.
BACK_TRANSLATION_TAG = f"{OPEN}BT{CLOSE}"


def all_placeholders() -> list[str]:
    """Every token, in index order (the vocabulary reserves one piece for each)."""
    return [placeholder(i) for i in range(1, MAX_PLACEHOLDERS + 1)]
