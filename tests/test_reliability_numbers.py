"""Numbers, dates, amounts and names that must survive translation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.quality.numbers import check_numbers, expectations

TESTSET = Path(__file__).resolve().parent / "testset" / "vien-testset-v1.jsonl"

# (id, Vietnamese, English, currency, sources reported missing)
CHECKS = [
    (
        "thousands",
        "Hơn 1.700 đơn đã được xử lý.",
        "More than 1,700 petitions were handled.",
        "dong",
        [],
    ),
    ("thousands-plain", "Hơn 1.700 đơn.", "More than 1700 petitions.", "dong", []),
    ("thousands-copied", "Hơn 1.700 đơn.", "More than 1.700 petitions.", "dong", ["1.700"]),
    ("decimal", "GRDP tăng 7,2%.", "GRDP grew 7.2%.", "dong", []),
    ("decimal-copied", "GRDP tăng 7,2%.", "GRDP grew 7,2%.", "dong", ["7,2"]),
    (
        "decimal-percent-word",
        "Tỷ lệ hộ nghèo còn 6,8%.",
        "The poverty rate is 6.8 percent.",
        "dong",
        [],
    ),
    (
        "amount-dong",
        "Giá thuê 8.500.000 đồng mỗi tháng.",
        "Rent is 8,500,000 dong a month.",
        "dong",
        [],
    ),
    ("amount-dong-scaled", "Giá thuê 8.500.000 đồng.", "Rent is 8.5 million dong.", "dong", []),
    ("amount-d-sign", "Sầu riêng 65.000đ/kg.", "Durian at 65,000 dong per kg.", "dong", []),
    (
        "amount-wrong-label",
        "Giá thuê 8.500.000 đồng.",
        "Rent is VND 8,500,000.",
        "dong",
        ["8.500.000 đồng"],
    ),
    ("amount-vnd", "Giá thuê 8.500.000 đồng.", "Rent is VND 8,500,000.", "VND", []),
    ("amount-vnd-scaled", "Giá thuê 8.500.000 đồng.", "Rent is 8.5 million VND.", "VND", []),
    (
        "amount-vnd-wrong-label",
        "Giá thuê 8.500.000 đồng.",
        "Rent is 8,500,000 dong.",
        "VND",
        ["8.500.000 đồng"],
    ),
    (
        "amount-value-lost",
        "Giá thuê 8.500.000 đồng.",
        "Rent is 850,000 dong.",
        "dong",
        ["8.500.000 đồng"],
    ),
    ("scale-billion", "Xuất khẩu đạt 2,3 tỷ USD.", "Exports reached 2.3 billion USD.", "dong", []),
    ("scale-dollar-sign", "Xuất khẩu đạt 2,3 tỷ USD.", "Exports reached $2.3 billion.", "dong", []),
    ("scale-abbreviated", "Xuất khẩu đạt 2,3 tỷ USD.", "Exports reached $2.3bn.", "dong", []),
    ("scale-abbreviated-m", "Giá thuê 8.500.000 đồng.", "Rent is 8.5m dong.", "dong", []),
    ("scale-lost", "Xuất khẩu đạt 2,3 tỷ USD.", "Exports reached 2.3 USD.", "dong", ["2,3 tỷ"]),
    (
        "scale-trillion",
        "Tổng vốn hơn 21.500 tỷ đồng.",
        "Total capital of 21.5 trillion dong.",
        "dong",
        [],
    ),
    (
        "ty-le-is-no-scale",
        "Đạt 100 tỷ lệ phần trăm kế hoạch.",
        "Reached 100 percent of plan.",
        "dong",
        [],
    ),
    (
        "date",
        "Chiều 6/3, hội nghị khai mạc.",
        "On the afternoon of March 6, the meeting opened.",
        "dong",
        [],
    ),
    (
        "date-day-first",
        "Chiều 6/03, hội nghị khai mạc.",
        "On 6 March, the meeting opened.",
        "dong",
        [],
    ),
    ("date-kept-as-is", "Chiều 6/3, hội nghị khai mạc.", "On 6/3, the meeting opened.", "dong", []),
    (
        "date-wrong",
        "Chiều 6/3, hội nghị khai mạc.",
        "On March 7, the meeting opened.",
        "dong",
        ["6/3"],
    ),
    (
        "date-with-year",
        "Hạn chót là ngày 31/1/2025.",
        "The deadline is January 31, 2025.",
        "dong",
        [],
    ),
    (
        "date-year-lost",
        "Hạn chót là ngày 31/1/2025.",
        "The deadline is January 31.",
        "dong",
        ["2025"],
    ),
    (
        "date-dotted",
        "Ngày 12.3.2024, trường công bố.",
        "On March 12, 2024, the school announced.",
        "dong",
        [],
    ),
    ("date-range", "Từ ngày 6/10 đến 13/10.", "From October 6 to 13.", "dong", []),
    (
        "fraction-not-date",
        "Có 49/52 đại biểu tham dự.",
        "49 of the 52 delegates attended.",
        "dong",
        [],
    ),
    (
        "month",
        "Giá xăng tăng từ đầu tháng 9.",
        "Petrol has risen since early September.",
        "dong",
        [],
    ),
    (
        "months-count",
        "Trong 8 tháng đầu năm.",
        "In the first eight months of the year.",
        "dong",
        [],
    ),
    ("time-minutes", "Lúc 7h30 sáng nay.", "At 7:30 a.m. today.", "dong", []),
    ("time-24h", "Tăng từ 15 giờ chiều nay.", "Rising from 3 p.m. this afternoon.", "dong", []),
    ("time-24h-kept", "Tăng từ 15 giờ chiều nay.", "Rising from 15:00 this afternoon.", "dong", []),
    ("time-wrong", "Lúc 7h30 sáng nay.", "At 8:30 a.m. today.", "dong", ["7h30"]),
    ("number-word", "Sau 02 năm thực hiện.", "After two years of implementation.", "dong", []),
    ("ordinal", "Kỳ họp thứ 14 bế mạc.", "The 14th session closed.", "dong", []),
    ("roman", "HĐND khóa XIII họp.", "The 13th-tenure council met.", "dong", []),
    ("acronym", "FIFA công bố bảng xếp hạng.", "FIFA published its rankings.", "dong", []),
    (
        "acronym-lost",
        "FIFA công bố bảng xếp hạng.",
        "The federation published its rankings.",
        "dong",
        ["FIFA"],
    ),
    ("camel-case", "VinFast mở nhà máy mới.", "VinFast opens a new factory.", "dong", []),
    ("camel-case-lost", "VinFast mở nhà máy mới.", "Vin opens a new factory.", "dong", ["VinFast"]),
    ("name-with-digits", "Ca mắc COVID-19 giảm.", "Covid 19 cases fell.", "dong", []),
    (
        "english-suffix",
        "Một tập đoàn Singapore đầu tư.",
        "A Singaporean group invested.",
        "dong",
        [],
    ),
    (
        "exonym",
        "SEA Games 32 tổ chức ở Campuchia.",
        "SEA Games 32 was held in Cambodia.",
        "dong",
        [],
    ),
    (
        "vietnamese-abbreviation",
        "UBND tỉnh họp.",
        "The provincial People's Committee met.",
        "dong",
        [],
    ),
    (
        "district-number",
        "Trụ sở tại Q.3, TP.HCM.",
        "Headquarters in District 3, Ho Chi Minh City.",
        "dong",
        [],
    ),
    (
        "shouted-headline",
        "SO KET 02 NAM THUC HIEN CHUONG TRINH",
        "Two-year review of the programme",
        "dong",
        [],
    ),
    ("glued-unit", "Hơn 150.000 ha sầu riêng.", "More than 150,000ha of durian.", "dong", []),
    (
        "glued-unit-lost",
        "Hơn 150.000 ha sầu riêng.",
        "More than 15,000ha of durian.",
        "dong",
        ["150.000"],
    ),  # fmt: skip
    ("no-numbers", "Hôm nay trời đẹp.", "The weather is nice today.", "dong", []),
]


@pytest.mark.parametrize(
    ("source", "translation", "currency", "missing"),
    [c[1:] for c in CHECKS],
    ids=[c[0] for c in CHECKS],
)
def test_check_numbers(source: str, translation: str, currency: str, missing: list[str]) -> None:
    found = check_numbers(source, translation, currency=currency)
    assert [item.source for item in found] == missing


# (id, Vietnamese, currency, preferred English renderings in order)
RENDERINGS = [
    ("thousands", "Hơn 1.700 đơn", "dong", ["1,700"]),
    ("decimal", "tăng 2,5%", "dong", ["2.5"]),
    ("amount-dong", "giá 8.500.000 đồng", "dong", ["8,500,000 dong"]),
    ("amount-vnd", "giá 8.500.000 đ", "VND", ["VND 8,500,000"]),
    ("amount-scaled", "2,5 triệu đồng", "dong", ["2.5 million dong"]),
    ("date", "ngày 6/3", "dong", ["March 6"]),
    ("date-year", "ngày 25/6/2024", "dong", ["June 25", "2024"]),
    ("time", "lúc 7h30", "dong", ["7:30"]),
    ("year", "năm 2024 có 1.260 ca", "dong", ["2024", "1,260"]),
    ("names", "VinFast và FIFA", "dong", ["VinFast", "FIFA"]),
]


@pytest.mark.parametrize(
    ("source", "currency", "expected"),
    [c[1:] for c in RENDERINGS],
    ids=[c[0] for c in RENDERINGS],
)
def test_expected_rendering(source: str, currency: str, expected: list[str]) -> None:
    assert [item.expected for item in expectations(source, currency=currency)] == expected


def test_reference_translations_pass() -> None:
    """The test set's human references keep their numbers: at most 1% false alarms."""
    pairs = [
        (s["vi"], s["en"])
        for line in TESTSET.read_text(encoding="utf-8").splitlines()
        for paragraph in json.loads(line)["paragraphs"]
        for s in paragraph
    ]
    flagged = [vi for vi, en in pairs if check_numbers(vi, en)]
    assert len(flagged) <= 0.01 * len(pairs), flagged
