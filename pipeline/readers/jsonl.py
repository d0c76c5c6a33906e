"""JSON Lines: one document per line, text in a configurable field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from pipeline.document import Document
from pipeline.errors import InputError
from pipeline.readers.text import document_id, read_bytes
from pipeline.settings import InputSettings
from pipeline.text.decode import decode_bytes


def read_jsonl_file(
    path: Path, root: Path, settings: InputSettings
) -> Iterator[Document | InputError]:
    """Yield a document per line, or an ``InputError`` for a line that is unusable.

    A bad line does not stop the file: its error is yielded in its place and
    the following lines are still read.

    Raises:
        InputError: the file itself cannot be read or decoded.
    """
    text = decode_bytes(read_bytes(path, settings), source=str(path))
    stem = document_id(path, root)
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            yield InputError(where, f"not valid JSON ({e.msg} at column {e.colno})")
            continue
        if not isinstance(record, dict):
            yield InputError(where, "a JSON object is expected on each line")
            continue
        body = record.get(settings.text_field)
        if not isinstance(body, str):
            problem = "has no" if body is None else "has a non-text"
            yield InputError(
                where, f"{problem} {settings.text_field!r} field (set input.text_field)"
            )
            continue
        own_id = record.get(settings.id_field)
        doc_id = f"{stem}/{own_id}" if own_id not in (None, "") else f"{stem}/{number}"
        metadata = {
            k: v for k, v in record.items() if k not in (settings.text_field, settings.id_field)
        }
        if settings.title_field in record:
            metadata["title"] = record[settings.title_field]
        yield Document(id=doc_id, source=where, text=body, metadata=metadata)
