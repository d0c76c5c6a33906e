"""The small exception hierarchy of vien.

Library code raises these; only ``pipeline.cli`` turns them into exit codes.
Messages say what went wrong and what to do next.
"""

from __future__ import annotations

import traceback
from typing import Any


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


class StageFailure(str):
    """What ``Document.error`` holds when a stage raised an exception nobody planned for.

    A bug or an out-of-memory error is not bad input: the runner records its
    type in the manifest and chains it (``raise ... from``) under
    ``run.on_error: raise``. Being a ``str``, it fits ``Document.error`` and
    reads like any other error text (``stage: Type: message``).

    Args:
        stage: the stage that raised.
        error: the exception; kept, with its traceback's frames cleared so the
            tensors they held are freed.
    """

    stage: str
    type_name: str
    exception: BaseException | None

    def __new__(cls, stage: str, error: BaseException) -> StageFailure:
        self = super().__new__(cls, f"{stage}: {type(error).__name__}: {error}")
        self.stage = stage
        self.type_name = _type_name(type(error))
        self.exception = error
        if error.__traceback__ is not None:
            traceback.clear_frames(error.__traceback__)
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled without the exception: not every exception pickles.
        return StageFailure.rebuilt, (str(self), self.stage, self.type_name)

    @staticmethod
    def rebuilt(text: str, stage: str, type_name: str) -> StageFailure:
        """A failure read back from its parts (a pickle, a document's JSON), exception left out."""
        failure = str.__new__(StageFailure, text)
        failure.stage, failure.type_name, failure.exception = stage, type_name, None
        return failure


def _type_name(kind: type) -> str:
    """``RuntimeError`` for built-ins, ``torch.OutOfMemoryError`` for the rest."""
    if kind.__module__ == "builtins":
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


# Messages of out-of-memory errors that arrive as RuntimeError: PyTorch's CPU
# allocator, CUDA through PyTorch or CTranslate2, cuBLAS workspaces.
_MEMORY_MESSAGES = ("out of memory", "can't allocate memory", "CUBLAS_STATUS_ALLOC_FAILED")


def is_memory_error(error: BaseException) -> bool:
    """True for running out of host or device memory, whichever library noticed."""
    if isinstance(error, MemoryError) or "OutOfMemory" in type(error).__name__:
        return True
    return isinstance(error, RuntimeError) and any(m in str(error) for m in _MEMORY_MESSAGES)
