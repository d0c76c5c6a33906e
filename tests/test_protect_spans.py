"""Protected spans: each kind, each rendering style, the glossary and its precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.protect.glossary import Glossary, bundled_entries
from pipeline.protect.names import gazetteer
from pipeline.protect.spans import SpanFinder, SpanOptions


def spans_of(text: str, **options) -> list[tuple[str, str, str]]:
    glossary = options.pop("glossary", Glossary.load())
    finder = SpanFinder(SpanOptions(glossary=glossary, **options))
    return [(s.kind, s.text, s.en) for s in finder.find(text)]


# (id, Vietnamese, one span expected among the sentence's spans: kind, text, English)
KINDS = [
    ("number-thousands", "Hơn 1.700 đơn.", ("number", "1.700", "1,700")),
    ("number-leading-zero", "Có 02 đơn vị.", ("number", "02", "2")),
    # A unit of time joins its number: after a placeholder the model read "năm" as "five".
    ("duration-years", "Qua 02 năm.", ("number", "02 năm", "2 years")),
    ("duration-one", "Trong 1 tháng qua.", ("number", "1 tháng", "1 month")),
    ("duration-decimal", "Sau 1,5 năm.", ("number", "1,5 năm", "1.5 years")),
    ("duration-capitals", "SƠ KẾT 02 NĂM THỰC HIỆN", ("number", "02 NĂM", "2 years")),
    ("not-duration-school-year", "Học 2 năm học.", ("number", "2", "2")),
    ("not-duration-age", "Bé 3 tháng tuổi.", ("number", "3", "3")),
    ("not-duration-month-year", "Từ tháng 5 năm 2020.", ("month", "tháng 5", "May")),
    ("number-decimal", "Cao 1,2 m.", ("number", "1,2", "1.2")),
    ("number-scale", "Hơn 1,07 triệu thí sinh.", ("number", "1,07 triệu", "1.07 million")),
    ("number-thousand-scale", "Khoảng 300 nghìn người.", ("number", "300 nghìn", "300,000")),
    ("amount", "Giá 8.500.000 đồng.", ("amount", "8.500.000 đồng", "8,500,000 dong")),
    ("amount-scaled", "Thu 92,4 triệu đồng.", ("amount", "92,4 triệu đồng", "92.4 million dong")),
    ("amount-trillion", "Vốn 21.500 tỷ đồng.", ("amount", "21.500 tỷ đồng", "21.5 trillion dong")),
    ("percent", "GRDP tăng 7,2% so với cùng kỳ.", ("percent", "7,2", "7.2")),
    ("date", "Ngày 6/03, hội nghị họp.", ("date", "6/03", "March 6")),
    # A part of the day joins the date, with the preposition English needs.
    (
        "date-afternoon",
        "Chiều 6/03, hội nghị họp.",
        ("date", "Chiều 6/03", "On the afternoon of March 6"),
    ),
    (
        "date-after-vao",
        "Họp vào sáng ngày 6/3.",
        ("date", "sáng ngày 6/3", "the morning of March 6"),
    ),
    ("date-no-preposition", "Họp tối 6/3.", ("date", "tối 6/3", "on the evening of March 6")),
    (
        "date-early-hours",
        "Rạng sáng 12/5, cháy.",
        ("date", "Rạng sáng 12/5", "In the early hours of May 12"),
    ),
    ("date-year", "Đến ngày 31/1/2025.", ("date", "31/1/2025", "January 31, 2025")),
    ("date-words", "Kể từ ngày 13 tháng 1 triển lãm.", ("date", "13 tháng 1", "January 13")),
    (
        "date-words-year",
        "Ngày 13 tháng 1 năm 2024 khai mạc.",
        ("date", "13 tháng 1 năm 2024", "January 13, 2024"),
    ),
    ("duration-not-date", "Mất 2 tháng 3 ngày.", ("number", "2 tháng", "2 months")),
    ("duration-second-unit", "Mất 2 tháng 3 ngày.", ("number", "3 ngày", "3 days")),
    ("date-dots", "Ngày 12.3.2024 công bố.", ("date", "12.3.2024", "March 12, 2024")),
    ("month", "Từ tháng 9 tăng giá.", ("month", "tháng 9", "September")),
    ("month-year", "Từ tháng 3/2021.", ("month", "tháng 3/2021", "March 2021")),
    ("time-minutes", "Lúc 15 giờ 30 bắt đầu.", ("time", "15 giờ 30", "15:30")),
    ("time-h", "Từ 7h30 sáng.", ("time", "7h30", "7:30")),
    ("time-cue", "Tăng từ 15 giờ chiều nay.", ("time", "15 giờ", "15:00")),
    ("hours-not-time", "Trong 12 giờ tới, bão mạnh.", ("number", "12", "12")),
    ("code", "Xe biển kiểm soát 51B-234.56 lao xuống vực.", ("code", "51B-234.56", "51B-234.56")),
    ("code-virus", "Ca mắc COVID-19 tăng.", ("code", "COVID-19", "COVID-19")),
    ("latin", "Tập đoàn Samsung đầu tư.", ("latin", "Samsung", "Samsung")),
    ("url", "(kontumtv.vn) – Chiều nay họp.", ("url", "kontumtv.vn", "kontumtv.vn")),
    (
        "url-scheme",
        "Xem https://example.com/a?b=1.",
        ("url", "https://example.com/a?b=1", "https://example.com/a?b=1"),
    ),
    (
        "email",
        "Gửi về toasoan@baodientu.vn nhé.",
        ("email", "toasoan@baodientu.vn", "toasoan@baodientu.vn"),
    ),
    ("handle", "@user13 Điên khùng thật", ("handle", "@user13", "@user13")),
    (
        "name-after-title",
        "Chủ tịch UBND tỉnh Nguyễn Văn Hòa chủ trì.",
        ("name", "Nguyễn Văn Hòa", "Nguyen Van Hoa"),
    ),
    ("name-honorific", "Theo ông Khoa, dự án chậm.", ("name", "Khoa", "Khoa")),
    (
        "name-minority",
        "Trưởng Đoàn Đại biểu Quốc hội tỉnh A Pớt phát biểu.",
        ("name", "A Pớt", "A Pot"),
    ),
    ("name-gazetteer", "Hà Nội ghi nhận 1.200 ca.", ("name", "Hà Nội", "Hanoi")),
    (
        "name-sentence-start-surname",
        "Nguyễn Thanh Tâm đã đầu thú.",
        ("name", "Nguyễn Thanh Tâm", "Nguyen Thanh Tam"),
    ),
    ("name-place-cue", "Tại huyện Mộ Đức, sạt lở.", ("name", "Mộ Đức", "Mo Duc")),
    (
        "term",
        "Chủ tịch UBND tỉnh phát biểu.",
        ("term", "Chủ tịch UBND tỉnh", "Chairman of the provincial People's Committee"),
    ),
    (
        "term-ubnd",
        "Đề nghị UBND tỉnh chỉ đạo.",
        ("term", "UBND tỉnh", "provincial People's Committee"),
    ),
    (
        "term-list",
        "Lãnh đạo các sở, ban ngành dự.",
        ("term", "sở, ban ngành", "departments, boards and agencies"),
    ),
    (
        "term-abbreviation",
        "Theo Bộ GD-ĐT, kỳ thi an toàn.",
        ("term", "Bộ GD-ĐT", "Ministry of Education and Training"),
    ),
]


@pytest.mark.parametrize(("text", "span"), [c[1:] for c in KINDS], ids=[c[0] for c in KINDS])
def test_span_kind(text: str, span: tuple[str, str, str]) -> None:
    assert span in spans_of(text)


# (id, Vietnamese, a word run that must not become a name)
NOT_NAMES = [
    ("sentence-start", "Chiều nay, trời mưa."),
    ("institution", "Phát biểu tại Hội nghị, ông nói."),
    ("direction", "Cửa ngõ phía Nam Thủ đô ùn tắc."),
    ("road-word", "Đường Vành đai 3 ùn tắc."),
    ("pronoun-start", "Bà đề nghị các sở khẩn trương."),
    ("country", "Xuất khẩu sang Trung Quốc tăng."),
]


@pytest.mark.parametrize("text", [c[1] for c in NOT_NAMES], ids=[c[0] for c in NOT_NAMES])
def test_not_a_name(text: str) -> None:
    assert [s for s in spans_of(text) if s[0] == "name"] == []


def test_country_is_a_term_with_english() -> None:
    assert ("term", "Trung Quốc", "China") in spans_of("Xuất khẩu sang Trung Quốc tăng.")


def test_spans_never_overlap() -> None:
    text = "Sáng 12/7, HĐND tỉnh Quảng Ngãi khóa XIII thông qua 18 nghị quyết, vốn 21.500 tỷ đồng."
    finder = SpanFinder(SpanOptions(glossary=Glossary.load()))
    spans = finder.find(text)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))
    assert all(text[s.start : s.end] == s.text for s in spans)


# (id, options, Vietnamese, expected English of its one relevant span)
STYLES = [
    ("date-month-day", {"date_style": "month_day"}, "Ngày 6/3 họp.", "March 6"),
    ("date-day-month", {"date_style": "day_month"}, "Ngày 6/3 họp.", "6 March"),
    ("date-year-day-month", {"date_style": "day_month"}, "Ngày 6/3/2024 họp.", "6 March 2024"),
    ("currency-dong", {"currency": "dong"}, "Giá 8.500.000 đồng.", "8,500,000 dong"),
    ("currency-vnd", {"currency": "VND"}, "Giá 8.500.000 đồng.", "VND 8,500,000"),
    ("name-ascii", {"name_style": "ascii"}, "Ông Nguyễn Văn Hòa nói.", "Nguyen Van Hoa"),
    ("name-keep", {"name_style": "keep"}, "Ông Nguyễn Văn Hòa nói.", "Nguyễn Văn Hòa"),
    ("place-ascii-exonym", {"name_style": "ascii"}, "Tại Hà Nội, trời mưa.", "Hanoi"),
    ("place-keep", {"name_style": "keep"}, "Tại Hà Nội, trời mưa.", "Hà Nội"),
]


@pytest.mark.parametrize(
    ("options", "text", "english"), [c[1:] for c in STYLES], ids=[c[0] for c in STYLES]
)
def test_rendering_style(options: dict, text: str, english: str) -> None:
    assert english in [en for _, _, en in spans_of(text, **options)]


def test_bundled_glossary_size_and_sources() -> None:
    assert len(bundled_entries()) >= 200
    header = Path("pipeline/protect/data/glossary.vi-en.tsv")
    text = (Path(__file__).resolve().parents[1] / header).read_text(encoding="utf-8")
    assert "03/2009/TT-BNG" in text and "dangcongsan.vn" in text


def test_gazetteer_has_every_province() -> None:
    assert len(_PROVINCE_KEYS) == 63
    assert set(gazetteer()) >= _PROVINCE_KEYS


_PROVINCES = """
hà nội|hồ chí minh|hải phòng|đà nẵng|cần thơ|an giang|bà rịa - vũng tàu|bắc giang|bắc kạn|
bạc liêu|bắc ninh|bến tre|bình định|bình dương|bình phước|bình thuận|cà mau|cao bằng|đắk lắk|
đắk nông|điện biên|đồng nai|đồng tháp|gia lai|hà giang|hà nam|hà tĩnh|hải dương|hậu giang|
hòa bình|hưng yên|khánh hòa|kiên giang|kon tum|lai châu|lâm đồng|lạng sơn|lào cai|long an|
nam định|nghệ an|ninh bình|ninh thuận|phú thọ|phú yên|quảng bình|quảng nam|quảng ngãi|
quảng ninh|quảng trị|sóc trăng|sơn la|tây ninh|thái bình|thái nguyên|thanh hóa|
thừa thiên huế|tiền giang|trà vinh|tuyên quang|vĩnh long|vĩnh phúc|yên bái
"""
_PROVINCE_KEYS = {p.strip() for p in _PROVINCES.replace("\n", "").split("|")}


def test_glossary_longest_first() -> None:
    glossary = Glossary(
        {"UBND": "People's Committee", "UBND tỉnh": "provincial People's Committee"}
    )
    assert [t.english for t in glossary.find("Đề nghị UBND tỉnh chỉ đạo")] == [
        "provincial People's Committee"
    ]


def test_glossary_case_insensitive() -> None:
    glossary = Glossary({"Tỉnh ủy": "Provincial Party Committee"})
    assert [t.text for t in glossary.find("các tỉnh ủy, Tỉnh ủy")] == ["tỉnh ủy", "Tỉnh ủy"]


def test_glossary_syllable_boundaries() -> None:
    assert Glossary({"Sở Y": "x"}).find("Sở Ytế") == []
    assert Glossary({"an": "x"}).find("ban ngành") == []


def test_glossary_tone_mark_styles() -> None:
    glossary = Glossary({"Khánh Hòa": "Khanh Hoa"})
    assert [t.english for t in glossary.find("tỉnh Khánh Hoà")] == ["Khanh Hoa"]


def test_user_glossary_wins(tmp_path: Path) -> None:
    user = tmp_path / "terms.tsv"
    user.write_text(
        "# my terms\nubnd tỉnh\tProvincial People's Committee\nsầu riêng\tdurian\n",
        encoding="utf-8",
    )
    glossary = Glossary.load(user)
    found = {t.text: t.english for t in glossary.find("UBND tỉnh thu mua sầu riêng")}
    assert found == {"UBND tỉnh": "Provincial People's Committee", "sầu riêng": "durian"}


def test_user_glossary_bad_line(tmp_path: Path) -> None:
    user = tmp_path / "terms.tsv"
    user.write_text("sầu riêng durian\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"terms.tsv:1"):
        Glossary.load(user)


def test_user_glossary_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="translate.glossary"):
        Glossary.load(tmp_path / "absent.tsv")
