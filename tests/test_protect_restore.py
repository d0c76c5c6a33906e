"""Placeholders in and English back out; every failure is caught; stitching joins cleanly."""

from __future__ import annotations

import pytest

from pipeline.protect.glossary import Glossary
from pipeline.protect.spans import SpanFinder, SpanOptions
from pipeline.protect.stitch import fit, join, pieces, split_edges
from pipeline.protect.substitute import make_plan, restore, scrub
from pipeline.protect.verify import lost

SOURCE = "Ngày 6/03, Chủ tịch UBND tỉnh Nguyễn Văn Hòa tiếp hơn 1.700 đơn."


def plan_of(text: str, mode: str):
    finder = SpanFinder(SpanOptions(glossary=Glossary.load()))
    return make_plan(text, finder.find(text), mode)


def test_placeholder_plan_numbers_spans_in_order() -> None:
    plan = plan_of(SOURCE, "placeholder")
    assert plan.text == "Ngày ｟1｠, ｟2｠ ｟3｠ tiếp hơn ｟4｠ đơn."
    assert plan.tokens == 4


def test_restore_puts_english_back_and_capitalises_an_opening_term() -> None:
    plan = plan_of(SOURCE, "placeholder")
    output = "｟2｠ ｟3｠ received more than ｟4｠ petitions on the afternoon of ｟1｠."
    assert restore(output, plan) == (
        "Chairman of the provincial People's Committee Nguyen Van Hoa received more than "
        "1,700 petitions on the afternoon of March 6."
    )


# (id, model output standing for a failure)
FAILURES = [
    ("dropped", "｟2｠ ｟3｠ received ｟4｠ petitions."),
    ("duplicated", "｟2｠ ｟3｠ received ｟4｠ petitions on ｟1｠, ｟1｠."),
    ("unknown-index", "｟2｠ ｟3｠ received ｟4｠ petitions on ｟1｠ ｟7｠."),
    ("invented-token", "｟2｠ ｟3｠ received ｟4｠ petitions on ｟1｠ ｟BT｠."),
]


@pytest.mark.parametrize("output", [c[1] for c in FAILURES], ids=[c[0] for c in FAILURES])
def test_restore_refuses_a_broken_output(output: str) -> None:
    assert restore(output, plan_of(SOURCE, "placeholder")) is None


def test_placeholders_stop_at_sixteen_and_the_rest_go_inline() -> None:
    text = " ".join(f"{n}.000 người" for n in range(101, 121))
    plan = plan_of(text, "placeholder")
    assert plan.tokens == 16
    assert "｟16｠" in plan.text and "｟17｠" not in plan.text and "117,000" in plan.text


def test_inline_plan_writes_english_into_the_source() -> None:
    plan = plan_of(SOURCE, "inline")
    assert plan.text == (
        "Ngày March 6, Chairman of the provincial People's Committee Nguyen Van Hoa tiếp hơn "
        "1,700 đơn."
    )


def test_inline_restore_accepts_a_copy_and_refuses_a_loss() -> None:
    plan = plan_of(SOURCE, "inline")
    good = (
        "On the afternoon of March 6, Chairman of the provincial People's Committee "
        "Nguyen Van Hoa received 1,700 petitions."
    )
    assert restore(good, plan) == good
    assert restore(good.replace("1,700", "170"), plan) is None


def test_inline_restore_accepts_an_equal_value() -> None:
    plan = plan_of("Giá 8.500.000 đồng.", "inline")
    assert restore("The price is 8.5 million dong.", plan) == "The price is 8.5 million dong."


def test_scrub_removes_stray_tokens() -> None:
    assert scrub("A ｟3｠ b ｟BT｠.") == "A b ."
    assert scrub("no tokens") == "no tokens"


def test_stitch_pieces_alternate_text_and_spans() -> None:
    finder = SpanFinder(SpanOptions(glossary=Glossary.load()))
    spans = finder.find(SOURCE)
    parts = pieces(SOURCE, spans)
    assert [p if isinstance(p, str) else p.en for p in parts][:3] == ["Ngày ", "March 6", ", "]


def test_stitch_fit_and_join() -> None:
    lead, core, trail = split_edges(", tiếp hơn ")
    assert (lead, core, trail) == (", ", "tiếp hơn", " ")
    assert fit("Received more than.", core) == "received more than"
    assert join(["received", "1,700", "petitions", "."]) == "Received 1,700 petitions."
    assert join(["kontumtv.vn", "– on"], capitalise=False) == "kontumtv.vn – on"


# (id, Vietnamese, English, whether the English carries every span)
CARRIED = [
    ("number-inside-decimal", "Có 97 lượt góp vốn.", "There were 97.7 contributions.", False),
    ("number-alone", "Có 97 lượt góp vốn.", "There were 97 contributions.", True),
    ("date-without-year", "Ngày 17/7/2024 công bố.", "Published on July 17, 204.", False),
    ("date-with-year", "Ngày 17/7/2024 công bố.", "Published on 17 July 2024.", True),
    ("amount-without-currency", "Khoảng 25 tỷ đồng.", "About 25 billion.", False),
    ("amount-scaled-value", "Khoảng 25 tỷ đồng.", "About 25,000,000,000 dong.", True),
    ("name-without-marks", "Ông Nguyễn Văn Hòa nói.", "Mr Nguyen Van Hoa said.", True),
    ("name-mangled", "Ông Nguyễn Văn Hòa nói.", "Mr Nguyen Nguyen Hue said.", False),
    ("term", "UBND tỉnh họp.", "The provincial People's Committee met.", True),
]


@pytest.mark.parametrize(
    ("vi", "en", "carried"), [c[1:] for c in CARRIED], ids=[c[0] for c in CARRIED]
)
def test_lost_spans(vi: str, en: str, carried: bool) -> None:
    spans = SpanFinder(SpanOptions(glossary=Glossary.load())).find(vi)
    assert (lost(spans, en, each=False) == []) is carried


def test_number_words_do_not_carry_a_protected_number() -> None:
    spans = SpanFinder(SpanOptions(glossary=Glossary.load())).find("Hạ cánh 3 lần và 1 lần bay.")
    assert [s.text for s in lost(spans, "Landed 3 times and a few flights.", each=False)] == ["1"]
