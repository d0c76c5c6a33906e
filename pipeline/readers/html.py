"""HTML pages: the article text, without navigation, scripts or comment forms."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.document import Document
from pipeline.errors import InputError
from pipeline.readers.text import document_id, read_bytes
from pipeline.settings import InputSettings
from pipeline.text.decode import decode_bytes
from pipeline.text.html import extract_article


def read_html_file(path: Path, root: Path, settings: InputSettings) -> Iterator[Document]:
    """Yield the article of one HTML page as a document.

    Raises:
        InputError: unreadable, undecodable, or no article text found.
    """
    html = decode_bytes(read_bytes(path, settings), source=str(path))
    text = extract_article(html)
    if not text.strip():
        raise InputError(str(path), "no article text found in this HTML page")
    yield Document(
        id=document_id(path, root), source=str(path), text=text, metadata={"format": "html"}
    )
