"""``aligned.parquet``: the aligned segments as a table ``datasets.load_dataset`` reads.

Rows are written in row groups as documents stream by, so memory stays flat.
Each row group goes to Arrow as JSON lines, parsed by Arrow's own reader:
building it from Python lists (``Table.from_pylist``) makes pyarrow import
pandas to check the lists' types, half a second of every run's start, and the
file comes out byte for byte the same (a test compares them).
"""

from __future__ import annotations

import io
import json
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


def aligned_schema() -> Any:
    """The table's columns: the fields of ``aligned.jsonl``."""
    import pyarrow as pa

    return pa.schema(
        [
            ("id", pa.string()),
            ("doc_id", pa.string()),
            ("paragraph", pa.int32()),
            ("vi", pa.string()),
            ("vi_restored", pa.string()),
            ("en", pa.string()),
            ("flags", pa.list_(pa.string())),
            ("score", pa.float64()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("protected", pa.list_(protected_span_type(pa))),
        ]
    )


class ParquetWriter(CorpusWriter):
    files: ClassVar[tuple[str, ...]] = ("aligned.parquet",)
    binary: ClassVar[bool] = True

    def begin(self) -> None:
        import pyarrow.parquet as pq

        self.schema = aligned_schema()
        self.writer = pq.ParquetWriter(self.handles["aligned.parquet"], self.schema)
        self.rows: list[dict[str, Any]] = []

    def write(self, doc: Document) -> None:
        self.rows.extend(segment_records(doc))
        if len(self.rows) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            self.writer.write_table(rows_table(self.rows, self.schema))
            self.rows = []

    def end(self) -> None:
        self._flush()
        self.writer.close()


def rows_table(rows: list[dict[str, Any]], schema: Any) -> Any:
    """``rows`` as an Arrow table of ``schema``; keys outside it are ignored, missing ones null.

    Through Arrow's JSON reader, which never imports pandas; a score that is
    not a finite number (JSON has none) takes ``Table.from_pylist`` instead.
    """
    import pyarrow as pa
    import pyarrow.json as pj

    try:
        lines = "".join(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n" for r in rows)
    except ValueError:
        return pa.Table.from_pylist(rows, schema=schema)
    data = lines.encode("utf-8")
    table = pj.read_json(
        io.BytesIO(data),
        # One block for the whole group: a row never straddles two blocks.
        read_options=pj.ReadOptions(use_threads=False, block_size=max(len(data), 1 << 20)),
        parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore"),
    )
    return table.combine_chunks()
