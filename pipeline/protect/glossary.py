"""A Vietnamese→English glossary: fixed English for state and party terms, and the user's own.

Matching is longest-first, on syllable boundaries and case-insensitive, and
finds both tone-mark styles ("Khánh Hòa" and "Khánh Hoà"). Entries of the
user's file win over the bundled ones with the same Vietnamese.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.text.tones import to_new_style, to_old_style

BUNDLED = "data/glossary.vi-en.tsv"
# Separators inside a term that writers vary: "GD-ĐT", "GD – ĐT"; "sở, ban, ngành".
_DASH = r"\s*[-–]\s*"
_COMMA = r"\s*,\s*"


@dataclass(frozen=True)
class Term:
    """A glossary hit: where the Vietnamese stands and the English it must become."""

    start: int
    end: int
    text: str
    english: str


def read_glossary(text: str, *, source: str) -> dict[str, str]:
    """Entries of a glossary file: ``vi<TAB>en`` lines; blank lines and ``#`` comments skipped.

    Raises:
        ConfigError: a line without exactly two non-empty columns (names the line).
    """
    entries: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) != 2 or not all(cells):
            raise ConfigError(
                f"{source}:{number}: a glossary line is 'Vietnamese<TAB>English', got {line!r}"
            )
        entries[unicodedata.normalize("NFC", cells[0])] = cells[1]
    return entries


@lru_cache(maxsize=1)
def bundled_entries() -> dict[str, str]:
    """The bundled glossary of Vietnamese state and party terms (see the file's header)."""
    text = resources.files("pipeline.protect").joinpath(BUNDLED).read_text("utf-8")
    return read_glossary(text, source=f"pipeline/protect/{BUNDLED}")


class Glossary:
    """Finds glossary terms in Vietnamese text.

    Args:
        entries: Vietnamese term → English, in any order.
    """

    def __init__(self, entries: dict[str, str]) -> None:
        self.entries = dict(entries)
        self._english: dict[str, str] = {}
        for vi, en in entries.items():
            for variant in {vi, to_old_style(vi), to_new_style(vi)}:
                self._english[_key(unicodedata.normalize("NFC", variant))] = en
        patterns = sorted({_pattern(_key(v)) for v in self._english}, key=len, reverse=True)
        self._regex = (
            re.compile(rf"(?<![^\W_])(?:{'|'.join(patterns)})(?![^\W_])", re.IGNORECASE)
            if patterns
            else None
        )

    @classmethod
    def load(cls, path: str | Path | None = None, *, bundled: bool = True) -> Glossary:
        """The bundled glossary, overridden by the user's file at ``path`` if given.

        Raises:
            ConfigError: the file cannot be read or has a malformed line.
        """
        entries = dict(bundled_entries()) if bundled else {}
        if path is not None:
            try:
                text = Path(path).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as e:
                raise ConfigError(
                    f"translate.glossary: cannot read {path}: {e.__class__.__name__}; give a "
                    "UTF-8 file of 'Vietnamese<TAB>English' lines"
                ) from e
            user = read_glossary(text, source=str(path))
            # The user's entry wins over a bundled one with the same Vietnamese in any case.
            user_keys = {_key(k) for k in user}
            entries = {k: v for k, v in entries.items() if _key(k) not in user_keys} | user
        return cls(entries)

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, text: str) -> list[Term]:
        """Non-overlapping terms of ``text``, longest first at each position, in order."""
        if self._regex is None:
            return []
        terms = []
        for match in self._regex.finditer(text):
            english = self._english.get(_key(match.group()))
            if english is not None:
                terms.append(Term(match.start(), match.end(), match.group(), english))
        return terms


def _key(text: str) -> str:
    """Case, spacing and dash variants of a term collapse to one key."""
    text = re.sub(_DASH, "-", text.casefold())
    text = re.sub(_COMMA, ",", text)
    return " ".join(text.split())


def _pattern(key: str) -> str:
    parts = []
    for char in key:
        if char == " ":
            parts.append(r"\s+")
        elif char == "-":
            parts.append(_DASH)
        elif char == ",":
            parts.append(_COMMA)
        else:
            parts.append(re.escape(char))
    return "".join(parts)
