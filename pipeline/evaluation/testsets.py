"""Test sets in every supported format, loaded into one common structure.

Whatever the format, a test set is a list of :class:`EvalDocument`: paragraphs
of reference sentence pairs and, optionally, reference summaries. Sentence-level
formats (line-aligned files, TSV, JSONL pairs, Hugging Face datasets) make each
pair its own one-sentence document, so the pipeline still normalizes and
segments it, and a pair it splits in two is scored as one group.

In the included schema a sentence's ``en`` may be absent or null: a set of
Vietnamese articles with reference summaries but no translations (VietNews,
``vien train sumsets``) is scored on its summaries and sentence boundaries,
and its translation metrics are n/a.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError, InputError

logger = logging.getLogger(__name__)

DEFAULT_SPLIT = "test"
DEFAULT_SRC_FIELD = "vi"
DEFAULT_REF_FIELD = "en"
# Header cells that mark the first TSV row as column names, not a pair.
TSV_HEADERS = {("vi", "en"), ("source", "reference"), ("src", "ref")}


@dataclass(frozen=True)
class SentencePair:
    """One Vietnamese reference sentence and its English reference translation (None: none)."""

    vi: str
    en: str | None


@dataclass
class EvalDocument:
    """One test document: paragraphs of sentence pairs, optional reference summaries."""

    id: str
    paragraphs: list[list[SentencePair]]
    domain: str = ""
    summary_vi: str | None = None
    summary_en: str | None = None

    @property
    def pairs(self) -> list[SentencePair]:
        """All sentence pairs in reading order."""
        return [pair for paragraph in self.paragraphs for pair in paragraph]

    def source_text(self) -> str:
        """The pipeline's input: sentences joined by spaces, paragraphs by a blank line."""
        return "\n\n".join(" ".join(p.vi for p in paragraph) for paragraph in self.paragraphs)


@dataclass
class EvalSet:
    """A named list of test documents."""

    name: str
    documents: list[EvalDocument] = field(default_factory=list)

    @property
    def has_summaries(self) -> bool:
        """Whether any document has a reference summary in either language."""
        return any(d.summary_vi or d.summary_en for d in self.documents)

    def head(self, limit: int | None) -> EvalSet:
        """The first ``limit`` documents (all when ``limit`` is None)."""
        if limit is None:
            return self
        return EvalSet(name=self.name, documents=self.documents[:limit])


def document_from_record(record: Mapping[str, Any], where: str) -> EvalDocument:
    """Build a document from one record of the included test set's schema.

    The schema is ``{"id", "domain", "paragraphs": [[{"vi", "en"}, ...], ...],
    "summary_vi", "summary_en"}``; ``domain``, the summaries and a sentence's
    ``en`` may be absent (or null).

    Raises:
        InputError: a required field is missing or has the wrong shape.
    """
    paragraphs = record.get("paragraphs")
    if not isinstance(paragraphs, list) or not paragraphs:
        raise InputError(where, "'paragraphs' must be a non-empty list of lists of {vi, en}")
    parsed: list[list[SentencePair]] = []
    for p_index, paragraph in enumerate(paragraphs, start=1):
        if not isinstance(paragraph, list) or not paragraph:
            raise InputError(where, f"paragraph {p_index} must be a non-empty list of {{vi, en}}")
        parsed.append([_pair(s, f"{where} paragraph {p_index}") for s in paragraph])
    doc_id = record.get("id")
    if not isinstance(doc_id, str | int) or doc_id == "":
        raise InputError(where, "'id' must be a non-empty string")
    return EvalDocument(
        id=str(doc_id),
        paragraphs=parsed,
        domain=str(record.get("domain") or ""),
        summary_vi=_optional_text(record.get("summary_vi")),
        summary_en=_optional_text(record.get("summary_en")),
    )


