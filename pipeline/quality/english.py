"""Read the numbers, dates, times and names an English text states, the English way.

The other half of the number check (``pipeline.quality.numbers`` reads the
Vietnamese source): "1,700" is 1700 and "1.7" is 1.7, "8.5 million" is also
8,500,000, "March 6" and "6 March" are one date, "3 p.m." is 15:00, and small
numbers may be words ("two years", "the third time").
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

Value = tuple  # ("n", Decimal) | ("date", month, day) | ("month", m) | ("time", h, m)


def _words(text: str) -> list[str]:
    return text.split()


EN_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
    # News abbreviations: "$2.3bn", "£5m", "8.5 mln".
    "k": 1_000,
    "m": 10**6,
    "mn": 10**6,
    "mln": 10**6,
    "bn": 10**9,
    "tn": 10**12,
}

_SMALL_NUMBERS = _words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
)
EN_NUMBER_WORDS = dict(zip(_SMALL_NUMBERS, range(21), strict=True)) | {
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "dozen": 12,
}
EN_ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
}
MONTH_NAMES = _words(
    "January February March April May June July August September October November December"
)
MONTHS = (
    {name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)}
    | {name.lower()[:3]: number for number, name in enumerate(MONTH_NAMES, start=1)}
    | {"sept": 9}
)
# Latin names whose English rendering may be a symbol or a word instead.
NAME_ALIASES = {
    "USD": ("$", "dollar"),
    "EUR": ("€", "euro"),
    "GBP": ("£", "pound"),
    "JPY": ("¥", "yen"),
    # Vietnamese spellings of foreign names that English spells its own way.
    "Campuchia": ("Cambodia",),
    "Ucraina": ("Ukraine",),
    "Ukraina": ("Ukraine",),
    "Italia": ("Italy", "Italian"),
    "X-quang": ("X-ray",),
}
# Names at least this long may take an English suffix when matched; names
# have at most this many parts ("RON 95-III").
MIN_STEM_CHARS = 5
MAX_NAME_PARTS = 4

_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
# A word of ASCII letters and digits, maybe joined by "-" or "." ("COVID-19", "TP.HCM").
LATIN_TOKEN = re.compile(r"(?<![^\W_])[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*(?![^\W_])")
# A number may end a word ("20th", "1990s", "5bn") or have a unit glued to it
# ("150,000ha", "20km", the house style of much Vietnamese English news).
_EN_NUMBER = re.compile(
    r"(?<![\w.])(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?"
    r"(?:(?:st|nd|rd|th|s|(?P<unit>k|m|mn|mln|bn|tn))?(?![\w])|(?=[^\W\d_]+(?![\w])))"
)
_EN_SCALE = re.compile(
    r"\s*(hundred|thousand|million|billion|trillion|mn|mln|bn|tn)\b", re.IGNORECASE
)
_EN_SLASH = re.compile(r"(?<![\w/])([0-9]{1,2})/([0-9]{1,2})(?:/[0-9]{2,4})?(?![\w/])")
_EN_TIME = re.compile(
    r"(?<![\w.:])([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*(a\.?m\.?|p\.?m\.?|o'clock|h\b)?"
    r"(?![0-9])",
    re.IGNORECASE,
)
_WORD_CHARS = re.compile(r"[^\W_]+")
_EN_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_EN_MONTH_DAY = re.compile(
    rf"\b({_MONTH_NAMES})\.?\s+([0-9]{{1,2}})(?:st|nd|rd|th)?\b", re.IGNORECASE
)
_EN_DAY_MONTH = re.compile(
    rf"\b([0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_NAMES})\b\.?", re.IGNORECASE
)
_EN_MONTH_RANGE = re.compile(
    rf"\b({_MONTH_NAMES})\.?\s+[0-9]{{1,2}}(?:st|nd|rd|th)?\s*(?:to|and|-|–|—)\s*"
    rf"([0-9]{{1,2}})(?:st|nd|rd|th)?\b",
    re.IGNORECASE,
)
# Words that stand for the number 1 ("nearly a year" for "gần 1 năm").
_EN_ONE = re.compile(r"\b(?:a|an|single|once)\b", re.IGNORECASE)
_EN_MONTH = re.compile(rf"\b({_MONTH_NAMES})\b", re.IGNORECASE)


def roman_value(token: str) -> int | None:
    """The value of a Roman numeral of two or more letters ("XIII" is 13), else None."""
    if len(token) < 2 or not _ROMAN.fullmatch(token):
        return None
    numerals = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for i, ch in enumerate(token):
        value = numerals[ch]
        total += -value if i + 1 < len(token) and numerals[token[i + 1]] > value else value
    return total


def english_values(text: str) -> set[Value]:
    """Every number, date, month and time an English text states, read the English way.

    Scaled numbers count at both sizes ("8.5 million" is 8.5 and 8,500,000);
    "d/m" counts as a date either way round; small numbers and ordinals may be
    words ("two", "third"); Roman numerals count as themselves and their value.
    """
    values: set[Value] = set()
    for match in _EN_NUMBER.finditer(text):
        number = _decimal(
            match["int"].replace(",", "") + (f".{match['frac']}" if match["frac"] else "")
        )
        if number is None:
            continue
        values.add(("n", number.normalize()))
        scale = _EN_SCALE.match(text, match.end())
        unit = match["unit"] or (scale.group(1) if scale else None)
        if unit:
            values.add(("n", (number * EN_SCALES[unit.lower()]).normalize()))
    lowered = text.lower()
    for match in _EN_WORD.finditer(lowered):
        for part in [match.group(), *match.group().split("-")]:
            value = EN_NUMBER_WORDS.get(part, EN_ORDINAL_WORDS.get(part))
            if value is not None:
                values.add(("n", Decimal(value)))
        tens, _, unit = match.group().partition("-")
        if tens in EN_NUMBER_WORDS and unit in EN_NUMBER_WORDS | EN_ORDINAL_WORDS:
            unit_value = EN_NUMBER_WORDS.get(unit, EN_ORDINAL_WORDS.get(unit, 0))
            values.add(("n", Decimal(EN_NUMBER_WORDS[tens] + unit_value)))
        scale = _EN_SCALE.match(lowered, match.end())
        if scale and match.group() in EN_NUMBER_WORDS:
            value = EN_NUMBER_WORDS[match.group()] * EN_SCALES[scale.group(1).lower()]
            values.add(("n", Decimal(value)))
    for match in _EN_SLASH.finditer(text):
        a, b = int(match.group(1)), int(match.group(2))
        for day, month in ((a, b), (b, a)):
            if 1 <= day <= 31 and 1 <= month <= 12:
                values.add(("date", month, day))
    for match in _EN_MONTH_DAY.finditer(text):
        values.add(("date", MONTHS[match.group(1).lower()], int(match.group(2))))
    for match in _EN_DAY_MONTH.finditer(text):
        values.add(("date", MONTHS[match.group(2).lower()], int(match.group(1))))
    for match in _EN_MONTH_RANGE.finditer(text):
        values.add(("date", MONTHS[match.group(1).lower()], int(match.group(2))))
    if _EN_ONE.search(text):
        values.add(("n", Decimal(1)))
    for match in _EN_MONTH.finditer(text):
        name = match.group(1)
        if name.lower() != "may" or name[0].isupper():
            values.add(("month", MONTHS[name.lower()]))
    for match in _EN_TIME.finditer(text):
        values.update(_english_times(match))
    for token in LATIN_TOKEN.findall(text):
        if roman_value(token) is not None:
            values.add(("roman", token))
    return values


def _english_times(match: re.Match[str]) -> set[Value]:
    hour, minute, suffix = int(match.group(1)), match.group(2), (match.group(3) or "").lower()
    if hour > 24:
        return set()
    minutes = int(minute) if minute else 0
    if minutes >= 60 or not (minute or suffix):
        return set()
    times = {("time", hour % 24, minutes)}
    if suffix.startswith("p") and hour < 12:
        times = {("time", hour + 12, minutes)}
    elif suffix.startswith("a") and hour == 12:
        times = {("time", 0, minutes)}
    return times


class WordIndex:
    """The words of a translation, indexed for fast name look-ups (a segment may be long)."""

    def __init__(self, text: str) -> None:
        self.text = text.casefold()
        words = _WORD_CHARS.findall(self.text)
        self.phrases = {
            " ".join(words[i : i + n])
            for n in range(1, MAX_NAME_PARTS + 1)
            for i in range(len(words) - n + 1)
        }
        # "singapore" for "singaporean": a word less an English ending of 1-4 letters.
        self.stems = {
            word[:k] for word in words for k in range(max(MIN_STEM_CHARS, len(word) - 4), len(word))
        }

    def has_name(self, name: str) -> bool:
        """True when ``name`` stands here as a word, or its English alias does.

        Case, hyphens and dots do not matter ("COVID-19", "Covid 19", "covid19"),
        and a long name may take an English ending ("Singapore" in "Singaporean").
        """
        parts = _WORD_CHARS.findall(name.casefold())
        if " ".join(parts) in self.phrases or "".join(parts) in self.phrases:
            return True
        if len(parts) == 1 and parts[0] in self.stems:
            return True
        return any(alias.casefold() in self.text for alias in NAME_ALIASES.get(name, ()))


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


EN_CURRENCY_AFTER = re.compile(r"\s*(?:dong|đồng|VND)\b", re.IGNORECASE)
EN_CURRENCY_BEFORE = re.compile(r"(?:VND|VNĐ)\s*$")


def english_spans(text: str) -> list[tuple[int, int, set[Value]]]:
    """Where an English text states a number, date or time written with digits, and its values.

    Numbers take their scale word and a đồng label with them ("1.5 million",
    "8,500,000 dong", "VND 2 billion"), so a span is the whole written amount.
    Spans do not overlap; dates and times win over the numbers inside them.
    """
    spans: list[tuple[int, int, set[Value]]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, values: set[Value]) -> None:
        if values and not any(start < e and s < end for s, e in taken):
            spans.append((start, end, values))
            taken.append((start, end))

    for match in _EN_MONTH_DAY.finditer(text):
        add(match.start(), match.end(), {("date", MONTHS[match.group(1).lower()], int(match[2]))})
    for match in _EN_DAY_MONTH.finditer(text):
        add(match.start(), match.end(), {("date", MONTHS[match.group(2).lower()], int(match[1]))})
    for match in _EN_TIME.finditer(text):
        if (match.group(2) and ":" in match.group()) or match.group(3):
            add(match.start(), match.end(), _english_times(match))
    for match in _EN_NUMBER.finditer(text):
        number = _decimal(
            match["int"].replace(",", "") + (f".{match['frac']}" if match["frac"] else "")
        )
        if number is None:
            continue
        values: set[Value] = {("n", number.normalize())}
        start, end = match.start(), match.end()
        scale = _EN_SCALE.match(text, end)
        unit = match["unit"] or (scale.group(1) if scale else None)
        if unit:
            values.add(("n", (number * EN_SCALES[unit.lower()]).normalize()))
            end = scale.end() if scale and not match["unit"] else end
        money = EN_CURRENCY_AFTER.match(text, end)
        if money:
            end = money.end()
        before = EN_CURRENCY_BEFORE.search(text[max(0, start - 6) : start])
        if before:
            start -= len(text[max(0, start - 6) : start]) - before.start()
        add(start, end, values)
    spans.sort()
    return spans
