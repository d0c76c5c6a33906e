"""The corpus writer contract: open, write each document in order, close."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any, ClassVar

from pipeline.document import Document
from pipeline.writers.atomic import atomic_open


class CorpusWriter:
    """Writes one corpus-level output from documents streamed in input order.

    Subclasses list their file names in ``files`` and implement ``write``;
    files are opened atomically, so a run that dies leaves the previous
    complete outputs in place.
    """

    files: ClassVar[tuple[str, ...]] = ()
    binary: ClassVar[bool] = False

    def __init__(self, out_dir: Path, *, run_info: dict[str, Any]) -> None:
        self.out_dir = out_dir
        self.run_info = run_info
        self._stack = ExitStack()
        self.handles: dict[str, IO] = {}

    def __enter__(self) -> CorpusWriter:
        mode = "wb" if self.binary else "w"
        for name in self.files:
            self.handles[name] = self._stack.enter_context(atomic_open(self.out_dir / name, mode))
        self.begin()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.end()
        self._stack.__exit__(exc_type, exc, tb)

    def begin(self) -> None:
        """Write headers."""

    def write(self, doc: Document) -> None:
        raise NotImplementedError

    def end(self) -> None:
        """Write footers."""


def one_line(text: str | None) -> str:
    """Text on one line: line breaks and tabs become spaces (for line-aligned files)."""
    if not text:
        return ""
    return " ".join(text.replace("\t", " ").splitlines())
