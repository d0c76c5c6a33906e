"""Byte tables of the pre-Unicode Vietnamese encodings, written from their standards.

* TCVN3 ("ABC", TCVN 5712:1993 VN3): one byte per letter; lowercase letters
  with tones plus the bare capitals Ă Â Ê Ô Ơ Ư Đ. Capitals with tones were
  drawn by a separate "H" font using the lowercase codes, so they decode as
  lowercase.
* VISCII (RFC 1456): one byte per letter for all 134 Vietnamese letters,
  six of them in C0 control positions.
* VNI for Windows: an ASCII vowel followed by a mark byte, read through a
  cp1252 font ("Vieät" is "Việt").

Bytes that a table does not define are read as cp1252, which is what the
fonts showed for them.
"""

from __future__ import annotations

import unicodedata

# TCVN3: first byte of a run -> the letters at that byte and the following ones.
_TCVN3_RUNS = {
    0xA1: "ĂÂÊÔƠƯĐăâêôơưđ",
    0xB5: "àảãáạ",
    0xBB: "ằẳẵắ",
    0xC6: "ặầẩẫấậè",
    0xCE: "ẻẽéẹềểễếệìỉ",
    0xDC: "ĩíịò",
    0xE1: "ỏõóọồổỗốộờởỡớợù",
    0xF1: "ủũúụừửữứựỳỷỹýỵ",
}

# VISCII 0x80..0xFF, sixteen bytes per line.
_VISCII_HIGH = (
    "ẠẮẰẶẤẦẨẬẼẸẾỀỂỄỆỐ"
    "ỒỔỖỘỢỚỜỞỊỎỌỈỦŨỤỲ"
    "Õắằặấầẩậẽẹếềểễệố"
    "ồổỗỠƠộờởịỰỨỪỬơớƯ"
    "ÀÁÂÃẢĂẳẵÈÉÊẺÌÍĨỳ"
    "ĐứÒÓÔạỷừửÙÚỹỵÝỡư"
    "àáâãảăữẫèéêẻìíĩỉ"
    "đựòóôõỏọụùúũủýợỮ"
)
_VISCII_LOW = {0x02: "Ẳ", 0x05: "Ẵ", 0x06: "Ẫ", 0x14: "Ỷ", 0x19: "Ỹ", 0x1E: "Ỵ"}

# VNI: tone marks after a vowel (acute, grave, hook, tilde, dot below), as cp1252 letters.
_VNI_TONES = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_BREVE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_CIRCUMFLEX = {
    "": "â",
    "\u0301": "á",
    "\u0300": "à",
    "\u0309": "å",
    "\u0303": "ã",
    "\u0323": "ä",
}
# Letters VNI writes as one byte: i with tones, ỵ, ơ, ư, đ.
_VNI_SINGLE = {
    "í": "í",
    "ì": "ì",
    "ỉ": "æ",
    "ĩ": "ó",
    "ị": "ò",
    "ỵ": "î",
    "ơ": "ô",
    "ư": "ö",
    "đ": "ñ",
}

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
VOWEL_MARKS = "\u0302\u0306\u031b"  # circumflex, breve, horn


def vietnamese_letters() -> list[str]:
    """All 134 precomposed Vietnamese letters outside ASCII, lowercase then uppercase."""
    letters = ["đ"]
    for base in ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"):
        for tone in ("",) + tuple(TONE_MARKS):
            letter = unicodedata.normalize("NFC", base + tone)
            if not letter.isascii():
                letters.append(letter)
    return letters + [c.upper() for c in letters]


def _cp1252(byte: int) -> str:
    return bytes([byte]).decode("cp1252", errors="ignore") or chr(byte)


def cp1252_table() -> list[str]:
    """Return cp1252 for each byte, with Latin-1 for the five bytes cp1252 leaves out."""
    return [_cp1252(b) for b in range(256)]


def tcvn3_table() -> list[str]:
    """Return the character for each of the 256 TCVN3 bytes."""
    table = cp1252_table()
    for first, letters in _TCVN3_RUNS.items():
        for offset, letter in enumerate(letters):
            table[first + offset] = letter
    return table


def viscii_table() -> list[str]:
    """Return the character for each of the 256 VISCII bytes."""
    table = [chr(b) for b in range(128)] + list(_VISCII_HIGH)
    for byte, letter in _VISCII_LOW.items():
        table[byte] = letter
    return table


def vni_letters() -> dict[str, str]:
    """Map each Vietnamese letter outside ASCII to its VNI spelling (cp1252 text)."""
    spelled = {}
    for letter in vietnamese_letters():
        lower = letter.lower()
        if lower in _VNI_SINGLE:
            spelling = _VNI_SINGLE[lower]
        else:
            decomposed = unicodedata.normalize("NFD", lower)
            base = decomposed[0]
            tone = "".join(c for c in decomposed if c in TONE_MARKS)
            if "\u0306" in decomposed:
                spelling = base + _VNI_BREVE[tone]
            elif "\u0302" in decomposed:
                spelling = base + _VNI_CIRCUMFLEX[tone]
            elif "\u031b" in decomposed:
                spelling = (
                    _VNI_SINGLE[unicodedata.normalize("NFC", base + "\u031b")] + _VNI_TONES[tone]
                )
            else:
                spelling = base + _VNI_TONES[tone]
        spelled[letter] = spelling.upper() if letter.isupper() else spelling
    return spelled
