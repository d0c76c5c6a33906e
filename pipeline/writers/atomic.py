"""Write files so that no half-written file ever appears under its final name."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def atomic_open(path: Path, mode: str = "w", *, durable: bool = True) -> Iterator[IO]:
    """Open a temporary sibling of ``path``; on success rename it over ``path``.

    Text mode uses UTF-8 and ``newline="\\n"`` so line-aligned files stay aligned.
    A killed process leaves either the old file or the new one, never a mix.
    ``durable`` also syncs the data to disk before the rename, so that holds
    after a system crash too; files whose readers check them (per-document
    JSON) can skip it, see ``document_json.write_document``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    kwargs = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
    try:
        with open(tmp, mode, **kwargs) as fh:
            yield fh
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_text(path: Path, text: str, *, durable: bool = True) -> None:
    """Replace ``path`` with ``text`` atomically (see ``atomic_open``)."""
    with atomic_open(path, durable=durable) as fh:
        fh.write(text)
