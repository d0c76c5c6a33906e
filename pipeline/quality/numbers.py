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
from decimal import Decimal, InvalidOperation
from typing import Literal

from pipeline.text.syllables import is_syllable

Currency = Literal["dong", "VND"]
Value = tuple  # ("n", Decimal) | ("date", month, day) | ("month", m) | ("time", h, m)

VI_SCALES = {"trăm": 100, "nghìn": 1_000, "ngàn": 1_000, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9}
EN_SCALES = {"hundred": 100, "thousand": 1_000, "million": 10**6, "billion": 10**9,
             "trillion": 10**12}
EN_NUMBER_WORDS = {
    word: value
    for value, words in enumerate(
        (
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
            "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
            "seventeen", "eighteen", "nineteen", "twenty",
        )
    )
    for word in [words]
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
     "ninety": 90, "dozen": 12, "a hundred": 100}
EN_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
# All-capital Vietnamese abbreviations that an English translation spells out
# ("UBND" is "People's Committee"), so they are not names to keep.
VI_ABBREVIATIONS = frozenset(
    """
    ANTT ATGT BCA BCH BGD BHTN BHXH BHYT BKHCN BNV BQP BTC BTNMT BYT CA CAND CB CBCNV CLB CNVC
    CP CSGT CSHS DN DNNN DT GD GDP-VN GS GTVT HCM HLV HN HS HTX KCN KH KHCN KKT KP KS KT KTS
    LS MTTQ MTV NCS NQ NS NSND NXB PCCC PGS PV QH QL SGK SV TAND THCS THPT TL TNHH TP TPHCM
    TS TSKH TT TTXVN TW TX UB UBKT UBMTTQ UBND UBTVQH VKS VKSND VN XH XHCN ThS Ths BS BSCK CKI
    CKII GV
    """.split()
)
# Latin names whose English rendering may be a symbol or a word instead.
NAME_ALIASES = {"USD": ("$", "dollar"), "EUR": ("€", "euro"), "GBP": ("£", "pound"),
                "JPY": ("¥", "yen")}
CURRENCY_LABELS: dict[str, re.Pattern[str]] = {
    "dong": re.compile(r"(?<!\w)(?:dong|đồng)(?!\w)", re.IGNORECASE),
    "VND": re.compile(r"(?<!\w)VN[DĐ](?!\w)"),
}

_DIGITS = r"[0-9]"
# Vietnamese: "1.700.000" (dot thousands), "2,5" (comma decimals), "3.5" (an English decimal).
_VI_NUMBER = re.compile(
    r"(?<![\w.,/])(?P<int>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,(?P<frac>[0-9]+)"
    r"|\.(?P<dotfrac>[0-9]{1,2}))?(?![0-9])"
)
_VI_SCALE = re.compile(r"\s*(nghìn tỷ|ngàn tỷ|nghìn tỉ|ngàn tỉ|trăm|nghìn|ngàn|triệu|tỷ|tỉ)(?!\w)"
                       r"(?!\s+(?:lệ|trọng|giá|số)(?!\w))", re.IGNORECASE)
_VI_CURRENCY = re.compile(
    r"\s*(?:đồng(?!\s+(?:chí|bào|hồ|loạt|nghiệp|ý|thời|đội|hương|minh)(?!\w))|đ|vnđ|vnd)"
    r"(?![^\W\d_])",
    re.IGNORECASE,
)
_VI_DATE = re.compile(
    r"(?<![\w.,/])(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})(?:/(?P<y>[0-9]{4}))?(?![\w/])"
)
_VI_MONTH = re.compile(r"(?<!\w)tháng\s+(?P<m>[0-9]{1,2})(?![0-9])(?:/(?P<y>[0-9]{4}))?",
                       re.IGNORECASE)
