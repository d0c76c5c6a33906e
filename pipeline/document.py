"""The data model shared by every reader, stage and writer.

A :class:`Document` holds the normalized text of one input plus the spans the
stages find in it. Paragraphs and segments carry character offsets into
``Document.text`` (as stanza's tokens do), so the text between them, and the
page residue removed from translation, can always be rebuilt.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline.errors import StageFailure
from pipeline.text.case import unshout

# Flags a segment can carry; writers and reports show them.
FLAG_SPLIT_LONG = "split_long"  # longer than the model's input: translated in parts
FLAG_HEADLINE = "headline"
FLAG_BYLINE = "byline"
FLAG_LOW_CONFIDENCE = "low_confidence"
FLAG_REPETITION = "repetition"
FLAG_EMPTY = "empty_output"
FLAG_COPIED = "copied_source"
FLAG_LENGTH_RATIO = "length_ratio"
FLAG_RETRIED = "retried"
FLAG_NUMBERS = "number_mismatch"
FLAG_TONES_RESTORED = "tones_restored"  # written without tone marks: vi_restored was translated
# The protected translation lost a placeholder or span: translated again without protection.
FLAG_PROTECT_FALLBACK = "protect_fallback"
# That lost a span too: the text between the spans translated piece by piece.
FLAG_STITCHED = "stitched"
# Flags a whole document can carry.
FLAG_SUMMARY_FALLBACK = "summary_fallback"  # the model's summary failed the guard: lead instead
FLAG_MOJIBAKE = "mojibake_repaired"  # text mis-decoded as cp1252/latin-1 before us: repaired


@dataclass
class Segment:
    """One Vietnamese sentence and its English translation.

    ``start``/``end`` are offsets into ``Document.text``; ``id`` is stable
    across runs (``doc/p3/s2``, counted from 1). ``protected`` lists the spans
    the translate stage protected (kind, start, end, text, en), with offsets
    into the text the model translated (``vi``, or its tone-restored form).
    """

    id: str
    vi: str
    start: int
    end: int
    en: str | None = None
    flags: list[str] = field(default_factory=list)
    score: float | None = None
    protected: list[dict[str, Any]] = field(default_factory=list)
    # ``vi`` with its tone marks restored (``normalize.restore_tones``); ``vi`` stays as written.
    vi_restored: str | None = None

    def flag(self, name: str) -> None:
        """Add ``name`` to the flags once."""
        if name not in self.flags:
            self.flags.append(name)

    @property
    def model_text(self) -> str:
        """The Vietnamese the models read: the tone-restored text when there is one,
        in sentence case when it is written in capitals (a headline)."""
        return unshout(self.vi_restored if self.vi_restored is not None else self.vi)


@dataclass
class Paragraph:
    """A block of text separated from its neighbours by a line break."""

    index: int
    start: int
    end: int
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Removed:
    """A span kept out of translation (page residue), recorded, never dropped."""

    start: int
    end: int
    text: str
    reason: str


@dataclass
class Document:
    """One input document as it flows through the pipeline.

    Readers fill ``id``, ``source``, ``text`` and ``metadata``; ``normalize``
    rewrites ``text`` and fills ``removed``; ``segment`` fills ``paragraphs``;
    ``translate`` fills each segment's ``en``; ``summarize`` fills
    ``summaries`` (keyed by language code). ``flags`` are about the document
    as a whole (``summary_fallback``); segments carry their own.
    """

    id: str
    source: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    paragraphs: list[Paragraph] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    summaries: dict[str, str] = field(default_factory=dict)
    stages: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    error: str | None = None

    def flag(self, name: str) -> None:
        """Add ``name`` to the document's flags once."""
        if name not in self.flags:
            self.flags.append(name)

    @property
    def segments(self) -> list[Segment]:
        """All segments in reading order."""
        return [s for p in self.paragraphs for s in p.segments]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy; an unplanned failure also keeps its stage and type (``failure``).

        The Ray engine moves documents between processes as this JSON, and the
        manifest must still tell a bug from bad input after the trip.
        """
        data = asdict(self)
        if isinstance(self.error, StageFailure):
            data["failure"] = {"stage": self.error.stage, "type": self.error.type_name}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """Rebuild a document written by :meth:`to_dict`."""
        paragraphs = [
            Paragraph(
                index=p["index"],
                start=p["start"],
                end=p["end"],
                segments=[Segment(**s) for s in p["segments"]],
            )
            for p in data.get("paragraphs", [])
        ]
        return cls(
            id=data["id"],
            source=data["source"],
            text=data["text"],
            metadata=dict(data.get("metadata", {})),
            paragraphs=paragraphs,
            removed=[Removed(**r) for r in data.get("removed", [])],
            summaries=dict(data.get("summaries", {})),
            stages=list(data.get("stages", [])),
            # Documents written before document flags existed have none.
            flags=list(data.get("flags", [])),
            error=_error(data),
        )


def _error(data: dict[str, Any]) -> str | None:
    """``Document.error`` as :meth:`Document.to_dict` wrote it."""
    failure = data.get("failure")
    if failure is None or data.get("error") is None:
        return data.get("error")
    return StageFailure.rebuilt(data["error"], failure["stage"], failure["type"])
