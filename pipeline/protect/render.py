"""English renderings of what ``pipeline.quality.numbers`` reads in a Vietnamese sentence.

The number reader already knows each value and its preferred English form
("1.700" is "1,700", "8.500.000 đồng" is "8,500,000 dong"); this module adds
the choices a user makes (the date style) and those that need the words
around a span ("12 giờ tới" is twelve hours, "12 giờ trưa" is noon).
"""

from __future__ import annotations

import re
from typing import Literal

from pipeline.quality.english import MONTH_NAMES
from pipeline.quality.numbers import Expectation

DateStyle = Literal["month_day", "day_month"]

# "N giờ" is a clock time when a part of the day follows or a time preposition
# comes before; otherwise it is a number of hours ("trong 12 giờ tới").
_DAY_PART_AFTER = re.compile(
    r"\s*(?:[-–,]\s*)?(?:sáng|chiều|tối|trưa|đêm|khuya|ngày|hôm|cùng ngày|rạng sáng)(?!\w)",
    re.IGNORECASE,
)
_TIME_WORD_BEFORE = re.compile(r"(?<!\w)(?:lúc|từ|đến|tới|vào|trước)\s+$", re.IGNORECASE)
_DURATION_AFTER = re.compile(r"\s*(?:tới|qua|liền|nữa|đồng hồ)(?!\w)", re.IGNORECASE)
_WHOLE_HOUR = re.compile(r"([0-9]{1,2})\s*giờ", re.IGNORECASE)
# A part of the day right before a date ("chiều 6/3", "sáng ngày 6/3") joins its span:
# English puts it first with "of" ("the afternoon of March 6"), which a model does
# not learn to write around a placeholder ("Chiều ｟1｠" came out "Many March 6").
_DAY_PARTS = {  # the preposition English needs when Vietnamese has none, and the phrase
    "rạng sáng": ("in", "the early hours"),
    "sáng": ("on", "the morning"),
    "chiều": ("on", "the afternoon"),
    "tối": ("on", "the evening"),
    "đêm": ("on", "the night"),
}
_DAY_PART_BEFORE = re.compile(
    r"(?<!\w)(rạng sáng|sáng|chiều|tối|đêm)(?:\s+ngày)?\s+$", re.IGNORECASE
)
# A unit of time after a number joins its span ("02 năm" is "2 years"): left to the model
# after a placeholder, "năm" came out as "five" ("Sơ kết ｟1｠ năm" read "2 five"). Not
# before a number, unless a unit follows that one too: "tháng 5 năm 2020" is a month and
# its year, "2 tháng 3 ngày" two durations. "năm học" (a school year) and "tuổi" (of age)
# are other words, left to the model.
_UNITS = {
    "năm": ("year", "years"),
    "tháng": ("month", "months"),
    "tuần": ("week", "weeks"),
    "ngày": ("day", "days"),
    "phút": ("minute", "minutes"),
    "giây": ("second", "seconds"),
    "thập kỷ": ("decade", "decades"),
    "thế kỷ": ("century", "centuries"),
}
_UNIT_WORD = rf"(?:{'|'.join(_UNITS)})(?!\w)"
_UNIT_AFTER = re.compile(
    rf"\s+({_UNIT_WORD})(?!\s+(?:học|tuổi)(?!\w))(?!\s*[0-9]+(?![0-9])(?!\s+{_UNIT_WORD}))",
    re.IGNORECASE,
)
# Words that already say "on" or "in" ("vào chiều 6/3" is "on the afternoon of March 6").
_PREPOSITION_BEFORE = re.compile(
    r"(?<!\w)(?:vào|trong|từ|đến|tới|trước|sau|suốt|cuối|đầu|hết|cho)\s+$", re.IGNORECASE
)


def render_items(items: tuple[Expectation, ...], date_style: DateStyle) -> str:
    """The English of one span's expectations: a value, or a date or month with its year.

    Latin-script tokens stay as written (a Roman numeral too: "khóa XIII" keeps "XIII").
    """
    first = items[0]
    year = items[1].expected if len(items) > 1 else None
    if first.kind == "date":
        _, month, day = next(v for v in first.accepted if v[0] == "date")
        name = MONTH_NAMES[month - 1]
        if date_style == "day_month":
            return f"{day} {name} {year}" if year else f"{day} {name}"
        return f"{name} {day}, {year}" if year else f"{name} {day}"
    if first.kind == "month":
        return f"{first.expected} {year}" if year else first.expected
    if first.kind == "name" or any(v[0] == "roman" for v in first.accepted):
        return first.source
    return first.expected


def day_part_before(text: str, start: int, date: str) -> tuple[int, str] | None:
    """A part of the day written right before the date at ``start``, joined to it.

    "Chiều 6/3, …" gives "On the afternoon of March 6"; "vào sáng 6/3" gives
    "the morning of March 6" (the model translates "vào"); "diễn ra tối 6/3"
    gives "on the evening of March 6".

    Args:
        text: the sentence.
        start: where the date's span starts.
        date: the date's English ("March 6").

    Returns:
        The joined span's start and its English, or None when no part of the day comes first.
    """
    match = _DAY_PART_BEFORE.search(text[max(0, start - 20) : start])
    if match is None:
        return None
    begin = start - len(match.group())
    word = match.group(1)
    preposition, phrase = _DAY_PARTS[" ".join(word.lower().split())]
    english = f"{phrase} of {date}"
    if _PREPOSITION_BEFORE.search(text[max(0, begin - 8) : begin]) is None:
        english = f"{preposition} {english}"
    if word[0].isupper():
        english = english[0].upper() + english[1:]
    return begin, english


def unit_after(text: str, end: int, number: str) -> tuple[int, str] | None:
    """A unit of time written right after the number ending at ``end``, joined to it.

    Args:
        text: the sentence.
        end: where the number's span ends.
        number: the number's English ("2", "1.5").

    Returns:
        The joined span's end and its English ("2 years", "1 month"), or None when no
        unit follows.
    """
    match = _UNIT_AFTER.match(text, end)
    if match is None:
        return None
    one, many = _UNITS[" ".join(match.group(1).lower().split())]
    return match.end(), f"{number} {one if number == '1' else many}"


def hours_only(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where the digits stand when ``text[start:end]`` ("12 giờ") counts hours, not a clock time.

    Returns:
        The digits' (start, end), or None when the span is a clock time.
    """
    match = _WHOLE_HOUR.fullmatch(text, start, end)
    if match is None:
        return None
    after = _DAY_PART_AFTER.match(text, end)
    before = _TIME_WORD_BEFORE.search(text[max(0, start - 12) : start])
    if after or (before and not _DURATION_AFTER.match(text, end)):
        return None
    return match.start(1), match.end(1)