_VI_TIME = re.compile(
    r"(?<![\w.,])(?P<h>[0-9]{1,2})(?:h|\s*giờ)(?:\s*(?P<m>[0-9]{2})(?:\s*phút|')?)?(?!\w)",
    re.IGNORECASE,
)
_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_LATIN_TOKEN = re.compile(r"(?<![^\W_])[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*(?![^\W_])")

_EN_NUMBER = re.compile(
    r"(?<![\w.])(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?"
    r"(?:st|nd|rd|th|s)?(?![\w])"
)
_EN_SCALE = re.compile(r"\s*(hundred|thousand|million|billion|trillion)\b", re.IGNORECASE)
_EN_SLASH = re.compile(r"(?<![\w/])([0-9]{1,2})/([0-9]{1,2})(?:/[0-9]{2,4})?(?![\w/])")
_EN_TIME = re.compile(
    r"(?<![\w.:])([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*(a\.?m\.?|p\.?m\.?|o'clock|h\b)?"
    r"(?![0-9])", re.IGNORECASE)
_EN_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_EN_MONTH_DAY = re.compile(
    rf"\b({_MONTH_NAMES})\.?\s+([0-9]{{1,2}})(?:st|nd|rd|th)?\b", re.IGNORECASE)
_EN_DAY_MONTH = re.compile(
    rf"\b([0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_NAMES})\b\.?", re.IGNORECASE)
_EN_MONTH = re.compile(rf"\b({_MONTH_NAMES})\b", re.IGNORECASE)


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


def check_numbers(source: str, translation: str, *, currency: Currency = "dong") -> list[Expectation]:
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
    missing = []
    for item in wanted:
        if item.kind == "name":
            ok = _has_name(translation, item.source)
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
    found: list[tuple[int, Expectation]] = []
    mask = list(source)

    def take(match: re.Match[str], item: Expectation) -> None:
        found.append((match.start(), item))
        for i in range(match.start(), match.end()):
            mask[i] = " "

    for match in _VI_TIME.finditer(source):
        hour, minute = int(match["h"]), int(match["m"] or 0)
        if hour <= 24 and minute < 60:
            accepted = {("time", hour % 24, minute)}
            if minute == 0:
                accepted.add(("n", Decimal(hour)))
            take(match, Expectation("time", match.group(), f"{hour}:{minute:02d}",
                                    frozenset(accepted)))
    for match in _VI_DATE.finditer("".join(mask)):
        day, month = int(match["d"]), int(match["m"])
        if 1 <= day <= 31 and 1 <= month <= 12:
            take(match, Expectation("date", match.group(), _english_date(month, day),
                                    frozenset({("date", month, day)})))
            if match["y"]:
                found.append((match.start("y"), _number_item(match["y"], Decimal(match["y"]))))
    for match in _VI_MONTH.finditer("".join(mask)):
        month = int(match["m"])
        if 1 <= month <= 12:
            take(match, Expectation("month", match.group(), _month_name(month),
                                    frozenset({("month", month), ("n", Decimal(month))})))
            if match["y"]:
                found.append((match.start("y"), _number_item(match["y"], Decimal(match["y"]))))
    text = "".join(mask)
    names = _names(text)
    for start, end, token in names:
        found.append((start, _name_item(token)))
        for i in range(start, end):
            mask[i] = " "
    text = "".join(mask)
    for match in _VI_NUMBER.finditer(text):
        found.append((match.start(), _vi_number_item(text, match, currency)))
    found.sort(key=lambda pair: pair[0])
    return [item for _, item in found if item is not None]


def _vi_number_item(text: str, match: re.Match[str], currency: Currency) -> Expectation:
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
    if scale:
        factor = 1
        for word in scale.group(1).lower().split():
            factor *= VI_SCALES[word]
        values = {v * factor for v in values}
        end = scale.end()
    shown = text[match.start() : end]
    money = _VI_CURRENCY.match(text, end)
    value = min(values)
    if money:
        expected = _english_number(value)
        expected = f"{expected} dong" if currency == "dong" else f"VND {expected}"
        return Expectation("amount", text[match.start() : money.end()].strip(), expected,
                           frozenset(("n", v) for v in values), label=currency)
    return _number_item(shown, *values)


