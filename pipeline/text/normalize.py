"""Canonical form of input text, applied once before anything takes offsets.

Every later stage stores character offsets into the normalized text, so the
function must be idempotent: normalizing twice may not move any offset.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.text.tones import to_new_style, to_old_style

TONE_STYLES = ("keep", "old", "new")

# Line separators other than "\n" (CR, VT, FF, NEL, LINE/PARAGRAPH SEPARATOR).
_NEWLINES = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_SPACE_RUN = re.compile(r" {2,}")
_BLANK_RUN = re.compile(r"\n{3,}")


class _Removals(dict[int, str | None]):
    """Drop control, format (zero-width, BOM, soft hyphen, bidi) and surrogate characters.

    A lazily filled ``str.translate`` table: far faster than a loop over characters.
    """

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        keep = char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cf", "Cs")
        self[code] = char if keep else None
        return self[code]


class _Spaces(dict[int, str]):
    """Translation table that turns tabs and every Unicode space separator into " "."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        self[code] = " " if char == "\t" or unicodedata.category(char) == "Zs" else char
        return self[code]


_REMOVALS = _Removals()
_SPACES = _Spaces()


def normalize_text(text: str, *, tone_style: str = "keep") -> str:
    """Return the canonical form of ``text``.

    NFC; "\\n" line ends; Unicode spaces and tabs as one space; no zero-width
    or control characters; no spaces at line starts and ends; at most one
    blank line in a row; no leading or trailing blank lines. Typographic
    quotes and dashes are kept, because they carry sentence structure.

    Args:
        text: any decoded text.
        tone_style: "keep", "old" (hòa, thủy) or "new" (hoà, thuỷ).

    Returns:
        The normalized text; ``normalize_text(normalize_text(t)) == normalize_text(t)``.

    Raises:
        ValueError: ``tone_style`` is not one of ``TONE_STYLES``.
    """
    if tone_style not in TONE_STYLES:
        raise ValueError(f"tone_style must be one of {', '.join(TONE_STYLES)}, not {tone_style!r}")
    text = _NEWLINES.sub("\n", text)
    text = text.translate(_REMOVALS)
    # NFC before mapping spaces: NFC itself maps U+2000/U+2001 to other spaces.
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_SPACES)
    if tone_style == "old":
        text = unicodedata.normalize("NFC", to_old_style(text))
    elif tone_style == "new":
        text = unicodedata.normalize("NFC", to_new_style(text))
    text = _SPACE_RUN.sub(" ", text)
    text = "\n".join(line.strip(" ") for line in text.split("\n"))
    text = _BLANK_RUN.sub("\n\n", text)
    return text.strip("\n")
