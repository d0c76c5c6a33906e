"""Put protected spans out of the model's reach, and their English back into its output.

Two forms. A model whose vocabulary holds the placeholder tokens (trained to
copy them) gets ``｟1｠``…``｟16｠``; the restore step checks each token came
back exactly once and writes the span's English in its place. Any other model
gets the English written into the source ("Chiều March 6, …"), which models
tend to copy; the restore step then checks each English form is there.
Either way a failed check returns None, and the caller falls back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pipeline.protect.placeholders import MAX_PLACEHOLDERS, OPEN, PLACEHOLDER, placeholder
from pipeline.protect.spans import ProtectedSpan
from pipeline.protect.verify import lost

Mode = Literal["placeholder", "inline"]
# Anything in placeholder brackets, including tokens the model invents (｟BT｠, ｟17｠).
ANY_TOKEN = re.compile(rf"{OPEN}[^{OPEN}\uff60]{{0,8}}\uff60")
_OPENING = re.compile(r"^[\s\"'“‘(\[«-]*")


@dataclass(frozen=True)
class Plan:
    """One source, its spans, and the text the model gets instead.

    Attributes:
        source: the text as it would be translated without protection.
        spans: its protected spans, in order.
        text: the model's input.
        tokens: how many spans (the first ones) stand as placeholder tokens;
            the others are written inline.
    """

    source: str
    spans: tuple[ProtectedSpan, ...]
    text: str
    tokens: int = 0


def make_plan(source: str, spans: list[ProtectedSpan], mode: Mode) -> Plan:
    """Replace ``spans`` of ``source`` by tokens (the first 16 in placeholder mode) or English."""
    tokens = min(len(spans), MAX_PLACEHOLDERS) if mode == "placeholder" else 0
    parts = []
    last = 0
    for index, span in enumerate(spans):
        parts.append(source[last : span.start])
        parts.append(placeholder(index + 1) if index < tokens else span.en)
        last = span.end
    parts.append(source[last:])
    return Plan(source, tuple(spans), "".join(parts), tokens)


def restore(output: str, plan: Plan) -> str | None:
    """``output`` with each token replaced by its span's English, or None if the model failed.

    It failed when a token is missing, repeated or unknown, or when an inline
    span's English is not in the output.
    """
    found = [int(m.group(1)) for m in PLACEHOLDER.finditer(output)]
    if sorted(found) != list(range(1, plan.tokens + 1)) or ANY_TOKEN.sub("", output) != (
        PLACEHOLDER.sub("", output)
    ):
        return None
    text = output
    start = _OPENING.match(text)
    for index in range(plan.tokens):
        english = plan.spans[index].en
        token = placeholder(index + 1)
        if start is not None and text.startswith(token, start.end()):
            english = english[:1].upper() + english[1:]
        text = text.replace(token, english)
    if lost(list(plan.spans[plan.tokens :]), text):
        return None
    return text


def scrub(text: str) -> str:
    """Remove stray placeholder tokens from an output, so none ever reaches a reader."""
    if OPEN not in text:
        return text
    return " ".join(ANY_TOKEN.sub(" ", text).split())
