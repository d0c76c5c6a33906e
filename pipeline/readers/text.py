"""Plain text and Markdown files: one document per file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.document import Document
from pipeline.errors import InputError
from pipeline.settings import InputSettings
from pipeline.text.decode import decode_bytes


def read_bytes(path: Path, settings: InputSettings) -> bytes:
    """The file's bytes, refusing files over ``input.max_bytes``.

    Raises:
        InputError: the file is too large or cannot be opened.
    """
    try:
        size = path.stat().st_size
        if size > settings.max_bytes:
            raise InputError(
                str(path),
                f"file is {size / 1e6:.1f} MB, over input.max_bytes "
                f"({settings.max_bytes / 1e6:.1f} MB); split it or raise the limit",
            )
        return path.read_bytes()
    except OSError as e:
        raise InputError(str(path), f"cannot read file ({e.strerror or e})") from e


def document_id(path: Path, root: Path) -> str:
    """The path below the input root, without its suffix, as a POSIX string."""
    try:
        relative = path.relative_to(root)
    except ValueError:
        relative = Path(path.name)
    return relative.with_suffix("").as_posix()


def read_text_file(path: Path, root: Path, settings: InputSettings) -> Iterator[Document]:
    """Yield the one document of a text file.

    Raises:
        InputError: unreadable, too large, binary or undecodable.
    """
    text = decode_bytes(read_bytes(path, settings), source=str(path))
    yield Document(id=document_id(path, root), source=str(path), text=text)
