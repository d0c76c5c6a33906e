"""Per-document JSON files, written as each document finishes; resume reads them.

Document ids come from the inputs (file paths, JSONL ``id`` fields), so they
can be any length and hold any character. A file name is the id itself only
when that is safe everywhere: short, lowercase ASCII letters, digits, ``-`` and
``_``. Any other id gets a readable, bounded prefix plus a hash of the exact id
(``Bài-1~3f2a….json``), so names stay under the 255-byte limit of common file
systems and never collide, even where the file system ignores case or rewrites
Unicode normalization (macOS). The full id is kept inside the JSON.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path

from pipeline.document import Document
from pipeline.writers.atomic import atomic_write_text

DOCS_DIR = "docs"
# Ids matching this are their own file names: no two of them can collide
# under case folding or normalization, and none holds the hash separator.
PLAIN_ID = re.compile(r"[a-z0-9_][a-z0-9_-]{0,79}")
# Bytes of the readable prefix of any other id. With the separator, the hash
# and ``.json`` (22 bytes), and the atomic writer's ``.NAME.tmp-PID`` (up to 13
# more), the longest name stays far below 255 bytes.
PREFIX_BYTES = 80
HASH_CHARS = 16
# Characters kept in a prefix: letters and digits of any script, and ``.-_``;
# anything else (slashes, spaces, ``~``, characters Windows forbids) becomes ``_``.
_UNSAFE = re.compile(r"[^\w.-]")


def document_name(doc_id: str) -> str:
    """The file name (``.json`` included) of ``doc_id`` under ``docs/``.

    Args:
        doc_id: the document id, exactly as the reader made it.

    Returns:
        ``<id>.json`` for short lowercase ASCII ids, else
        ``<readable prefix>~<sha-256 of the id, 16 hex digits>.json``.
    """
    if PLAIN_ID.fullmatch(doc_id):
        return f"{doc_id}.json"
    digest = hashlib.sha256(doc_id.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_CHARS]
    readable = _UNSAFE.sub("_", unicodedata.normalize("NFC", doc_id)).lstrip(".")
    prefix = readable.encode("utf-8")[:PREFIX_BYTES].decode("utf-8", "ignore")
    return f"{prefix}~{digest}.json"


def document_path(out_dir: Path, doc_id: str) -> Path:
    """Where the JSON of ``doc_id`` lives (see ``document_name``)."""
    return out_dir / DOCS_DIR / document_name(doc_id)


def write_document(out_dir: Path, doc: Document, config_hash: str) -> Path:
    """Write ``doc`` atomically, stamped with the configuration hash.

    Not synced to disk: after a system crash a document file may be empty or
    cut short, and ``read_document`` then reads it as absent, so resuming
    redoes that document. Syncing each file cost 4 to 6 ms, more than
    translating a sentence (measured with benchmarks/profile_run.py); the
    corpus files and the manifest, which nothing checks, are still synced.
    """
    path = document_path(out_dir, doc.id)
    data = {"config_hash": config_hash, **doc.to_dict()}
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    atomic_write_text(path, text, durable=False)
    return path


def read_document(out_dir: Path, doc_id: str) -> tuple[Document, str] | None:
    """The stored document and its configuration hash, or None if absent or unreadable.

    A file holding another id (one copied in by hand) counts as absent.
    """
    path = document_path(out_dir, doc_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        config_hash = data.pop("config_hash")
        doc = Document.from_dict(data)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (doc, config_hash) if doc.id == doc_id else None
