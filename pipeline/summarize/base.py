"""The contract every summarize method follows."""

from __future__ import annotations

from typing import Any, ClassVar

from pipeline.document import Document
from pipeline.settings import SummarizeSettings


class Summarizer:
    """Fills ``doc.summaries`` for a batch of documents, one way.

    Subclasses set ``name`` (the ``summarize.method`` value), ``Settings`` (their
    own schema, a ``SummarizeSettings`` subclass) and ``requires`` (document
    facets they read besides segments), and implement ``summarize``.

    Args:
        settings: the validated summarize section.
        context: the pipeline context (the configuration, shared generators).

    Raises:
        StageError: the settings cannot work (a model or section is missing).
    """

    name: ClassVar[str] = ""
    Settings: ClassVar[type[SummarizeSettings]]
    requires: frozenset[str] = frozenset()

    def __init__(self, settings: Any, *, context: dict[str, Any]) -> None:
        self.settings = settings
        self.context = context

    def summarize(self, docs: list[Document]) -> None:
        """Set ``summaries`` (and document flags) of every document in ``docs``."""
        raise NotImplementedError

    def signature(self) -> str:
        """This method's part of the output signature (after ``sum:``)."""
        return self.name

    def describe(self) -> dict[str, Any]:
        """Facts for the run manifest; plain JSON data."""
        return {"method": self.name}
