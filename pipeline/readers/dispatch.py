"""Choose the reader for each input file by its suffix."""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.document import Document
from pipeline.errors import InputError
from pipeline.readers.discover import discover
from pipeline.readers.html import read_html_file
from pipeline.readers.jsonl import read_jsonl_file
from pipeline.readers.text import read_text_file
from pipeline.settings import InputSettings

READERS = {
    ".jsonl": read_jsonl_file,
    ".html": read_html_file,
    ".htm": read_html_file,
}


def read_inputs(inputs: list[str], settings: InputSettings) -> Iterator[Document | InputError]:
    """Yield every document of every input, in order, with errors in place of bad ones.

    Files with other suffixes (``.txt``, ``.md``, or any file named directly)
    are read as plain text.
    """
    for found in discover(inputs, settings.extensions):
        if isinstance(found, InputError):
            yield found
            continue
        path, root = found
        reader = READERS.get(path.suffix.lower(), read_text_file)
        try:
            yield from reader(path, root, settings)
        except InputError as e:
            yield e
