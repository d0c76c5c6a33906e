"""A finished run folder read for display: its summary, then its documents one at a time.

Reports make two passes over ``docs/``. :func:`read_contents` keeps only what a
table of contents and the weakest-sentence cutoff need (titles, counts, scores);
:func:`iter_documents` then yields one fully laid-out document at a time, so a
run of thousands of documents is never held in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.document import FLAG_HEADLINE, Document, Removed
from pipeline.errors import InputError
from pipeline.manifest import MANIFEST, read_manifest
from pipeline.report.confidence import WEAKEST_FRACTION, is_weak, weakest_cutoff
from pipeline.report.spans import Part, english_parts, vietnamese_parts
from pipeline.writers.document_json import document_path, read_document

# Badge text for each segment flag; flags not listed show their own name.
FLAG_LABELS: dict[str, str] = {
    "split_long": "split: too long",
    "headline": "headline",
    "byline": "byline",
    "low_confidence": "low confidence",
    "repetition": "repetition",
    "empty_output": "empty output",
    "copied_source": "copied source",
    "length_ratio": "odd length",
    "retried": "retried",
    "number_mismatch": "numbers differ",
    "tones_restored": "tone marks restored",
    "mojibake_repaired": "mis-decoded text repaired",
    "summary_fallback": "lead summary (the model's failed the faithfulness check)",
}
# Flags that ask a reader to check the translation (the others describe the text).
WARNING_FLAGS = frozenset(
    {
        "low_confidence",
        "repetition",
        "empty_output",
        "copied_source",
        "length_ratio",
        "number_mismatch",
    }
)
WEAK_LABEL = f"weakest {WEAKEST_FRACTION:.0%}"


@dataclass(frozen=True)
class ModelInfo:
    """One model the run loaded, as the manifest describes it."""

    role: str
    model: str
    family: str | None
    checksum: str | None


@dataclass
class RunSummary:
    """The facts of a run from its manifest."""

    out_dir: Path
    signature: str
    document_ids: list[str]
    counts: dict[str, Any]
    failures: list[dict[str, str]]
    seconds: float | None
    started: str | None
    peak_memory_mb: float | None
    models: list[ModelInfo]


@dataclass
class ContentsEntry:
    """One line of the table of contents."""

    number: int
    id: str
    title: str
    pairs: int
    flagged: int
    scores: list[float]

    @property
    def anchor(self) -> str:
        """An HTML id that is safe whatever characters the document id holds."""
        return f"doc-{self.number}"


@dataclass
class Contents:
    """The table of contents of a run and the score cutoff of its weakest sentences."""

    entries: list[ContentsEntry]
    cutoff: float | None

    def weak_count(self, entry: ContentsEntry) -> int:
        return sum(is_weak(s, self.cutoff) for s in entry.scores)


@dataclass
class Pair:
    """One table row: a Vietnamese sentence and its English translation."""

    id: str
    label: str
    vi: str
    en: str
    flags: list[str]
    score: float | None
    weak: bool
    vi_restored: str | None = None  # what was translated, when tone marks were restored
    # The sentences cut at their protected spans, for highlighting: (text, kind or None).
    vi_parts: list[Part] = field(default_factory=list)
    en_parts: list[Part] = field(default_factory=list)

    @property
    def badges(self) -> list[tuple[str, str]]:
        """``(flag, label)`` for every flag, then the weakest-sentence mark."""
        badges = [(f, FLAG_LABELS.get(f, f.replace("_", " "))) for f in self.flags]
        if self.weak:
            badges.append(("weak", WEAK_LABEL))
        return badges

    @property
    def marked(self) -> bool:
        """Whether the row carries any flag or the weakest-sentence mark."""
        return bool(self.flags) or self.weak


@dataclass
class DocumentView:
    """One document laid out for display: summaries, residue, paragraphs of pairs."""

    entry: ContentsEntry
    source: str
    byline: str | None
    summaries: dict[str, str]
    removed: list[Removed]
    paragraphs: list[list[Pair]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def read_run(out_dir: str | Path) -> RunSummary:
    """The summary of the finished run in ``out_dir``.

    Args:
        out_dir: a folder written by ``vien run``.

    Returns:
        The run's summary.

    Raises:
        InputError: the folder has no readable manifest.
    """
    out = Path(out_dir)
    try:
        manifest = read_manifest(out)
    except FileNotFoundError as e:
        raise InputError(
            str(out / MANIFEST), f"missing: not a finished run; run `vien run INPUTS -o {out}`"
        ) from e
    except (OSError, ValueError) as e:
        raise InputError(str(out / MANIFEST), f"unreadable ({e}); rerun `vien run`") from e
    timings = manifest.get("timings", {})
    return RunSummary(
        out_dir=out,
        signature=manifest.get("signature", ""),
        document_ids=list(manifest.get("documents", [])),
        counts=dict(manifest.get("counts", {})),
        failures=list(manifest.get("failures", [])),
        seconds=timings.get("seconds"),
        started=timings.get("started"),
        peak_memory_mb=manifest.get("peak_memory_mb"),
        models=list(_models(manifest.get("models", {}))),
    )


def _models(tree: dict[str, Any], role: str = "") -> Iterator[ModelInfo]:
    """Every ``{"model": ...}`` entry of the manifest's nested ``models`` section."""
    for key, value in tree.items():
        if not isinstance(value, dict):
            continue
        name = key if key != "models" else ""
        path = ".".join(p for p in (role, name) if p)
        if "model" in value and isinstance(value["model"], str):
            yield ModelInfo(path, value["model"], value.get("family"), value.get("checksum"))
        else:
            yield from _models(value, path)


