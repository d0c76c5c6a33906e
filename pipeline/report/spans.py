"""Cut a sentence into plain text and protected spans, so the report can highlight them.

The Vietnamese side has the spans' offsets (into the text that was
translated); the English side has only each span's English, found left to
right. A span that cannot be found is simply not highlighted.
"""

from __future__ import annotations

from typing import Any

Part = tuple[str, str | None]  # (text, span kind or None)


def vietnamese_parts(text: str, spans: list[dict[str, Any]]) -> list[Part]:
    """``text`` cut at the spans whose offsets still point at their text."""
    located = [
        (s["start"], s["end"], s["kind"]) for s in spans if text[s["start"] : s["end"]] == s["text"]
    ]
    return _cut(text, located)


def english_parts(text: str, spans: list[dict[str, Any]]) -> list[Part]:
    """``text`` cut at each span's English, searched in order (case-insensitive)."""
    folded = text.casefold()
    located = []
    position = 0
    for span in spans:
        english = span["en"].casefold()
        found = folded.find(english, position) if english else -1
        if found < 0 and english:
            found = folded.find(english)  # English word order may put it earlier
        if found >= 0:
            located.append((found, found + len(english), span["kind"]))
            position = found + len(english)
    return _cut(text, sorted(located))


def _cut(text: str, located: list[tuple[int, int, str]]) -> list[Part]:
    parts: list[Part] = []
    last = 0
    for start, end, kind in sorted(located):
        if start < last:
            continue
        if start > last:
            parts.append((text[last:start], None))
        parts.append((text[start:end], kind))
        last = end
    if last < len(text):
        parts.append((text[last:], None))
    return parts
