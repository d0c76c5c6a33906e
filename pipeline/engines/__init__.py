"""Engines decide where the stages run; the runner keeps reading, resume and writing.

:class:`LocalEngine` chains the stages' ``pipe`` in this process. The Ray
engine (``pipeline.engines.ray_engine``) runs the same stages on a cluster and
hands the documents back in input order, so the runner writes the same files.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from pipeline.config import Config
from pipeline.document import Document
from pipeline.stages.base import Stage

# A stage's signature part and its manifest facts (``Stage.describe``).
StageFacts = tuple[str, dict[str, Any]]


class LocalEngine:
    """Run the stages' ``pipe`` chain in this process, lazily and in order."""

    name: ClassVar[str] = "local"

    def process(
        self, docs: Iterator[Document], stages: list[Stage], config: Config
    ) -> Iterator[Document]:
        """The finished documents, in the order ``docs`` gave them.

        Args:
            docs: documents still to process, in input order.
            stages: the built stages, in pipeline order.
            config: the run's configuration.

        Returns:
            An iterator of documents; failed ones carry ``error``.
        """
        for stage in stages:
            docs = stage.pipe(docs, batch_size=config.run.batch_docs)
        return docs

    def stage_facts(self, stages: list[Stage]) -> dict[str, StageFacts]:
        """Each stage's signature part and manifest facts, by stage name.

        Called after :meth:`process` is exhausted; model stages load their
        model here if no document needed it.
        """
        return {stage.name: (stage.signature(), stage.describe()) for stage in stages}
