"""Find Vietnamese personal and place names, and write them in English.

Names are capitalised syllable runs, but so are institutions ("Ban Dân vận"),
titles ("Phó Bí thư") and the first word of a sentence. A run counts as a name
when it starts with a common surname, matches the gazetteer of provinces and
cities, follows a cue word ("ông", "tỉnh", "Thượng tá"), or has two or more
syllables and does not open the sentence. Institutions are best kept out by
the glossary, whose spans are blanked before names are looked for.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from pipeline.text.syllables import is_syllable
from pipeline.text.tones import to_old_style

NameStyle = Literal["ascii", "keep"]


def _words(text: str) -> list[str]:
    return text.split()


# The most frequent family names (together well over 90% of Vietnamese people).
SURNAMES = frozenset(
    _words(
        """
    Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn Đinh
    Lương Trịnh Mai Trương Tô Lâm Hà Cao Quách Tạ Vương Chu Châu Thái Lưu Từ Kiều Mạc Tăng
    Lục Triệu Khổng La Lò Lô Hứa Phùng Thân Tôn Nghiêm Diệp Âu Giang Kim Mạnh Ninh
    Văn Doãn Khúc Lã Lại Quan Tống Vi Hầu Đàm Ông Bế Nông Y
    """
    )
)
# Capitalised words that open titles and institution names rather than names;
# stripped from the start of a run ("Phó", "Ban", "Sở"). Honorifics among them
# ("Ông", "Bà") also act as cues for what follows.
LEADING_WORDS = frozenset(
    _words(
        """
    Phó Chủ Bí Trưởng Thứ Bộ Sở Ban Cục Vụ Viện Hội Ủy Đảng Nhà Trung Tổng Giám Đại Thượng
    Thiếu Trường Bệnh Công Tòa Phòng Khu Quỹ Hiệp Liên Tập Ngân Chương Kế Nghị Quyết Quy Luật Lễ
    Giải Tết Năm Ngày Tháng Cơ Thường Chi Hợp Đài Báo Cảng Sân Đèo Sông Núi Vịnh Đảo Tỉnh
    Huyện Quận Xã Phường Thị Thôn Ấp Trạm Dự Đề Theo Tại Trong Sau Khi Cùng Đây Đó Các Những
    Một Ông Bà Anh Chị Em Cô Chú Bác Thầy Cháu Cụ Bé
    """
    )
)
HONORIFICS = frozenset(_words("Ông Bà Anh Chị Em Cô Chú Bác Thầy Cháu Cụ Bé"))
PLACE_WORDS = frozenset(_words("Tỉnh Huyện Quận Xã Phường Thị Thôn Ấp Đèo Sông Núi Vịnh Đảo Cảng"))
# Words right before a name that say one follows: a person (even a one-syllable
# name: "ông Khoa") or a place (a longer name even at the start of a sentence).
PERSON_CUES = _words(
    "ông bà anh chị em cô chú bác thầy cháu cụ bé HLV TS ThS GS PGS BS KS CKI CKII"
) + [
    "đồng chí",
    "tài xế",
    "bị cáo",
    "bị can",
    "đối tượng",
    "nạn nhân",
    "bác sĩ",
    "tiền đạo",
    "tiền vệ",
    "hậu vệ",
    "thủ môn",
    "cầu thủ",
    "huấn luyện viên",
    "nghệ sĩ",
    "ca sĩ",
    "nhà văn",
    "nhà thơ",
    "kỹ sư",
    "luật sư",
    "giáo sư",
]
PLACE_CUES = _words(
    "tỉnh huyện quận xã phường thôn ấp bản làng đường phố sông đèo núi đảo vịnh"
) + [
    "thành phố",
    "thị xã",
    "thị trấn",
    "cửa khẩu",
    "ngụ",
    "trú",
    "quê",
    "TP",
    "Q",
    "P",
]
DIRECTIONS = frozenset(_words("Bắc Nam Đông Tây"))


def _cue_pattern(cues: list[str]) -> re.Pattern[str]:
    words = sorted(cues, key=len, reverse=True)
    alternatives = "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in words)
    return re.compile(rf"(?<![^\W_])(?:{alternatives})\.?\s+$", re.IGNORECASE)


_PERSON_CUE = _cue_pattern(PERSON_CUES)
_PLACE_CUE = _cue_pattern(PLACE_CUES)
_DIRECTION_CUE = re.compile(r"(?<![^\W_])phía\s+$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
# What may stand between the words of one name: a space, or a spaced dash ("Bà Rịa – Vũng Tàu").
_JOIN = re.compile(r" |\s[–-]\s")
_SENTENCE_OPEN = re.compile(r"(?:^|[.!?…:;“\"‘]\s*|\s[–-]\s)[\s“\"‘'(\[]*$")
MAX_NAME_WORDS = 5
# Stand for text other finders claimed: neither letters nor spaces, so runs stop
# at them and they never look like a sentence start. A glossary term right before
# a name is usually a title ("Thượng tá Tùng"), so it is told apart from the rest.
BLANK = "\u2063"
BLANK_TERM = "\u2060"


@dataclass(frozen=True)
class Name:
    """A name found in a sentence: where it stands and whether the gazetteer knows it."""

    start: int
    end: int
    text: str
    place: str | None = None  # the gazetteer's English form, for a known place


def ascii_fold(text: str) -> str:
    """Vietnamese without diacritics, as international wires write names: "Đà Nẵng" -> "Da Nang"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def render_name(name: Name, style: NameStyle) -> str:
    """The English form of ``name``: as written (keep), or ASCII (the gazetteer's exonym if any)."""
    if style == "keep":
        return name.text
    return name.place if name.place is not None else ascii_fold(name.text)


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, str]:
    """Known places, keyed by ``name_key`` (so "Khánh Hoà" finds "Khánh Hòa")."""
    places = {}
    text = resources.files("pipeline.protect").joinpath("data/places.tsv").read_text("utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            vi, en = line.split("\t")
            places[name_key(vi)] = en.strip()
    return places


def name_key(text: str) -> str:
    """Case, spacing, dash and tone-mark placement ("Hoà"/"Hòa") do not matter; marks do."""
    return " ".join(to_old_style(text).casefold().replace("–", "-").split())


def _is_name_word(word: str) -> bool:
    """Capitalised, the rest lower case, and Vietnamese-looking (long ASCII words are foreign)."""
    if not word[0].isupper() or (len(word) > 1 and not word[1:].islower()):
        return False
    return len(word) == 1 or is_syllable(word) or not word.isascii() or len(word) <= 5


def find_names(text: str) -> list[Name]:
    """The Vietnamese personal and place names of one sentence, in order.

    Args:
        text: a sentence, with spans already claimed by others (glossary terms,
            numbers) replaced by ``BLANK_TERM`` (terms) or ``BLANK`` characters.

    Returns:
        Non-overlapping names.
    """
    names: list[Name] = []
    for run in _runs(text):
        names.extend(_names_in_run(text, run))
    return names


def _runs(text: str) -> list[list[re.Match[str]]]:
    """Maximal runs of capitalised words joined only by spaces (or a spaced dash)."""
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    for match in _WORD.finditer(text):
        word = match.group()
        joined = bool(current) and _JOIN.fullmatch(text[current[-1].end() : match.start()])
        if _is_name_word(word) and (not current or joined):
            current.append(match)
            continue
        if current:
            runs.append(current)
        current = [match] if _is_name_word(word) else []
    if current:
        runs.append(current)
    return runs


def _names_in_run(text: str, run: list[re.Match[str]]) -> list[Name]:
    """Split a run into names: gazetteer places, and chunks a cue, surname or length vouches for."""
    names = []
    i = 0
    before = text[: run[0].start()]
    # A title from the glossary right before a name is a cue too ("Thượng tá Tùng").
    person = _PERSON_CUE.search(before) is not None or before.rstrip(" ").endswith(BLANK_TERM)
    placed = _PLACE_CUE.search(before) is not None
    if run[0].group() in DIRECTIONS and _DIRECTION_CUE.search(before):
        i = 1  # "phía Nam Thủ đô": a direction, not a name
    while i < len(run):
        known = _place_at(text, run, i)
        if known is not None:
            j, english = known
            start, end = run[i].start(), run[j - 1].end()
            names.append(Name(start, end, text[start:end], english))
            i, person, placed = j, False, False
            continue
        word = run[i].group()
        if word in LEADING_WORDS:
            person, placed = word in HONORIFICS, word in PLACE_WORDS
            i += 1
            continue
        j = i + 1
        while (
            j < len(run)
            and j - i < MAX_NAME_WORDS
            and text[run[j - 1].end() : run[j].start()] == " "
            and _place_at(text, run, j) is None
        ):
            j += 1
        opens = i == 0 and _SENTENCE_OPEN.search(before) is not None
        several = j - i > 1
        if (several and (person or placed or word in SURNAMES or not opens)) or (
            person and len(word) > 1
        ):
            start, end = run[i].start(), run[j - 1].end()
            names.append(Name(start, end, text[start:end]))
        i, person, placed = j, False, False
    return names


def _place_at(text: str, run: list[re.Match[str]], i: int) -> tuple[int, str] | None:
    """The longest gazetteer place starting at word ``i`` of ``run``: (end index, English)."""
    places = gazetteer()
    for j in range(min(len(run), i + 6), i, -1):
        english = places.get(name_key(text[run[i].start() : run[j - 1].end()]))
        if english is not None:
            return j, english
    return None
