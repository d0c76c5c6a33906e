"""The small exception hierarchy of vien.

Library code raises these; only ``pipeline.cli`` turns them into exit codes.
Messages say what went wrong and what to do next.
"""

from __future__ import annotations


class VienError(Exception):
    """Base class of every error vien raises on purpose."""


class ConfigError(VienError):
    """The configuration file or a ``--set`` override is invalid."""


class InputError(VienError):
    """One input file or record cannot be read; other inputs still run.

    Args:
        source: the file (and record) that failed, as the user named it.
        reason: one line saying what is wrong with it.
    """

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ModelNotFoundError(VienError):
    """A model path or hub id cannot be loaded."""


class StageError(VienError):
    """A stage failed on a document or the pipeline is mis-assembled."""
