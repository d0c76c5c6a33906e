"""The stage contract every stage follows.

A stage is ``__call__(doc) -> doc`` plus ``pipe(docs, batch_size=...)``, which
yields documents in input order. The default ``pipe`` loops over
``__call__``; stages that gain from batching (model stages) override it. A
document that fails carries its error onward and later stages pass it through
untouched, so one bad document never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, ClassVar

from pydantic import BaseModel

from pipeline.document import Document
from pipeline.errors import StageFailure, VienError, is_memory_error

logger = logging.getLogger(__name__)


class Stage:
    """Base class of all stages.

    Subclasses set ``name``, ``Settings`` (a pydantic model), ``requires`` and
    ``provides`` (sets of document facets such as ``"text"``, ``"segments"``,
    ``"translations"``, ``"summaries"``), and implement ``__call__``.
    """

    name: ClassVar[str] = ""
    Settings: ClassVar[type[BaseModel]]
    requires: ClassVar[frozenset[str]] = frozenset()
    provides: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, settings: BaseModel, *, context: dict[str, Any] | None = None) -> None:
        self.settings = settings
        self.context = context if context is not None else {}

    def __call__(self, doc: Document) -> Document:
        raise NotImplementedError

    def pipe(self, docs: Iterable[Document], *, batch_size: int = 16) -> Iterator[Document]:
        """Apply the stage to each document, in order; failures mark the document."""
        for doc in docs:
            if doc.error is None:
                guarded(doc, self.name, lambda d=doc: self(d))
            yield doc

    def describe(self) -> dict[str, Any]:
        """Facts for the run manifest (models, checksums); plain JSON data."""
        return {}

    def signature(self) -> str:
        """A compact ``key:value`` description for the output signature."""
        return self.name


def guarded(
    doc: Document, stage: str, fn: Callable[[], Any], *, logged: BaseException | None = None
) -> Exception | None:
    """Run ``fn``; if it raises, record the error on ``doc`` instead of stopping the run.

    A ``VienError`` was raised on purpose and says what is wrong in one line.
    Anything else is a bug or a resource problem, not bad input: its traceback
    is logged at WARNING (unless it repeats ``logged``, an error whose
    traceback is already out) and the document keeps it as a ``StageFailure``.

    Returns:
        The exception, or None when ``fn`` succeeded.
    """
    try:
        fn()
    except VienError as e:
        doc.error = f"{stage}: {e}"
        return e
    except Exception as e:  # noqa: BLE001 - one document's failure must not end the run
        if _same_error(e, logged):
            logger.warning("stage %s failed on %s with the error above", stage, doc.id)
        else:
            logger.warning("stage %s failed on %s", stage, doc.id, exc_info=True)
        doc.error = StageFailure(stage, e)
        return e
    return None


def _same_error(error: BaseException, other: BaseException | None) -> bool:
    return other is not None and (type(error), str(error)) == (type(other), str(other))


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of at most ``size`` items, in order."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def run_batch(docs: list[Document], stage: str, fn: Callable[[list[Document]], None]) -> None:
    """Run ``fn`` on a batch of documents; on failure retry each document alone.

    One malformed document must not take its neighbours down with it, so a
    failed batch is retried document by document and only the documents that
    still fail are marked. Running out of memory is different: retrying each
    document would turn one error into one per document, so the whole batch
    (or what is left of it) fails at once with that error.
    """
    live = [d for d in docs if d.error is None]
    if not live:
        return
    try:
        fn(live)
    except Exception as e:  # noqa: BLE001 - retried one by one below
        if is_memory_error(e):
            _fail_out_of_memory(live, stage, e)
            return
        if isinstance(e, VienError):
            logger.debug("batch failed in %s; retrying documents one by one", stage, exc_info=True)
        else:
            logger.warning(
                "a batch of %d documents failed in %s; retrying them one by one",
                len(live),
                stage,
                exc_info=True,
            )
        for i, doc in enumerate(live):
            error = guarded(doc, stage, lambda d=doc: fn([d]), logged=e)
            if error is not None and is_memory_error(error):
                _fail_out_of_memory(live[i + 1 :], stage, error, logged=True)
                return


def _fail_out_of_memory(
    docs: list[Document], stage: str, error: BaseException, *, logged: bool = False
) -> None:
    if docs:
        logger.warning(
            "out of memory in %s; %d documents fail without a retry one by one "
            "(lower run.batch_docs or the model's batch_tokens)",
            stage,
            len(docs),
            exc_info=None if logged else error,
        )
    failure = StageFailure(stage, error)
    for doc in docs:
        doc.error = failure
