"""``aligned.parquet``: the aligned segments as a table ``datasets.load_dataset`` reads.

Rows are written in row groups as documents stream by, so memory stays flat.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pipeline.document import Document
from pipeline.writers.aligned_jsonl import segment_records
from pipeline.writers.base import CorpusWriter

ROW_GROUP = 2048


def protected_span_type(pa: Any) -> Any:
    """The row type of one protected span (``Segment.protected``); pyarrow is imported late."""
    return pa.struct(
        [
            ("kind", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("text", pa.string()),
            ("en", pa.string()),
        ]
    )


class ParquetWriter(CorpusWriter):
    files: ClassVar[tuple[str, ...]] = ("aligned.parquet",)
    binary: ClassVar[bool] = True

    def begin(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.schema = pa.schema(
            [
                ("id", pa.string()),
                ("doc_id", pa.string()),
                ("paragraph", pa.int32()),
                ("vi", pa.string()),
                ("en", pa.string()),
                ("flags", pa.list_(pa.string())),
                ("score", pa.float64()),
                ("start", pa.int64()),
                ("end", pa.int64()),
                ("protected", pa.list_(protected_span_type(pa))),
            ]
        )
        self.writer = pq.ParquetWriter(self.handles["aligned.parquet"], self.schema)
        self.rows: list[dict[str, Any]] = []

    def write(self, doc: Document) -> None:
        self.rows.extend(segment_records(doc))
        if len(self.rows) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def end(self) -> None:
        self._flush()
        self.writer.close()
