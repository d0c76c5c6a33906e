"""Grouping neighbouring protected spans: which neighbours join, and the English they make."""

from __future__ import annotations

import pytest

from pipeline.protect.glossary import Glossary
from pipeline.protect.group import group_spans
from pipeline.protect.spans import SpanFinder, SpanOptions


def grouped(text: str) -> list[tuple[str, str]]:
    spans = SpanFinder(SpanOptions(glossary=Glossary.load())).find(text)
    return [(s.text, s.en) for s in group_spans(text, spans)]


PPC = "provincial People's Committee"
CHAIR = f"Chairman of the {PPC}"
DEPUTY = "Deputy Secretary of the Provincial Party Committee"
# (id, Vietnamese, its spans after grouping: text, English)
CASES = [
    ("body-of-body", "Ban cán sự Đảng UBND tỉnh họp.",
     [("Ban cán sự Đảng UBND tỉnh", f"Party Personnel Committee of the {PPC}")]),
    ("title-then-person", "Chủ tịch UBND tỉnh Nguyễn Văn Hòa phát biểu.",
     [("Chủ tịch UBND tỉnh Nguyễn Văn Hòa", f"{CHAIR} Nguyen Van Hoa")]),
    ("titles-by-comma", "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh dự.",
     [("Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh", f"{DEPUTY}, {CHAIR}")]),
    ("number-range", "Giai đoạn 2016 – 2021.", [("2016 – 2021", "2016–2021")]),
    ("place-after-term-stays-apart", "UBND tỉnh Quảng Nam họp.",
     [("UBND tỉnh", PPC), ("Quảng Nam", "Quang Nam")]),
    ("words-between-stay-apart", "Ban Dân vận và UBND tỉnh họp.",
     [("Ban Dân vận", "Mass Mobilization Commission"), ("UBND tỉnh", PPC)]),
    ("number-and-name-stay-apart", "Có 1.700 Nguyễn Văn An.",
     [("1.700", "1,700"), ("Nguyễn Văn An", "Nguyen Van An")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_group_spans(text: str, expected: list[tuple[str, str]]) -> None:
    assert grouped(text) == expected


def test_a_group_keeps_every_value_to_check() -> None:
    text = "Giai đoạn 2016 – 2021."
    spans = SpanFinder(SpanOptions(glossary=Glossary.load())).find(text)
    [group] = group_spans(text, spans)
    assert group.accepted == spans[0].accepted + spans[1].accepted
