"""Run the pipeline's stages on a Ray cluster, with the same outputs as the local engine.

The driver reads the inputs and skips finished documents exactly as the local
engine does: it is the same runner, given this engine (``vien run --engine
ray`` calls ``runner.run(..., engine=RayEngine(config.engine))``). The pending
documents become a Ray Dataset with one row per document: its position in the
input order and its ``Document.to_dict`` as JSON (a JSON string, because Arrow would infer a
nested schema that differs from one document's metadata to the next). Stages
without a model run as stateless ``map_batches`` tasks; model stages (those
that override ``Stage.pipe``) run in actor pools, so each actor loads its
models once. Rows come back to the driver, which writes them in input order
with the usual per-document writer; the corpus files and manifest follow.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator
from typing import Any, ClassVar

from pipeline import registry
from pipeline.config import Config
from pipeline.document import Document
from pipeline.engines import LocalEngine, StageFacts
from pipeline.errors import ConfigError, StageError
from pipeline.settings import EngineSettings
from pipeline.stages.base import Stage

logger = logging.getLogger(__name__)

# Row columns: the input position and the document as JSON.
INDEX = "index"
DOC = "doc"
# An actor adds the signature and manifest facts of its stage under this prefix.
FACTS_PREFIX = "facts_"
# Upper bound on the blocks the pending documents are split into.
MAX_BLOCKS = 1000


class RayEngine(LocalEngine):
    """Stateless stages as Ray tasks, model stages in Ray actor pools.

    Args:
        settings: actors per model stage and the resources each reserves.
        address: the cluster to join; unset starts a local Ray instance.
    """

    name: ClassVar[str] = "ray"

    def __init__(self, settings: EngineSettings, *, address: str | None = None) -> None:
        self.settings = settings
        self.address = address
        self.facts: dict[str, StageFacts] = {}

    def process(
        self, docs: Iterator[Document], stages: list[Stage], config: Config
    ) -> Iterator[Document]:
        """The finished documents, in input order, processed on the cluster."""
        self.facts = {}
        rows = [{INDEX: i, DOC: _encode(doc)} for i, doc in enumerate(docs)]
        if not rows:
            return
        ray = _import_ray()
        owns_ray = not ray.is_initialized()
        if owns_ray:
            try:
                ray.init(address=self.address)
            except ConnectionError as e:
                raise StageError(
                    f"cannot reach a Ray cluster at {self.address}: {e} Start one with "
                    "`ray start --head`, or leave out --address to start Ray on this machine"
                ) from e
        context = ray.data.DataContext.get_current()
        saved = context.execution_options.preserve_order, context.enable_progress_bars
        # Ray Data may hand rows back out of order; the runner's resume and
        # corpus files rely on input order (the reorder buffer below is the backstop).
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False  # the runner shows its own bar
        try:
            blocks = min(MAX_BLOCKS, math.ceil(len(rows) / config.run.batch_docs))
            dataset = ray.data.from_items(rows, override_num_blocks=blocks)
            for stage in stages:
                dataset = self._add_stage(ray, dataset, stage, config)
            yield from self._in_order(dataset.iter_rows(), len(rows))
        except ray.exceptions.RayError as e:
            raise StageError(f"ray engine: {type(e).__name__}: {e}") from e
        finally:
            context.execution_options.preserve_order, context.enable_progress_bars = saved
            if owns_ray:
                ray.shutdown()

    def stage_facts(self, stages: list[Stage]) -> dict[str, StageFacts]:
        """Facts the actors reported; the driver describes the other stages itself."""
        local = [s for s in stages if s.name not in self.facts]
        facts = super().stage_facts(local)
        return {s.name: self.facts.get(s.name) or facts[s.name] for s in stages}

    def _add_stage(self, ray: Any, dataset: Any, stage: Stage, config: Config) -> Any:
        options: dict[str, Any] = {"batch_format": "numpy", "zero_copy_batch": True}
        if type(stage).pipe is Stage.pipe:
            return dataset.map_batches(
                _apply_stage,
                fn_kwargs={"name": stage.name, "config": config},
                num_cpus=self.settings.cpus_per_task,
                **options,
            )
        gpus = self.settings.gpus_per_actor
        if gpus is None:
            gpus = 1 if ray.cluster_resources().get("GPU", 0) > 0 else 0
        return dataset.map_batches(
            _ModelStage,
            fn_constructor_kwargs={"name": stage.name, "config": config},
            batch_size=config.run.batch_docs,
            compute=ray.data.ActorPoolStrategy(size=self.settings.actors),
            num_cpus=self.settings.cpus_per_actor,
            num_gpus=gpus,
            **options,
        )

    def _in_order(self, rows: Iterator[dict[str, Any]], total: int) -> Iterator[Document]:
        """Yield documents by input position, holding back any that arrive early."""
        waiting: dict[int, str] = {}
        expected = 0
        for row in rows:
            for key, value in row.items():
                if key.startswith(FACTS_PREFIX) and value and key not in self.facts:
                    signature, described = json.loads(value)
                    self.facts[key.removeprefix(FACTS_PREFIX)] = (signature, described)
            waiting[int(row[INDEX])] = row[DOC]
            while expected in waiting:
                yield _decode(waiting.pop(expected))
                expected += 1
        if expected != total:
            raise StageError(
                f"ray engine: {total - expected} of {total} documents did not come back"
            )


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as e:
        raise ConfigError(
            "--engine ray needs Ray: pip install 'vien[ray]', or run with --engine local"
        ) from e
    return ray


def _encode(doc: Document) -> str:
    return json.dumps(doc.to_dict(), ensure_ascii=False)


def _decode(text: str) -> Document:
    return Document.from_dict(json.loads(text))


def _build_stage(name: str, config: Config) -> Stage:
    return registry.get_stage(name)(config.stages[name], context={"config": config})


def _run_stage(stage: Stage, batch: dict[str, Any], config: Config) -> dict[str, Any]:
    """Apply ``stage`` to the documents of one Ray batch, keeping the other columns."""
    import numpy as np

    docs = [_decode(text) for text in batch[DOC]]
    done = stage.pipe(docs, batch_size=config.run.batch_docs)
    return {**batch, DOC: np.array([_encode(doc) for doc in done], dtype=object)}


def _apply_stage(batch: dict[str, Any], *, name: str, config: Config) -> dict[str, Any]:
    """A Ray task: one stage without a model, built per batch (it is cheap)."""
    return _run_stage(_build_stage(name, config), batch, config)


class _ModelStage:
    """A Ray actor's copy of one model stage, built once so its models load once."""

    def __init__(self, name: str, config: Config) -> None:
        self.name = name
        self.config = config
        self.stage = _build_stage(name, config)
        self.facts = ""

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        out = _run_stage(self.stage, batch, self.config)
        if not self.facts:
            self.facts = self._describe()
        out[FACTS_PREFIX + self.name] = np.full(len(out[DOC]), self.facts, dtype=object)
        return out

    def _describe(self) -> str:
        """The stage's signature and manifest facts as the driver will record them."""
        try:
            return json.dumps([self.stage.signature(), self.stage.describe()])
        except Exception:  # noqa: BLE001 - the driver describes the stage itself instead
            logger.debug("cannot describe stage %s on this worker", self.name, exc_info=True)
            return ""