def load_testset(path: str | Path) -> EvalSet:
    """Load a test set in the included JSONL schema (one document per line).

    Raises:
        InputError: the file is missing, or a line is not valid JSON or not the schema.
    """
    path = Path(path)
    documents = []
    for number, line in enumerate(_read_lines(path), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        documents.append(document_from_record(_json_object(line, where), where))
    return EvalSet(name=path.name, documents=documents)


def load_line_files(src: str | Path, ref: str | Path) -> EvalSet:
    """Load line-aligned source and reference files; each line is one document.

    Lines with an empty source are skipped (with one warning giving the count).

    Raises:
        InputError: a file is missing or the two have different line counts.
    """
    src, ref = Path(src), Path(ref)
    sources, references = _read_lines(src), _read_lines(ref)
    if len(sources) != len(references):
        raise InputError(
            str(ref),
            f"has {len(references)} lines but {src} has {len(sources)}; "
            "line-aligned files must have one reference line per source line",
        )
    rows = (
        (f"line-{n}", SentencePair(vi, en))
        for n, (vi, en) in enumerate(zip(sources, references, strict=True), start=1)
    )
    return EvalSet(name=src.name, documents=_sentence_documents(rows, str(src)))


def load_tsv(path: str | Path) -> EvalSet:
    """Load ``vi<TAB>en`` rows; a first row such as ``vi<TAB>en`` is a header and skipped.

    Raises:
        InputError: the file is missing or a row has fewer than two columns.
    """
    path = Path(path)
    rows = []
    for number, line in enumerate(_read_lines(path), start=1):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) < 2:
            raise InputError(f"{path}:{number}", "expected two tab-separated columns: vi, en")
        if number == 1 and (cells[0].strip().lower(), cells[1].strip().lower()) in TSV_HEADERS:
            continue
        rows.append((f"line-{number}", SentencePair(cells[0], cells[1])))
    return EvalSet(name=path.name, documents=_sentence_documents(rows, str(path)))


