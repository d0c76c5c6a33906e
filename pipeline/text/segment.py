"""Paragraph and sentence spans for Vietnamese news text.

Spans are ``(start, end)`` character offsets into the text they were found in,
so later stages can translate sentences and still rebuild the original
layout. Sentence boundaries are decided by rules, not a model: the cases that
matter in news (titles such as "TS.", numbers such as "1.700", quotes ending
in "?" followed by "ông nói") are few, known and cheap to test.
"""

from __future__ import annotations

import re

from pipeline.text.abbreviations import MIDDLE_NAMES, SECTION_WORDS, SENTENCE_STARTERS, TITLES

# Sentence-final punctuation, with any closing quotes/brackets glued to it,
# followed by whitespace or the end of the text.
_TERMINAL = re.compile(r"[.!?…]+(?:[\"”’'»)\]]+[.!?…]*)*(?=\s|$)")
_CLOSERS = "\"”’'»)]"
# Closing quotes and brackets, with a period after them, that follow sentence-final
# punctuation across spaces: "biết!" ." and tokenized text "biết ! " ." keep them,
# as does "... ." (a sentence may start with "...", never with a lone ".").
_TRAILER = re.compile(r"(?:\s*[\"”’'»)\]]+)*(?:\s*[.!?](?![.…]))?(?=\s|$)")
_OPENERS = "\"“‘'«([-–—…*•"
_LIST_MARKER = re.compile(r"(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,6}|[a-zđ])")
_INITIAL = re.compile(r"[A-ZĐ]")
_LOWER_ITEM = re.compile(r"[a-zđ][.)]\s+[A-ZĐ\d]")
_NEXT_INITIAL = re.compile(r"[A-ZĐ]\.(?:\s|$)")
_LINE = re.compile(r"[^\n]+")
_BRACKETS = {
    "(": ("paren", True),
    ")": ("paren", False),
    "“": ("quote", True),
    "”": ("quote", False),
}
_HEAD_FINAL = re.compile(r"[.!?…:;,][\"”’'»)\]]*$")


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Return the spans of the non-empty lines of ``text``, without edge whitespace.

    Args:
        text: normalized text; paragraphs are separated by line breaks.

    Returns:
        ``(start, end)`` offsets, in order.
    """
    spans = []
    for match in _LINE.finditer(text):
        span = _strip(text, *match.span())
        if span[0] < span[1]:
            spans.append(span)
    return spans


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return sentence spans inside ``text[start:end]``, as offsets into ``text``.

    Every non-whitespace character is in exactly one span, spans are in order,
    only whitespace lies between them, and a line break always ends a sentence.

    Args:
        text: normalized text.
        start: first offset to look at.
        end: offset to stop at; the end of ``text`` by default.

    Returns:
        ``(start, end)`` offsets, in order.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for match in _LINE.finditer(text, start, end):
        line_start, line_end = _strip(text, *match.span())
        if line_start < line_end:
            spans.extend(_split_line(text, line_start, line_end))
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    closes = _pair_closes(text, start, end)
    spans = []
    sentence_start = start
    for match in _TERMINAL.finditer(text, start, end):
        cut, stop = _trailer_end(text, match.end(), end, closes), match.start()
        if cut >= end or not _has_word(text, sentence_start, stop):
            continue
        if _is_boundary(text, match, cut, sentence_start, end, closes):
            spans.append(_strip(text, sentence_start, cut))
            sentence_start = _strip(text, cut, end)[0]
    spans.append(_strip(text, sentence_start, end))
    return spans


def _trailer_end(text: str, cut: int, end: int, closes: dict[str, list[tuple[int, int]]]) -> int:
    """Move ``cut`` past closing quotes/brackets (and a period after them) across spaces.

    A straight quote moves only when it closes a pair, so an opening quote of
    the next sentence ("... xong . " Tôi ...") stays where it is.
    """
    match = _TRAILER.match(text, cut, end)
    if not match or match.end() == cut:
        return cut
    closing = {c for _, c in closes["quote"]}
    for i in range(cut, match.end()):
        # A quote that a period follows, or that ends the line, closes whatever
        # the pairing says: tokenized quotes are often left open across sentences.
        settled = match.end() == end or any(c in ".!?" for c in text[i : match.end()])
        if text[i] in "\"'" and i not in closing and not settled:
            return cut
    return match.end()


def _has_word(text: str, start: int, end: int) -> bool:
    return any(c.isalnum() for c in text[start:end])


def _pair_closes(text: str, start: int, end: int) -> dict[str, list[tuple[int, int]]]:
    """Find matched (open, close) offsets of parentheses, curly and straight quotes."""
    pairs: dict[str, list[tuple[int, int]]] = {"paren": [], "quote": []}
    stacks: dict[str, list[int]] = {"paren": [], "quote": []}
    straight_open = False
    for i in range(start, end):
        kind, opens = _BRACKETS.get(text[i], (None, False))
        if text[i] == '"':
            # A straight quote opens after a space and closes before one; spaced on
            # both sides (tokenized text) it closes the one left open, else opens.
            after_space = i == start or text[i - 1].isspace() or text[i - 1] in "(["
            before_space = i + 1 >= end or text[i + 1].isspace() or text[i + 1] in ".,;:!?…)]"
            kind, opens = "quote", after_space and not (before_space and straight_open)
            if after_space and before_space:
                opens = _opens_spaced_quote(text, start, i, end, straight_open)
            straight_open = opens
        if kind is None:
            continue
        if opens:
            stacks[kind].append(i)
        elif stacks[kind]:
            pairs[kind].append((stacks[kind].pop(), i))
    return pairs


def _opens_spaced_quote(text: str, start: int, i: int, end: int, open_: bool) -> bool:
    """Whether a straight quote with spaces on both sides (tokenized text) opens a quote."""
    previous = text[start:i].rstrip()[-1:]
    following = text[i + 1 : end].lstrip()[:1]
    if previous in (":", ""):
        return True  # ': " Mấy hôm'
    if following in (".", ",", ";", ":", "!", "?", ")", ""):
        return False  # '? " .', 'ngày " ,'
    return not open_


def _inside(pairs: list[tuple[int, int]], offset: int) -> bool:
    """True when ``offset`` lies in an open pair that closes after it."""
    return _enclosing(pairs, offset) is not None


def _enclosing(pairs: list[tuple[int, int]], offset: int) -> int | None:
    """The opening offset of the innermost pair around ``offset``, if any."""
    inner = None
    for open_, close in pairs:
        if open_ < offset <= close and (inner is None or open_ > inner):
            inner = open_
    return inner


def _is_boundary(
    text: str,
    match: re.Match[str],
    cut: int,
    sentence_start: int,
    end: int,
    closes: dict[str, list[tuple[int, int]]],
) -> bool:
    """Decide whether ``match`` (with the closers after it, up to ``cut``) ends a sentence."""
    following = text[cut:end].lstrip()
    if following[:1] in (",", ";", ":", ")", "]", "”", "»"):
        return False  # "... , nhưng" in tokenized text goes on; no sentence starts so
    first = following.lstrip(_OPENERS + " ")[:1]
    if not first.isalnum():
        return True
    if _inside(closes["paren"], cut):
        return False
    core = match.group().rstrip(_CLOSERS)
    words = text[sentence_start : match.start()].split()
    if "…" in core or ".." in core:
        return first.isupper() and not _inside(closes["quote"], cut)
    if first.islower() and _LOWER_ITEM.match(following):
        return core[-1] in ".!?"  # "... cụ thể. b. Báo cáo ..."
    if first.islower():
        # A sentence may open with a quoted lowercase word: ". “đổi mới” là ...",
        # but "?” ông hỏi" and "TS. “ma”" go on.
        if following[0] not in '“"' or core[-1] not in ".!?":
            return False
        return core != "." or not _is_abbreviation(words, following)
    quote = _enclosing(closes["quote"], cut)
    if quote is not None and len(text[max(quote, sentence_start) : match.start()].split()) <= 2:
        return False  # "Mẹ! Bố!" inside one quote is one utterance
    if "!" in core or "?" in core:
        return True
    if not words or words[-1][-1] in _CLOSERS:
        return True
    return not _is_abbreviation(words, following)


def _is_abbreviation(words: list[str], following: str) -> bool:
    """True when the period after ``words[-1]`` belongs to the word, not the sentence."""
    if not words:
        return False
    word = words[-1].lstrip(_OPENERS)
    parts = [p for p in word.split(".") if p]
    if not parts:
        return False
    section = " ".join(words[:-1]) in SECTION_WORDS
    if (len(words) == 1 or section) and _LIST_MARKER.fullmatch(word):
        return True  # "1. ...", "II. ...", "Điều 5. ..."
    next_word = following.lstrip(_OPENERS + " ").split(" ", 1)[0].rstrip(",:;")
    if next_word in SENTENCE_STARTERS:
        return False
    if all(_INITIAL.fullmatch(p) for p in parts):
        return _is_initial(word, words[-2] if len(words) > 1 else None, following)
    return parts[-1] in TITLES and all(p in TITLES or len(p) == 1 for p in parts)


def _is_initial(word: str, previous: str | None, following: str) -> bool:
    """Tell a name initial ("Nguyễn V. A.") from a one-letter word ending a sentence."""
    if _NEXT_INITIAL.match(following) or following.startswith("(") or word in TITLES:
        return True  # "V. A.", "A. (SN 1990)", "Q. 3", "P. Bến Nghé"
    if previous is None:
        return True  # "A. Phần mở đầu"
    if following[:1].isdigit() or previous in MIDDLE_NAMES:
        return False  # "hạng A. 5 đội", "Nguyễn Văn A." ends with the given name
    return previous[:1].isupper()


def is_headline(text: str) -> bool:
    """True for a title line: short and without final punctuation, or in capitals.

    Args:
        text: one paragraph.

    Returns:
        Whether the stages should treat the line as a headline.
    """
    text = text.strip()
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2:
        return False
    if all(c.isupper() for c in letters):
        return True
    first = next(c for c in text if c.isalnum())
    short = len(text) <= 160 and len(text.split()) <= 25
    return short and not first.islower() and not _HEAD_FINAL.search(text)


_SOURCE_LINE = re.compile(r"\(?(?:Theo|Nguồn\s*:)\s+[A-ZĐ\d][^.!?]{0,60}\)?\.?")
_CREDIT_LINE = re.compile(
    r"(?:Bài(?: và ảnh| và clip|, ảnh)?|Tin(?: và ảnh|, ảnh)?|Ảnh|Thực hiện"
    r"|Nhóm PV|Nhóm phóng viên)\s*:\s*[A-ZĐ][^.!?]{0,60}"
)
_NAME_SEPARATORS = re.compile(r"\s*(?:[–—\-/,&;]|\bvà\b)\s*")
_NAME_WORD = re.compile(r"[A-ZĐÀ-ỸẠ-Ỹ][^\W\d_]*\.?|[A-ZĐ]\.")


def is_byline(text: str) -> bool:
    """True for an author/source line such as "Thu Trang – Công Luận" or "Theo VnExpress".

    Only meaningful for the last lines of an article; a short title-cased
    headline elsewhere would also pass.

    Args:
        text: one paragraph.

    Returns:
        Whether the line names the authors or the source.
    """
    text = text.strip()
    if not text or len(text) > 80:
        return False
    if _SOURCE_LINE.fullmatch(text) or _CREDIT_LINE.fullmatch(text):
        return True
    return bool(byline_names(text))


def byline_names(text: str) -> list[tuple[int, int]]:
    """Where the names stand in a line that only lists authors or outlets, else nothing.

    "Thu Trang – Công Luận (tổng hợp)" gives the offsets of "Thu Trang" and
    "Công Luận". Source and credit lines ("Theo VnExpress", "Ảnh: Minh Hà")
    give nothing: their other words need translating.

    Args:
        text: one paragraph.

    Returns:
        (start, end) of each name, in order.
    """
    line = text.strip()
    if not line or len(line) > 80 or _SOURCE_LINE.fullmatch(line) or _CREDIT_LINE.fullmatch(line):
        return []
    # A note in brackets ("(tổng hợp)") separates names like a dash does.
    masked = re.sub(r"\s*\([^()]{1,40}\)", lambda m: "/" * len(m.group()), text)
    masked = masked.rstrip().rstrip(".")
    names, start = [], 0
    for cut in [*_NAME_SEPARATORS.finditer(masked), None]:
        end = cut.start() if cut else len(masked)
        chunk = masked[start:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            names.append((start + lead, start + len(chunk.rstrip())))
        start = cut.end() if cut else end
    words = [text[s:e].split() for s, e in names]
    if not names or sum(map(len, words)) > 10:
        return []
    if all(1 <= len(w) <= 5 and all(_NAME_WORD.fullmatch(x) for x in w) for w in words):
        return names
    return []