def _number_item(shown: str, *values: Decimal) -> Expectation:
    return Expectation("number", shown, _english_number(min(values)),
                       frozenset(("n", v.normalize()) for v in values))


def _name_item(token: str) -> Expectation | None:
    roman = _roman_value(token)
    if roman is not None:
        return Expectation("number", token, str(roman),
                           frozenset({("n", Decimal(roman))}) | {("roman", token)})
    return Expectation("name", token, token, frozenset({token}))


def _names(text: str) -> list[tuple[int, int, str]]:
    """Latin-script names: acronyms, CamelCase words, words with digits, non-Vietnamese words.

    A sentence written all in capitals (a shouted headline) has no acronyms.
    """
    words = [w for w in re.findall(r"[^\W\d_]{2,}", text)]
    shouting = len(words) >= 3 and sum(w.isupper() for w in words) > 0.6 * len(words)
    names = []
    for match in _LATIN_TOKEN.finditer(text):
        token = match.group()
        letters = "".join(c for c in token if c.isalpha())
        if not letters or not any(c.isupper() for c in letters):
            continue
        parts = [p for p in re.split(r"[-.]", token) if p]
        if all(p in VI_ABBREVIATIONS or p.isdigit() for p in parts):
            continue
        prefix = re.match(r"[A-Za-z]+", token)
        if prefix and prefix.group() in VI_ABBREVIATIONS and prefix.end() < len(token):
            rest = token[prefix.end() :].lstrip("-.")
            names.append((match.start() + len(token) - len(rest), match.end(), rest))
            continue
        acronym = len(letters) >= 2 and letters.isupper()
        camel = any(c.isupper() for c in token[1:]) and not letters.isupper()
        digits = any(c.isdigit() for c in token)
        foreign = token[0].isupper() and len(letters) >= 3 and not is_syllable(letters.lower())
        if (acronym and not shouting) or camel or digits or (foreign and not shouting):
            names.append((match.start(), match.end(), token))
    return names


def _roman_value(token: str) -> int | None:
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
        number = _decimal(match["int"].replace(",", "") + (f".{match['frac']}" if match["frac"]
                                                         else ""))
        if number is None:
            continue
        values.add(("n", number.normalize()))
        scale = _EN_SCALE.match(text, match.end())
        if scale:
            values.add(("n", (number * EN_SCALES[scale.group(1).lower()]).normalize()))
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
    for match in _EN_MONTH.finditer(text):
        name = match.group(1)
        if name.lower() != "may" or name[0].isupper():
            values.add(("month", MONTHS[name.lower()]))
    for match in _EN_TIME.finditer(text):
        values.update(_english_times(match))
    for token in _LATIN_TOKEN.findall(text):
        if _roman_value(token) is not None:
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


def _has_name(translation: str, name: str) -> bool:
    if _word_in(translation, name):
        return True
    return any(alias.lower() in translation.lower() for alias in NAME_ALIASES.get(name, ()))


def _word_in(text: str, word: str) -> bool:
    def fold(s: str) -> str:
        return re.sub(r"[-_.]", " ", s.casefold())

    pattern = r"(?<![^\W_])" + r"\s*".join(re.escape(p) for p in fold(word).split()) + r"(?![^\W_])"
    return re.search(pattern, fold(text)) is not None


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _english_number(value: Decimal) -> str:
    """1700 -> "1,700"; 2.5 -> "2.5"."""
    value = value.normalize()
    if value == value.to_integral_value():
        return f"{int(value):,}"
    whole, _, frac = f"{value:f}".partition(".")
    return f"{int(whole):,}.{frac}"


def _month_name(month: int) -> str:
    return next(name for name, number in MONTHS.items() if number == month and len(name) > 3
                or number == month == 5).capitalize()


def _english_date(month: int, day: int) -> str:
    return f"{_month_name(month)} {day}"
