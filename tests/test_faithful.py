"""The summary guard: numbers and names must stand in the article; no loops, nothing longer."""

from __future__ import annotations

import pytest

from pipeline.quality.faithful import (
    EMPTY,
    LONGER_THAN_SOURCE,
    REPETITION,
    UNSUPPORTED_NAME,
    UNSUPPORTED_NUMBER,
    capitalized_runs,
    check_summary,
    unsupported_names,
    unsupported_numbers,
)

ARTICLE = (
    "Ông Nguyễn Văn Hùng, Chủ tịch UBND tỉnh Nghệ An, cho biết 2.500 người dân đã được sơ tán "
    "từ ngày 6/3/2024. Tổ chức WHO cảnh báo dịch bệnh có thể lan rộng. Tỉnh đã chi 1,5 tỷ đồng "
    "để hỗ trợ người dân trong 3 tháng."
)


@pytest.mark.parametrize(("summary", "reasons"), [
    ("Nghệ An sơ tán 2.500 người từ ngày 6/3.", []),
    ("Ông Hùng cho biết tỉnh chi 1.500.000.000 đồng trong năm 2024.", []),
    ("Theo WHO, dịch bệnh có thể lan rộng ở Nghệ An.", []),
    ("TP Nghệ An sơ tán người dân.", []),
    ("", [EMPTY]),
    ("Nghệ An sơ tán 3.000 người.", [UNSUPPORTED_NUMBER]),
    ("Nghệ An sơ tán người dân từ ngày 7/3.", [UNSUPPORTED_NUMBER]),
    ("Ông Trần Văn Nam cho biết người dân được sơ tán.", [UNSUPPORTED_NAME]),
    ("Tổ chức UNICEF cảnh báo dịch bệnh.", [UNSUPPORTED_NAME]),
    ("Nghệ An sơ tán người dân. Nghệ An sơ tán người dân.", [REPETITION]),
    ("người dân người dân người dân người dân được sơ tán.", [REPETITION]),
    (ARTICLE + " Thêm nhiều người dân được sơ tán.", [LONGER_THAN_SOURCE]),
], ids=["numbers-and-date", "same-value-other-form", "acronym-in-article", "abbreviation-prefix",
        "empty", "invented-number", "invented-date", "invented-person", "invented-acronym",
        "repeated-sentence", "loop", "longer-than-article"])  # fmt: skip
def test_check_summary(summary: str, reasons: list[str]) -> None:
    assert check_summary(ARTICLE, summary) == reasons


@pytest.mark.parametrize(("text", "runs"), [
    ("Ông Nguyễn Văn Hùng đến Hà Nội.", ["Nguyễn Văn Hùng", "Hà Nội"]),
    ("Theo ông Hùng: Bộ Y tế đã họp.", ["Hùng"]),
    ("Chủ tịch UBND TP Hà Nội ở Q. Ba Đình.", ["Hà Nội", "Ba Đình"]),
    ("Mưa lớn ở Bà Rịa-Vũng Tàu.", ["Bà Rịa-Vũng Tàu"]),
    ("“Hà Nội đẹp”, ông nói.", ["Nội"]),
], ids=["sentence-opener-dropped", "after-colon", "abbreviations-end-runs", "hyphenated",
        "after-opening-quote"])  # fmt: skip
def test_capitalized_runs(text: str, runs: list[str]) -> None:
    assert capitalized_runs(text) == runs


def test_unsupported_items_are_named_as_written() -> None:
    summary = "Ông Trần Văn Nam nói 4.000 người ở Nghệ An cần 2 tỷ đồng."
    assert unsupported_numbers(ARTICLE, summary) == ["4.000", "2 tỷ đồng"]
    assert unsupported_names(ARTICLE, summary) == ["Trần Văn Nam"]


@pytest.mark.parametrize(("summary", "reasons"), [
    ("Nghe An evacuated 2,500 people on March 6.", []),
    ("Nghe An evacuated 3,000 people.", [UNSUPPORTED_NUMBER]),
    ("Nghe An evacuated people, Reuters said.", [UNSUPPORTED_NAME]),
], ids=["supported", "invented-number", "invented-name"])  # fmt: skip
def test_check_english_summary(summary: str, reasons: list[str]) -> None:
    source = "Mr Nguyen Van Hung said 2,500 people in Nghe An were evacuated from March 6."
    assert check_summary(source, summary, lang="en") == reasons


@pytest.mark.parametrize(("source", "summary", "unsupported"), [
    ("Hai người bị thương.", "2 người bị thương.", []),
    ("Hai người bị thương.", "12 người bị thương.", ["12"]),
    ("Bệnh viện Phụ sản Hà Nội tiếp nhận ca bệnh.", "Bệnh viện Phụ Sản Hà Nội tiếp nhận.", []),
], ids=["number-word", "number-word-is-not-any-number", "case-of-a-name"])  # fmt: skip
def test_forms_that_still_support(source: str, summary: str, unsupported: list[str]) -> None:
    assert unsupported_numbers(source, summary) + unsupported_names(source, summary) == unsupported
