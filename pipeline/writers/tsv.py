"""``aligned.tsv``: id, Vietnamese, English, flags, score; one segment per row.

Tabs, line breaks and backslashes inside fields are escaped (``\\t``, ``\\n``,
``\\\\``) so every row stays one line; ``read_tsv`` undoes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from pipeline.document import Document
from pipeline.writers.aligned_jsonl import segment_records
from pipeline.writers.base import CorpusWriter

COLUMNS = ("id", "vi", "en", "flags", "score")
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def escape(field: str) -> str:
    return "".join(_ESCAPES.get(ch, ch) for ch in field)


def unescape(field: str) -> str:
    out, chars = [], iter(field)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "")
            out.append(_UNESCAPES.get(nxt, "\\" + nxt))
        else:
            out.append(ch)
    return "".join(out)


class TsvWriter(CorpusWriter):
    files: ClassVar[tuple[str, ...]] = ("aligned.tsv",)

    def begin(self) -> None:
        self.handles["aligned.tsv"].write("\t".join(COLUMNS) + "\n")

    def write(self, doc: Document) -> None:
        out = self.handles["aligned.tsv"]
        for r in segment_records(doc):
            score = "" if r["score"] is None else f"{r['score']:.4f}"
            fields = (r["id"], r["vi"], r["en"], ",".join(r["flags"]), score)
            out.write("\t".join(escape(f) for f in fields) + "\n")


def read_tsv(path: Path) -> Iterator[dict[str, str]]:
    """Rows of an ``aligned.tsv`` as dicts, with fields unescaped."""
    with open(path, encoding="utf-8", newline="\n") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            values = [unescape(v) for v in line.rstrip("\n").split("\t")]
            yield dict(zip(header, values, strict=True))
