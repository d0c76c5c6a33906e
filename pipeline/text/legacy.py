"""Decoders for the legacy Vietnamese encodings; detection lives in ``decode``."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from pipeline.text.legacy_tables import cp1252_table, tcvn3_table, viscii_table, vni_letters

# VIQR (RFC 1456): a vowel, then an optional vowel mark, then an optional tone.
_VIQR_MARKS = {"(": "\u0306", "^": "\u0302", "+": "\u031b"}
_VIQR_TONES = {"'": "\u0301", "`": "\u0300", "?": "\u0309", "~": "\u0303", ".": "\u0323"}
_VIQR_TAKES = {"(": "aA", "^": "aeoAEO", "+": "ouOU"}
_VIQR_WORD = re.compile(r"[A-Za-z][A-Za-z(^+'`?~.\\]*")


@cache
def _byte_table(name: str) -> dict[int, str]:
    tables = {"tcvn3": tcvn3_table, "viscii": viscii_table, "cp1252": cp1252_table}
    return dict(enumerate(tables[name]()))


@cache
def _vni_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    reverse = {spelling: letter for letter, spelling in vni_letters().items()}
    keys = sorted(reverse, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys)), reverse


def decode_tcvn3(data: bytes) -> str:
    """Decode TCVN3 (ABC) bytes."""
    return data.decode("latin-1").translate(_byte_table("tcvn3"))


def decode_viscii(data: bytes) -> str:
    """Decode VISCII bytes."""
    return data.decode("latin-1").translate(_byte_table("viscii"))


def decode_vni(data: bytes) -> str:
    """Decode VNI-for-Windows bytes (cp1252 characters spelling base letter + marks)."""
    text = data.decode("latin-1").translate(_byte_table("cp1252"))
    pattern, reverse = _vni_pattern()
    return pattern.sub(lambda m: reverse[m.group()], text)


def decode_cp1258(data: bytes) -> str:
    """Decode Windows-1258, whose tones are combining marks, into NFC."""
    return unicodedata.normalize("NFC", data.decode("cp1258"))


def decode_viqr(text: str) -> tuple[str, int]:
    """Convert VIQR text ("Vie^.t Nam") to Unicode.

    A backslash keeps the next mark literal, as RFC 1456 prescribes; text
    that uses such escapes is read strictly. Otherwise a word-final "." is a
    tone only before a lowercase word ("Ha` No^.i. Sau" ends a sentence) and
    a word-final "?" only before another word.

    Returns:
        The converted text and the number of words that carried marks.
    """
    marked = 0
    strict = "\\." in text or "\\?" in text

    def word(match: re.Match[str]) -> str:
        nonlocal marked
        after = "" if strict else text[match.end() : match.end() + 2]
        converted = _viqr_word(match.group(), after, strict)
        marked += converted != match.group()
        return converted

    return unicodedata.normalize("NFC", _VIQR_WORD.sub(word, text)), marked


def _viqr_word(word: str, after: str, strict: bool) -> str:
    out = []
    toned = False
    i = 0
    while i < len(word):
        char = word[i]
        nxt = word[i + 1] if i + 1 < len(word) else ""
        if char == "\\" and nxt:
            out.append(nxt)
            i += 2
            continue
        if char in "dD" and nxt in "dD" and i == 0:
            out.append("Đ" if char == "D" else "đ")
            i += 2
            continue
        out.append(char)
        i += 1
        if char not in "aeiouyAEIOUY":
            continue
        if i < len(word) and word[i] in _VIQR_MARKS and char in _VIQR_TAKES[word[i]]:
            out.append(_VIQR_MARKS[word[i]])
            i += 1
        if i < len(word) and word[i] in _VIQR_TONES and not toned:
            last = i == len(word) - 1
            if last and not strict and _is_punctuation(word[i], after):
                continue
            out.append(_VIQR_TONES[word[i]])
            toned = True
            i += 1
    return "".join(out)


def _is_punctuation(mark: str, after: str) -> bool:
    """Guess whether a word-final "." or "?" in unescaped VIQR is punctuation."""
    if mark == ".":
        return not (after[:1] == " " and after[1:2].islower())
    if mark == "?":
        return after[:1] != " " or not after[1:2].isalpha()
    return False
