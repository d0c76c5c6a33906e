"""Share of source numbers kept in translations, by a checker independent of the pipeline's.

    .venv/bin/python benchmarks/numbers_kept.py OUT/aligned.jsonl [--misses]
    .venv/bin/python benchmarks/numbers_kept.py --vi src.vi --en hyp.en

The pipeline decides with ``pipeline.quality.numbers`` (a full reader of
Vietnamese amounts, dates and times); this script shares no code with it, so
a bug there cannot hide here. Its rules are deliberately plain: every run of
digits in the source (with "." or "," inside) is one number, read both the
Vietnamese way (1.700 = 1700, 2,5 = 2.5) and the English way; a following
scale word (nghìn, triệu, tỷ) also allows the scaled value; the English side
is read the same way plus English scale words, number words up to twenty and
month names (so "6/3" is kept by "March 6"); an hour before "giờ" or "h" may
come back on the 12-hour clock. A number is kept when one of its readings is
among the English values.
"""

from __future__ import annotations

import json
import re
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
DOTTED_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")
CLOCK = re.compile(r"\s*(?:h|giờ)(?![^\W\d_])", re.IGNORECASE)
VI_SCALE = {"nghìn": 10**3, "ngàn": 10**3, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9}
EN_SCALE = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
EN_SCALE.update({"k": 10**3, "m": 10**6, "mn": 10**6, "bn": 10**9})
WORDS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
WORDS += "fifteen sixteen seventeen eighteen nineteen twenty"
EN_WORDS = {w: i for i, w in enumerate(WORDS.split())}
MONTHS = "january february march april may june july august september october november december"
EN_MONTHS = {m: i for i, m in enumerate(MONTHS.split(), start=1)}
EN_MONTHS.update({m[:3]: i for m, i in list(EN_MONTHS.items())})


def readings(token: str) -> set[Decimal]:
    """Every value ``token`` can mean, Vietnamese or English separators."""
    values = set()
    for thousands, decimal in ((".", ","), (",", ".")):
        parts = token.split(decimal)
        if len(parts) > 2:
            continue
        whole = parts[0].replace(thousands, "")
        text = whole + ("." + parts[1].replace(thousands, "") if len(parts) == 2 else "")
        try:
            values.add(Decimal(text).normalize())
        except InvalidOperation:
            continue
    return values


def source_numbers(text: str) -> list[tuple[str, set[Decimal]]]:
    """Each number of the source with its acceptable values (scaled, 12-hour clock)."""
    numbers = []
    for match in DIGITS.finditer(text):
        if DOTTED_DATE.fullmatch(match.group()):  # "12.3.2024": day, month and year
            numbers.extend((part, {Decimal(part)}) for part in match.group().split("."))
            continue
        values = readings(match.group())
        after = text[match.end() : match.end() + 8].split()
        if after and after[0].lower() in VI_SCALE:
            values |= {(v * VI_SCALE[after[0].lower()]).normalize() for v in values}
        hour = min(values) if values else Decimal(0)
        if CLOCK.match(text, match.end()) and 12 < hour <= 24:
            values.add(hour - 12)  # "15 giờ" may come back as "3 p.m."
        numbers.append((match.group(), values))
    return numbers


def english_values(text: str) -> set[Decimal]:
    """Every value the English states: digits, scaled digits, number words, month numbers."""
    values: set[Decimal] = set()
    lowered = text.lower()
    for match in DIGITS.finditer(lowered):
        found = readings(match.group())
        values |= found
        after = re.match(r"\s*([a-z]+)", lowered[match.end() :])
        if after and after.group(1) in EN_SCALE:
            values |= {(v * EN_SCALE[after.group(1)]).normalize() for v in found}
    for word in re.findall(r"[a-z]+", lowered):
        if word in EN_WORDS:
            values.add(Decimal(EN_WORDS[word]))
        if word in EN_MONTHS and (word != "may" or re.search(r"\bMay\b", text)):
            values.add(Decimal(EN_MONTHS[word]))
    return values


def kept(vi: str, en: str) -> tuple[int, int, list[str]]:
    """(kept, total, the source numbers not kept) for one pair."""
    wanted = source_numbers(vi)
    found = english_values(en)
    missing = [number for number, values in wanted if not values & found]
    return len(wanted) - len(missing), len(wanted), missing


def pairs_from(args: list[str]) -> list[tuple[str, str]]:
    if args[0] == "--vi":
        vi = Path(args[1]).read_text(encoding="utf-8").splitlines()
        en = Path(args[3]).read_text(encoding="utf-8").splitlines()
        return list(zip(vi, en, strict=True))
    records = [json.loads(line) for line in Path(args[0]).read_text(encoding="utf-8").splitlines()]
    return [(r["vi"], r["en"]) for r in records]


def main() -> None:
    pairs = pairs_from([a for a in sys.argv[1:] if a != "--misses"])
    total_kept = total = 0
    losing = []
    for vi, en in pairs:
        k, n, missing = kept(vi, en)
        total_kept += k
        total += n
        if missing:
            losing.append((vi, en, missing))
    share = total_kept / total if total else 1.0
    print(
        f"sentences {len(pairs)}  numbers {total}  kept {total_kept}  share {share:.4f}  "
        f"sentences losing one {len(losing)}"
    )
    if "--misses" in sys.argv:
        for vi, en, missing in losing:
            print(f"{missing}\n  vi: {vi}\n  en: {en}")


if __name__ == "__main__":
    main()
