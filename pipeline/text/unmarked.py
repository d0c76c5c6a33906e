"""Find Vietnamese written without tone marks and restore it, leaving everything else alone.

An MT model trained on marked text cannot read "SO KET 02 NAM THUC HIEN", so
such sentences are restored before translation. The detector must never touch
marked Vietnamese or English: a sentence qualifies only when it has no marked
letter at all, most of its words are unmarked forms of Vietnamese syllables,
and the tone model finds the restored sentence likely Vietnamese (English
words such as "to", "can" or "the" are Vietnamese-shaped, but their sequences
are not).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pipeline.text.segment import split_paragraphs, split_sentences
from pipeline.text.syllables import is_syllable
from pipeline.text.tone_model import TOKEN, ToneModel

# Thresholds, set on 3,000 held-out VietNews sentences stripped of marks against
# 30,000 English sentences (news, TED, fiction, in capitals too): see
# benchmarks/tone_restoration.py. A sentence needs this many words that restore
# to Vietnamese syllables ...
MIN_SYLLABLES = 3
# ... making up this share of its words (names and codes are the rest; in
# capitals, where acronyms look like words, a larger share) ...
MIN_SYLLABLE_SHARE = 0.6
MIN_SYLLABLE_SHARE_CAPS = 0.85
# ... with at most this share of lower-case words of 3+ letters that are not
# Vietnamese ("the", "to", "an" are Vietnamese-shaped; "that", "moment" are not) ...
MAX_FOREIGN_SHARE = 0.1
FOREIGN_MIN_LETTERS = 3
# ... of which this share must change when restored ...
MIN_CHANGED_SHARE = 0.4
# ... and the restored sentence's mean log-probability per token must reach this.
MIN_MEAN_LOGP = -7.0


def has_marks(text: str) -> bool:
    """True when ``text`` has a letter outside ASCII: a marked Vietnamese letter, or another."""
    return any(c.isalpha() and not c.isascii() for c in text)


def restore_if_unmarked(sentence: str, model: ToneModel) -> str | None:
    """The restored sentence when ``sentence`` is Vietnamese written without marks, else None.

    Args:
        sentence: one sentence or headline, NFC.
        model: the tone model.

    Returns:
        The restored text (same length), or None when the sentence has marks
        already, is not Vietnamese, or restoring it would change nothing.
    """
    if has_marks(sentence):
        return None
    restored, mean_logp = model.restore_scored(sentence)
    pairs = [
        (word, new)
        for word, new in zip(TOKEN.findall(sentence), TOKEN.findall(restored), strict=True)
        if word.isalpha()
    ]
    syllables = [(w, n) for w, n in pairs if model.knows(w) and is_syllable(n.lower())]
    foreign = sum(
        1
        for w, n in pairs
        if len(w) >= FOREIGN_MIN_LETTERS and w.islower() and not is_syllable(n.lower())
    )
    share = MIN_SYLLABLE_SHARE_CAPS if sentence.isupper() else MIN_SYLLABLE_SHARE
    changed = sum(w != n for w, n in syllables)
    if (
        len(syllables) < MIN_SYLLABLES
        or len(syllables) < share * len(pairs)
        or foreign > MAX_FOREIGN_SHARE * len(pairs)
        or changed < MIN_CHANGED_SHARE * len(syllables)
        or mean_logp < MIN_MEAN_LOGP
    ):
        return None
    return restored


def restore_unmarked(text: str, model: ToneModel) -> tuple[str, list[tuple[int, int]]]:
    """Restore every sentence of ``text`` written without marks.

    Sentences are found as the segment stage finds them, so each restored
    span is exactly one segment's span.

    Args:
        text: normalized document text.
        model: the tone model.

    Returns:
        The text with those sentences restored (same length, same offsets)
        and the ``(start, end)`` spans that changed.
    """
    pieces, spans, last = [], [], 0
    for p_start, p_end in split_paragraphs(text):
        for start, end in split_sentences(text, p_start, p_end):
            restored = restore_if_unmarked(text[start:end], model)
            if restored is None:
                continue
            pieces.extend((text[last:start], restored))
            spans.append((start, end))
            last = end
    pieces.append(text[last:])
    return "".join(pieces), spans


def restore_lines(lines: Iterable[str], model: ToneModel, *, detect: bool = True) -> Iterator[str]:
    """Restore lines one for one: those written without marks, or every line.

    Args:
        lines: text lines without their line breaks.
        model: the tone model.
        detect: restore only lines the detector finds unmarked; False restores
            every word the model knows in every line.

    Yields:
        One line per input line.
    """
    for line in lines:
        if not detect:
            yield model.restore(line)
            continue
        restored, _ = restore_unmarked(line, model)
        yield restored
