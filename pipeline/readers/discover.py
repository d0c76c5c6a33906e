"""Expand the inputs a user names (files, folders, globs) into files, in order."""

from __future__ import annotations

import errno
import glob
import os
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import InputError

# Reading a FIFO would block the run until something writes to it.
NOT_REGULAR = "not a regular file (a pipe, socket or device); not read"


def discover(inputs: list[str], extensions: list[str]) -> Iterator[tuple[Path, Path] | InputError]:
    """Yield ``(file, root)`` pairs, or an ``InputError`` for an input that cannot be used.

    Folders are walked recursively in sorted order, following no symbolic link
    to a folder twice (a link loop is reported, not followed forever). A file
    named directly is read whatever its suffix; files found in folders only
    when their suffix is in ``extensions``. Each file is yielded once.
    """
    seen: set[Path] = set()
    suffixes = {e.lower() for e in extensions}
    for item in inputs:
        paths = sorted(Path(p) for p in glob.glob(item)) if glob.has_magic(item) else [Path(item)]
        if not paths:
            yield InputError(item, "no file matches this pattern")
        for path in paths:
            if path.is_dir():
                yield from _walk(path, suffixes, seen)
            elif path.is_file():
                resolved = path.resolve()
                if resolved not in seen:
                    seen.add(resolved)
                    yield path, path.parent
            elif path.is_symlink():
                yield InputError(str(path), _broken_link_reason(path))
            elif path.exists():
                yield InputError(str(path), NOT_REGULAR)
            else:
                yield InputError(str(path), "no such file or folder")


def _walk(
    root: Path, suffixes: set[str], seen: set[Path]
) -> Iterator[tuple[Path, Path] | InputError]:
    visited_dirs: set[Path] = set()

    def walk(folder: Path) -> Iterator[tuple[Path, Path] | InputError]:
        real = folder.resolve()
        if real in visited_dirs:
            yield InputError(str(folder), "symbolic link loop; folder skipped")
            return
        visited_dirs.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as e:
            yield InputError(str(folder), f"cannot list folder ({e.strerror})")
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_dir():
                    yield from walk(path)
                    continue
                is_file = entry.is_file()
            except OSError as e:
                loop = e.errno == errno.ELOOP
                yield InputError(
                    str(path), "symbolic link loop" if loop else f"cannot read ({e.strerror})"
                )
                continue
            if not is_file:
                if path.is_symlink():
                    yield InputError(str(path), _broken_link_reason(path))
                elif path.suffix.lower() in suffixes:
                    yield InputError(str(path), NOT_REGULAR)
                continue
            if path.suffix.lower() not in suffixes:
                continue
            resolved = path.resolve()
            if resolved not in seen:
                seen.add(resolved)
                yield path, root

    yield from walk(root)


def _broken_link_reason(path: Path) -> str:
    try:
        path.resolve(strict=True)
    except RuntimeError:
        return "symbolic link loop"
    except OSError:
        return "broken symbolic link"
    return "not a regular file"
