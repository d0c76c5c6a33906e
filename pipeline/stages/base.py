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


def guarded(doc: Document, stage: str, fn: Callable[[], Any]) -> None:
    """Run ``fn``; if it raises, record the error on ``doc`` instead of stopping the run."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - one document's failure must not end the run
        doc.error = f"{stage}: {type(e).__name__}: {e}"
        logger.debug("stage %s failed on %s", stage, doc.id, exc_info=True)


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of at most ``size`` items, in order."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def run_batch(docs: list[Document], stage: str, fn: Callable[[list[Document]], None]) -> None:
    """Run ``fn`` on a batch of documents; on failure retry each document alone.

    A batch that fails (one malformed document, memory) must not take its
    neighbours down with it, so the batch is retried document by document and
    only the documents that still fail are marked.
    """
    live = [d for d in docs if d.error is None]
    if not live:
        return
    try:
        fn(live)
    except Exception:  # noqa: BLE001 - retried one by one below
        logger.debug("batch failed in %s; retrying documents one by one", stage, exc_info=True)
        for doc in live:
            guarded(doc, stage, lambda d=doc: fn([d]))
