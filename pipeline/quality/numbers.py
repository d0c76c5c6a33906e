"""Check that the numbers, dates, amounts and Latin-script names of a sentence survive translation.

Vietnamese writes ``1.700`` for 1,700 and ``2,5`` for 2.5, so a model that
copies digits verbatim changes their value for an English reader. The source
is therefore read with Vietnamese conventions and the translation with English
ones, and values are compared, not strings: ``8.500.000 đồng`` is satisfied by
``8,500,000 dong`` as well as ``8.5 million dong``; ``6/3`` by "March 6",
"6 March" or "6/3"; ``15 giờ`` by "15:00" or "3 p.m.".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pipeline.quality.english import (
    LATIN_TOKEN,
    MONTH_NAMES,
    WordIndex,
    english_values,
    roman_value,
)
from pipeline.text.syllables import is_syllable

Currency = Literal["dong", "VND"]

VI_SCALES = {"trăm": 100, "nghìn": 1_000, "ngàn": 1_000, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9}
EN_SCALE_WORDS = {10**6: "million", 10**9: "billion", 10**12: "trillion"}


def _words(text: str) -> list[str]:
    return text.split()


# All-capital Vietnamese abbreviations that an English translation spells out
# ("UBND" is "People's Committee"), so they are not names to keep.
VI_ABBREVIATIONS = frozenset(
    _words(
        """
    ANTT ATGT BCA BCH BGD BHTN BHXH BHYT BKHCN BNV BQP BTC BTNMT BYT CA CAND CB CBCNV CLB CNVC
    CP CSGT CSHS DN DNNN DT GD GS GTVT HCM HLV HN HS HTX KCN KH KHCN KKT KP KS KT KTS
    LS MTTQ MTV NCS NQ NS NSND NXB PCCC PGS PV QH QL SGK SV TAND THCS THPT TL TNHH TP TPHCM
    TS TSKH TT TTXVN TW TX UB UBKT UBMTTQ UBND UBTVQH VKS VKSND VN XH XHCN ThS Ths BS BSCK CKI
    CKII GV NN PTNT VH DL CN PCTT TKCN TN MT XD YT NV CT TTTT KTXH P Q F X
    """
    )
)
CURRENCY_LABELS: dict[str, re.Pattern[str]] = {
    "dong": re.compile(r"(?<!\w)(?:dong|đồng)(?!\w)", re.IGNORECASE),
    "VND": re.compile(r"(?<!\w)VN[DĐ](?!\w)"),
}

# Vietnamese: "1.700.000" (dot thousands), "2,5" (comma decimals), "3.5" (an English decimal).
_VI_NUMBER = re.compile(
    r"(?<![\w.,])(?P<int>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,(?P<frac>[0-9]+)"
    r"|\.(?P<dotfrac>[0-9]{1,2}))?(?![0-9])"
)
_VI_SCALE = re.compile(
    r"\s*(nghìn tỷ|ngàn tỷ|nghìn tỉ|ngàn tỉ|trăm|nghìn|ngàn|triệu|tỷ|tỉ)(?!\w)"
    r"(?!\s+(?:lệ|trọng|giá|số)(?!\w))",
    re.IGNORECASE,
)
_VI_CURRENCY = re.compile(
    r"\s*(?:đồng(?!\s+(?:chí|bào|hồ|loạt|nghiệp|ý|thời|đội|hương|minh)(?!\w))|đ|vnđ|vnd)"
    r"(?![^\W\d_])",
    re.IGNORECASE,
)
# "6/3", "6/3/2024", and with a year also "6.3.2024" and "6-3-2024".
_VI_DATE = re.compile(
    r"(?<![\w.,/])(?P<d>[0-9]{1,2})(?:/(?P<m>[0-9]{1,2})(?:/(?P<y>[0-9]{4}))?"
    r"|(?P<sep>[.-])(?P<m2>[0-9]{1,2})(?P=sep)(?P<y2>[0-9]{4}))(?![\w/])"
)
# "13 tháng 1", "13 tháng 1 năm 2024", "ngày 13 tháng 01, 2024" (the words written out).
_VI_DATE_WORDS = re.compile(
    # Not a duration: "trong 2 tháng 3 ngày" is two months and three days.
    r"(?<!trong )(?<!sau )(?<!hơn )(?<!gần )(?<!mất )"
    r"(?<![\w.,/])(?P<d>[0-9]{1,2})\s+tháng\s+(?P<m>[0-9]{1,2})(?![\w/.,]?[0-9])"
    r"(?:(?:\s+năm|\s*,)\s+(?P<y>[0-9]{4})(?![0-9]))?",
    re.IGNORECASE,
)
# Not after a number: "2 tháng 3 ngày" is two months and three days.
_VI_MONTH = re.compile(
    r"(?<!\w)(?<![0-9]\s)tháng\s+(?P<m>[0-9]{1,2})(?![0-9])(?:/(?P<y>[0-9]{4}))?", re.IGNORECASE
)
_VI_TIME = re.compile(
    r"(?<![\w.,])(?P<h>[0-9]{1,2})(?:h|\s*giờ)(?:\s*(?P<m>[0-9]{2})(?:\s*phút|')?)?(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Expectation:
    """Something in the source that the translation must carry.

    Attributes:
        kind: "number", "amount", "date", "month", "time" or "name".
        source: the text as it stands in the Vietnamese sentence.
        expected: its preferred English rendering.
        accepted: values, any one of which in the translation satisfies it.
        label: for amounts, the currency word the translation must also show.
    """

    kind: str
    source: str
    expected: str
    accepted: frozenset
    label: str | None = None


def check_numbers(
    source: str, translation: str, *, currency: Currency = "dong"
) -> list[Expectation]:
    """The numbers, dates, amounts and names of ``source`` missing from ``translation``.

    Args:
        source: one Vietnamese sentence.
        translation: its English translation.
        currency: how đồng amounts must read in English: "dong" (8,500,000 dong)
            or "VND" (VND 8,500,000).

    Returns:
        The expectations the translation does not meet; empty when all survive.
    """
    wanted = expectations(source, currency=currency)
    if not wanted:
        return []
    found = english_values(translation)
    words = WordIndex(translation) if any(item.kind == "name" for item in wanted) else None
    missing = []
    for item in dict.fromkeys(wanted):
        if words is not None and item.kind == "name":
            ok = words.has_name(item.source)
        else:
            ok = bool(item.accepted & found)
            if ok and item.label is not None:
                ok = CURRENCY_LABELS[item.label].search(translation) is not None
        if not ok:
            missing.append(item)
    return missing


def expectations(source: str, *, currency: Currency = "dong") -> list[Expectation]:
    """Everything in a Vietnamese sentence that its translation must carry, in order.

    Args:
        source: one Vietnamese sentence.
        currency: "dong" or "VND", the English label of đồng amounts.

    Returns:
        One expectation per number, date, month, time, amount and name.
    """
    return [item for span in find_spans(source, currency=currency) for item in span.items]


@dataclass(frozen=True)
class Span:
    """Where in a Vietnamese sentence something to carry stands, and what it is.

    ``items`` has one expectation, or two when a date or month also states a
    year ("6/3/2024" is a date and the number 2024).
    """

    start: int
    end: int
    items: tuple[Expectation, ...]


def find_spans(source: str, *, currency: Currency = "dong") -> list[Span]:
    """The spans of ``source`` that hold numbers, dates, times, amounts and names, in order.

    Spans never overlap: times are read first, then dates, months and names,
    and each pass blanks out what it found before plain numbers are read.
    """
    found: list[Span] = []
    text = source
    for finder in (_times, _dates, _months, _names):
        chars = list(text)
        for start, end, items in finder(text):
            found.append(Span(start, end, tuple(items)))
            chars[start:end] = " " * (end - start)
        text = "".join(chars)
    for match in _VI_NUMBER.finditer(text):
        item, end = _vi_number_item(text, match, currency)
        found.append(Span(match.start(), end, (item,)))
    found.sort(key=lambda span: span.start)
    return found


Found = list[tuple[int, int, list[Expectation]]]


def _times(text: str) -> Found:
    """ "7h30", "15h", "9 giờ 30 phút"; a whole hour may also read as a plain number."""
    spans = []
    for match in _VI_TIME.finditer(text):
        hour, minute = int(match["h"]), int(match["m"] or 0)
        if hour <= 24 and minute < 60:
            accepted = {("time", hour % 24, minute)}
            if minute == 0:
                accepted.add(("n", Decimal(hour)))
            item = Expectation("time", match.group(), f"{hour}:{minute:02d}", frozenset(accepted))
            spans.append((match.start(), match.end(), [item]))
    return spans


def _dates(text: str) -> Found:
    """ "6/3" and "6 tháng 3" are 6 March; "49/52" is no date and is left to the number pass."""
    spans = []
    matches = [*_VI_DATE.finditer(text), *_VI_DATE_WORDS.finditer(text)]
    for match in sorted(matches, key=lambda m: m.start()):
        day, month = int(match["d"]), int(match["m"] or match["m2"])
        year = match["y"] or match.groupdict().get("y2")
        if 1 <= day <= 31 and 1 <= month <= 12:
            items = [
                Expectation(
                    "date",
                    match.group(),
                    _english_date(month, day),
                    frozenset({("date", month, day)}),
                )
            ]
            if year:
                items.append(_number_item(year, Decimal(year)))
            spans.append((match.start(), match.end(), items))
    return spans


def _months(text: str) -> Found:
    """ "tháng 9" is September (but "9 tháng" is nine months, a number)."""
    spans = []
    for match in _VI_MONTH.finditer(text):
        month = int(match["m"])
        if 1 <= month <= 12:
            items = [
                Expectation(
                    "month",
                    match.group(),
                    MONTH_NAMES[month - 1],
                    frozenset({("month", month), ("n", Decimal(month))}),
                )
            ]
            if match["y"]:
                items.append(_number_item(match["y"], Decimal(match["y"])))
            spans.append((match.start(), match.end(), items))
    return spans


def _vi_number_item(text: str, match: re.Match[str], currency: Currency) -> tuple[Expectation, int]:
    """The expectation of a number (with its scale word and currency), and where it ends."""
    whole = match["int"].replace(".", "")
    values = set()
    if match["frac"] is not None:
        values.add(Decimal(f"{whole}.{match['frac']}"))
        if len(match["frac"]) == 3 and "." not in match["int"]:
            values.add(Decimal(whole + match["frac"]))  # "2,316" written the English way
    elif match["dotfrac"] is not None:
        values.add(Decimal(f"{whole}.{match['dotfrac']}"))
    else:
        values.add(Decimal(whole))
    end = match.end()
    scale = _VI_SCALE.match(text, end)
    english = _english_number(min(values))
    if scale:
        factor = 1
        for word in scale.group(1).lower().split():
            factor *= VI_SCALES[word]
        english = _english_scaled(min(values), factor)
        values = {v * factor for v in values}
        end = scale.end()
    shown = text[match.start() : end]
    money = _VI_CURRENCY.match(text, end)
    if money:
        expected = f"{english} dong" if currency == "dong" else f"VND {english}"
        shown = text[match.start() : money.end()].rstrip()
        amount = Expectation(
            "amount",
            shown.strip(),
            expected,
            frozenset(("n", v.normalize()) for v in values),
            label=currency,
        )
        return amount, match.start() + len(shown)
    item = _number_item(shown, *values)
    if scale:
        item = Expectation(item.kind, item.source, english, item.accepted)
    return item, end


def _number_item(shown: str, *values: Decimal) -> Expectation:
    # Digits without separators (years, codes: "2024") stay without a comma.
    expected = str(int(shown)) if shown.isdigit() else _english_number(min(values))
    return Expectation("number", shown, expected, frozenset(("n", v.normalize()) for v in values))


def _name_item(token: str) -> Expectation:
    roman = roman_value(token)
    if roman is not None:
        return Expectation(
            "number", token, str(roman), frozenset({("n", Decimal(roman))}) | {("roman", token)}
        )
    return Expectation("name", token, token, frozenset({token}))


def _names(text: str) -> Found:
    """Latin-script names: acronyms, CamelCase words, words with digits, non-Vietnamese words.

    Vietnamese abbreviations that English spells out ("UBND", "TP.HCM") are
    skipped, and of "Q.3" or "QL1A" only the number ("District 3", "Highway
    1A") must survive. A sentence written all in capitals has no acronyms.
    """
    words = re.findall(r"[^\W\d_]{2,}", text)
    shouting = len(words) >= 3 and sum(w.isupper() for w in words) > 0.6 * len(words)
    spans = []
    for match in LATIN_TOKEN.finditer(text):
        token = match.group()
        letters = "".join(c for c in token if c.isalpha())
        parts = [p for p in re.split(r"[-.]", token) if p]
        if not any(c.isupper() for c in letters) or all(
            p in VI_ABBREVIATIONS or p.isdigit() for p in parts
        ):
            continue
        prefix = re.match(r"[A-Za-z]+", token)
        rest = token[prefix.end() :].lstrip("-.") if prefix else ""
        if prefix and prefix.group() in VI_ABBREVIATIONS and any(c.isdigit() for c in rest):
            item = _number_item(rest, Decimal(rest)) if rest.isdigit() else _name_item(rest)
            spans.append((match.start(), match.end(), [item]))
            continue
        acronym = len(letters) >= 2 and letters.isupper()
        camel = any(c.isupper() for c in token[1:]) and not letters.isupper()
        digits = any(c.isdigit() for c in token)
        foreign = token[0].isupper() and len(letters) >= 3 and not is_syllable(letters.lower())
        if camel or digits or ((acronym or foreign) and not shouting):
            spans.append((match.start(), match.end(), [_name_item(token)]))
    return spans


def _english_scaled(base: Decimal, factor: int) -> str:
    """English keeps large scale words and writes out thousands.

    "1,5 triệu" is "1.5 million", "21.500 tỷ" is "21.5 trillion", "300 nghìn" is "300,000".
    """
    if factor not in EN_SCALE_WORDS:
        return _english_number(base * factor)
    while base >= 1000 and factor * 1000 in EN_SCALE_WORDS:
        base, factor = base / 1000, factor * 1000
    return f"{_english_number(base)} {EN_SCALE_WORDS[factor]}"


def _english_number(value: Decimal) -> str:
    """1700 -> "1,700"; 2.5 -> "2.5"."""
    value = value.normalize()
    if value == value.to_integral_value():
        return f"{int(value):,}"
    whole, _, frac = f"{value:f}".partition(".")
    return f"{int(whole):,}.{frac}"


def _english_date(month: int, day: int) -> str:
    return f"{MONTH_NAMES[month - 1]} {day}"