def load_document(out_dir: Path, doc_id: str) -> Document:
    """The finished document ``doc_id`` of the run in ``out_dir``.

    Raises:
        InputError: its JSON file is missing or unreadable.
    """
    stored = read_document(out_dir, doc_id)
    if stored is None:
        raise InputError(
            str(document_path(out_dir, doc_id)),
            "listed in the manifest but missing or unreadable; rerun `vien run` into this folder",
        )
    return stored[0]


def read_contents(run: RunSummary) -> Contents:
    """Titles, counts and scores of the run's documents (the first pass over ``docs/``).

    Args:
        run: the run's summary.

    Returns:
        One entry per finished document, in order, and the run's weakest-score cutoff.

    Raises:
        InputError: a listed document is missing or unreadable.
    """
    entries = []
    for number, doc_id in enumerate(run.document_ids, 1):
        doc = load_document(run.out_dir, doc_id)
        segments = doc.segments
        entries.append(
            ContentsEntry(
                number=number,
                id=doc_id,
                title=document_title(doc),
                pairs=len(segments),
                flagged=sum(bool(s.flags) for s in segments),
                scores=[s.score for s in segments if s.score is not None],
            )
        )
    return Contents(entries, weakest_cutoff(s for e in entries for s in e.scores))


def iter_documents(run: RunSummary, contents: Contents) -> Iterator[DocumentView]:
    """Each listed document laid out as pairs, read from disk as it is needed."""
    for entry in contents.entries:
        doc = load_document(run.out_dir, entry.id)
        yield DocumentView(
            entry=entry,
            source=doc.source,
            byline=doc.metadata.get("byline"),
            summaries={k: v for k, v in doc.summaries.items() if v},
            removed=doc.removed,
            flags=list(doc.flags),
            paragraphs=[
                [_pair(doc.id, s, contents.cutoff) for s in p.segments]
                for p in doc.paragraphs
                if p.segments
            ],
        )


def _pair(doc_id: str, segment: Any, cutoff: float | None) -> Pair:
    return Pair(
        id=segment.id,
        label=segment.id.removeprefix(f"{doc_id}/"),
        vi=segment.vi,
        en=segment.en or "",
        flags=list(segment.flags),
        score=segment.score,
        weak=is_weak(segment.score, cutoff),
        vi_restored=segment.vi_restored,
        # Span offsets point into model_text, which has the same length as the text shown.
        vi_parts=vietnamese_parts(segment.vi_restored or segment.vi, segment.protected),
        en_parts=english_parts(segment.en or "", segment.protected),
    )


def document_title(doc: Document) -> str:
    """The document's title, else its first headline, else its id."""
    title = doc.metadata.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    for segment in doc.segments:
        if FLAG_HEADLINE in segment.flags:
            return segment.vi
    return doc.id
