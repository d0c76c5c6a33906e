"""Per-document JSON files, written as each document finishes; resume reads them."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from pipeline.document import Document
from pipeline.writers.atomic import atomic_write_text

DOCS_DIR = "docs"


def document_path(out_dir: Path, doc_id: str) -> Path:
    """Where the JSON of ``doc_id`` lives (ids may hold slashes; they are escaped)."""
    return out_dir / DOCS_DIR / f"{quote(doc_id, safe='')}.json"


def write_document(out_dir: Path, doc: Document, config_hash: str) -> Path:
    """Write ``doc`` atomically, stamped with the configuration hash."""
    path = document_path(out_dir, doc.id)
    data = {"config_hash": config_hash, **doc.to_dict()}
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return path


def read_document(out_dir: Path, doc_id: str) -> tuple[Document, str] | None:
    """The stored document and its configuration hash, or None if absent or unreadable."""
    path = document_path(out_dir, doc_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        config_hash = data.pop("config_hash")
        return Document.from_dict(data), config_hash
    except (OSError, ValueError, KeyError, TypeError):
        return None