def load_pairs_jsonl(
    path: str | Path, src_field: str = DEFAULT_SRC_FIELD, ref_field: str = DEFAULT_REF_FIELD
) -> EvalSet:
    """Load JSONL with one pair per line, in ``vi``/``en`` fields or a ``translation`` object.

    Raises:
        InputError: the file is missing, or a line is not JSON or lacks the fields.
    """
    path = Path(path)
    rows = []
    for number, line in enumerate(_read_lines(path), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        record = _json_object(line, where)
        own_id = record.get("id")
        doc_id = str(own_id) if own_id not in (None, "") else f"line-{number}"
        rows.append((doc_id, pair_from_row(record, src_field, ref_field, where)))
    return EvalSet(name=path.name, documents=_sentence_documents(rows, str(path)))


def load_hf_dataset(
    name: str,
    split: str = DEFAULT_SPLIT,
    src_field: str = DEFAULT_SRC_FIELD,
    ref_field: str = DEFAULT_REF_FIELD,
) -> EvalSet:
    """Load a Hugging Face dataset by hub name, or a local folder saved with ``save_to_disk``.

    Rows in the included test set's schema (a ``paragraphs`` column) keep their
    documents; other rows are sentence pairs, read from ``src_field``/``ref_field``
    or from a ``translation: {vi, en}`` column.

    Raises:
        InputError: the dataset or split cannot be loaded, or rows lack the fields.
    """
    rows = _hf_rows(name, split)
    if "paragraphs" in rows.column_names:
        documents = [document_from_record(row, f"{name}[{i}]") for i, row in enumerate(rows)]
        return EvalSet(name=f"{name}:{split}", documents=documents)
    pairs = (
        (str(row.get("id") or f"row-{i}"), pair_from_row(row, src_field, ref_field, f"{name}[{i}]"))
        for i, row in enumerate(rows)
    )
    return EvalSet(name=f"{name}:{split}", documents=_sentence_documents(pairs, name))


def pair_from_row(
    row: Mapping[str, Any], src_field: str, ref_field: str, where: str
) -> SentencePair:
    """The pair in ``row[src_field]``/``row[ref_field]``, or in ``row["translation"]``.

    Raises:
        InputError: neither place holds two strings.
    """
    holder = row
    if src_field not in row and isinstance(row.get("translation"), Mapping):
        holder = row["translation"]
    vi, en = holder.get(src_field), holder.get(ref_field)
    if not isinstance(vi, str) or not isinstance(en, str):
        raise InputError(
            where,
            f"expected text in {src_field!r} and {ref_field!r} fields or a 'translation' "
            f"object holding them (set --src-field/--ref-field); found {sorted(row)}",
        )
    return SentencePair(vi, en)


@dataclass
class EvalSource:
    """Which test set the user asked for; exactly one kind may be given.

    ``testset`` is the fallback (the included test set) when no other kind is set.
    """

    testset: Path | None = None
    src: Path | None = None
    ref: Path | None = None
    tsv: Path | None = None
    jsonl: Path | None = None
    hf_dataset: str | None = None
    split: str = DEFAULT_SPLIT
    src_field: str = DEFAULT_SRC_FIELD
    ref_field: str = DEFAULT_REF_FIELD

    def load(self) -> EvalSet:
        """Load the chosen test set.

        Raises:
            ConfigError: more than one kind was given, or ``--src`` without ``--ref``.
            InputError: the test set cannot be read.
        """
        given = [
            name
            for name, value in (
                ("--src/--ref", self.src or self.ref),
                ("--tsv", self.tsv),
                ("--jsonl", self.jsonl),
                ("--hf-dataset", self.hf_dataset),
            )
            if value
        ]
        if len(given) > 1:
            raise ConfigError(f"give one test set, not {' and '.join(given)}")
        if given == ["--src/--ref"] and not (self.src and self.ref):
            raise ConfigError("--src and --ref go together: give both line-aligned files")
        if self.src and self.ref:
            return load_line_files(self.src, self.ref)
        if self.tsv:
            return load_tsv(self.tsv)
        if self.jsonl:
            return load_pairs_jsonl(self.jsonl, self.src_field, self.ref_field)
        if self.hf_dataset:
            return load_hf_dataset(self.hf_dataset, self.split, self.src_field, self.ref_field)
        if self.testset is None:
            raise ConfigError(
                "no test set given: use --testset, --src/--ref, --tsv, --jsonl or --hf-dataset"
            )
        return load_testset(self.testset)


def _hf_rows(name: str, split: str) -> Any:
    """The rows of one split, from a ``save_to_disk`` folder or through ``load_dataset``."""
    try:
        import datasets
    except ImportError as e:
        raise InputError(name, "the datasets package is needed: pip install datasets") from e
    try:
        if Path(name).is_dir() and _saved_to_disk(Path(name)):
            loaded = datasets.load_from_disk(name)
            if isinstance(loaded, datasets.DatasetDict):
                if split not in loaded:
                    raise InputError(name, f"has no split {split!r}; splits: {', '.join(loaded)}")
                loaded = loaded[split]
            return loaded
        return datasets.load_dataset(name, split=split)
    except InputError:
        raise
    except Exception as e:  # noqa: BLE001 - datasets raises many unrelated types
        raise InputError(
            name,
            f"cannot load split {split!r} ({type(e).__name__}: {e}); check the name, "
            "the split and that the hub is reachable, or pass a save_to_disk folder",
        ) from e


def _saved_to_disk(folder: Path) -> bool:
    return (folder / "dataset_info.json").is_file() or (folder / "dataset_dict.json").is_file()


def _sentence_documents(
    rows: Iterable[tuple[str, SentencePair]], source: str
) -> list[EvalDocument]:
    """One one-sentence document per pair, skipping pairs with an empty source."""
    documents, blank = [], 0
    for doc_id, pair in rows:
        if not pair.vi.strip():
            blank += 1
            continue
        documents.append(EvalDocument(id=doc_id, paragraphs=[[pair]]))
    if blank:
        logger.warning("%s: skipped %d pairs with an empty source sentence", source, blank)
    return documents


def _read_lines(path: Path) -> list[str]:
    """The lines of a UTF-8 file split on "\\n" only, so parallel files stay aligned."""
    try:
        with open(path, encoding="utf-8", newline="\n") as handle:
            text = handle.read()
    except FileNotFoundError as e:
        raise InputError(str(path), "no such file") from e
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(str(path), f"cannot read as UTF-8 text ({e})") from e
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def _json_object(line: str, where: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        raise InputError(where, f"not valid JSON ({e.msg} at column {e.colno})") from e
    if not isinstance(record, dict):
        raise InputError(where, "a JSON object is expected on each line")
    return record


def _pair(item: Any, where: str) -> SentencePair:
    """A sentence of the included schema; without ``en`` it has no reference translation."""
    if not isinstance(item, Mapping):
        raise InputError(where, "each sentence must be an object with 'vi' and 'en'")
    if item.get(DEFAULT_REF_FIELD) is None and "translation" not in item:
        vi = item.get(DEFAULT_SRC_FIELD)
        if not isinstance(vi, str):
            raise InputError(
                where,
                f"expected text in 'vi' (and in 'en', or null); found {sorted(item)}",
            )
        return SentencePair(vi, None)
    return pair_from_row(item, DEFAULT_SRC_FIELD, DEFAULT_REF_FIELD, where)


def _optional_text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
