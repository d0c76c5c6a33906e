"""Whether a summary may be published: numbers, names, length and loops checked against the article.

Abstractive summarizers state facts their article does not support, most
visibly numbers and named entities (Maynez et al., "On Faithfulness and
Factuality in Abstractive Summarization", ACL 2020); the bundled CPU-trained
summarizer does so in about half of its summaries. Those are cheap to catch
on the surface: every number a summary writes must have its value somewhere in
the article, and every name must stand in the article as written. A summary
that fails, loops, or is longer than its article is not emitted; the summarize
stage falls back to the lead sentences instead.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from pipeline.quality.degenerate import is_repetitive
from pipeline.quality.english import english_spans, english_values
from pipeline.quality.numbers import VI_ABBREVIATIONS, find_spans

# Why a summary is refused, as ``check_summary`` names it.
EMPTY = "empty"
LONGER_THAN_SOURCE = "longer_than_source"
REPETITION = "repetition"
UNSUPPORTED_NUMBER = "unsupported_number"
UNSUPPORTED_NAME = "unsupported_name"

# An article may write small numbers as words ("hai người") that its summary
# writes in digits; "năm" (five, year) and "một" (one, a) make 5 and 1 easy.
VI_NUMBER_WORDS = {1: "một", 2: "hai", 3: "ba", 4: "bốn", 5: "năm", 6: "sáu", 7: "bảy",
                   8: "tám", 9: "chín", 10: "mười"}  # fmt: skip

_WORD = re.compile(r"\w+")
# What may stand between two words of one name: a single space or hyphen.
_NAME_GAP = re.compile(r"[ \-]")
# A word at the start or after one of ``_ENDS`` (openers between) opens a
# sentence, so its capital proves nothing.
_ENDS = ".!?…:;\n"
_DOTTED = re.compile(r"(?<!\w)(\w+)\.$")
_OPENERS = " \t\"“‘'«([-–—"
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def check_summary(source: str, summary: str, *, lang: str = "vi") -> list[str]:
    """Why ``summary`` must not be published as the summary of ``source``.

    Args:
        source: the article as the summarizer read it.
        summary: the summary, in the same language.
        lang: "vi" reads numbers the Vietnamese way (``1.700``, ``2,5``), "en"
            the English way.

    Returns:
        Reasons in this order: ``empty``, ``longer_than_source``, ``repetition``,
        ``unsupported_number``, ``unsupported_name``; empty when it may be published.
    """
    if not summary.strip():
        return [EMPTY]
    reasons = []
    if len(_WORD.findall(summary)) > len(_WORD.findall(source)):
        reasons.append(LONGER_THAN_SOURCE)
    if is_repetitive(source, summary) or repeats_sentence(summary):
        reasons.append(REPETITION)
    if unsupported_numbers(source, summary, lang=lang):
        reasons.append(UNSUPPORTED_NUMBER)
    if unsupported_names(source, summary, lang=lang):
        reasons.append(UNSUPPORTED_NAME)
    return reasons


def unsupported_numbers(source: str, summary: str, *, lang: str = "vi") -> list[str]:
    """The numbers, dates, times and amounts of ``summary`` whose value ``source`` never states.

    Values are compared, not strings: "8,5 triệu" is supported by "8.500.000";
    a year is supported by a full date holding it, and 1 to 10 by their words.

    Returns:
        The unsupported spans as written in the summary, in order.
    """
    if lang == "vi":
        stated = {
            value
            for span in find_spans(source)
            for item in span.items
            if item.kind != "name"
            for value in item.accepted
        }
        words = set(_WORD.findall(source.casefold()))
        stated |= {("n", Decimal(n)) for n, word in VI_NUMBER_WORDS.items() if word in words}
        return [
            item.source
            for span in find_spans(summary)
            for item in span.items
            if item.kind != "name" and not item.accepted & stated
        ]
    stated_en = english_values(source)
    return [summary[a:b] for a, b, values in english_spans(summary) if not values & stated_en]


def unsupported_names(source: str, summary: str, *, lang: str = "vi") -> list[str]:
    """The names of ``summary`` that do not stand in ``source`` as written.

    Names are runs of capitalized words that do not open a sentence ("tỉnh
    Nghệ An", "ông Nguyễn Văn Hùng") and, in Vietnamese, Latin-script names
    such as acronyms ("WHO"). Case does not matter ("Phụ Sản", "phụ sản").

    Returns:
        Each unsupported name once, in order.
    """
    names = capitalized_runs(summary)
    if lang == "vi":
        names += [
            item.source
            for span in find_spans(summary)
            for item in span.items
            if item.kind == "name"
        ]
    text = _squash(source).casefold()
    return [name for name in dict.fromkeys(names) if not _stands_in(name.casefold(), text)]


def capitalized_runs(text: str) -> list[str]:
    """Runs of capitalized words, the sentence-opening word left out, as written.

    Abbreviations that English spells out ("UBND", "TP") and single letters
    ("Q. 3") end a run: they are titles and addresses, not names.
    """
    runs: list[list[re.Match[str]]] = []
    previous: re.Match[str] | None = None
    for word in _WORD.finditer(text):
        token = word.group()
        if not token[0].isupper() or len(token) == 1 or token in VI_ABBREVIATIONS:
            previous = None
            continue
        joined = previous is not None and _NAME_GAP.fullmatch(text[previous.end() : word.start()])
        if joined:
            runs[-1].append(word)
        elif _opens_sentence(text, word.start()):
            runs.append([])  # the opening word may be any word; the run starts after it
        else:
            runs.append([word])
        previous = word
    return [text[run[0].start() : run[-1].end()] for run in runs if run]


def _opens_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(_OPENERS)
    if not before or before[-1] not in _ENDS:
        return not before
    # "TP. Hà Nội", "Q. Ba Đình": the dot of an abbreviation ends no sentence.
    abbreviation = _DOTTED.search(before)
    return abbreviation is None or not (
        len(abbreviation[1]) == 1 or abbreviation[1] in VI_ABBREVIATIONS
    )


def repeats_sentence(text: str) -> bool:
    """True when one sentence of ``text`` occurs twice (casefolded, spaces squashed)."""
    sentences = [_squash(s).casefold() for s in _SENTENCE_END.split(text) if s.strip()]
    return len(set(sentences)) < len(sentences)


def _stands_in(name: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(_squash(name))}(?!\w)", text) is not None


def _squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())
