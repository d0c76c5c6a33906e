"""``aligned.tmx``: TMX 1.4b translation memory, one translation unit per segment."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import ClassVar
from xml.sax.saxutils import escape

from pipeline import __version__
from pipeline.document import Document
from pipeline.writers.base import CorpusWriter

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot carry: controls, surrogates, U+FFFE and U+FFFF."""
    return "".join(
        ch
        for ch in text
        if ch in "\t\n\r"
        or "\x20" <= ch <= "\ud7ff"
        or "\ue000" <= ch <= "\ufffd"
        or ch >= "\U00010000"
    )


class TmxWriter(CorpusWriter):
    files: ClassVar[tuple[str, ...]] = ("aligned.tmx",)

    def begin(self) -> None:
        signature = escape(_xml_safe(self.run_info.get("signature", "")))
        self.handles["aligned.tmx"].write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<tmx version="1.4">\n'
            f'  <header creationtool="vien" creationtoolversion="{__version__}" '
            'segtype="sentence" o-tmf="vien-aligned" adminlang="en" srclang="vi" '
            'datatype="plaintext">\n'
            f'    <prop type="x-vien-signature">{signature}</prop>\n'
            "  </header>\n  <body>\n"
        )

    def write(self, doc: Document) -> None:
        out = self.handles["aligned.tmx"]
        for seg in doc.segments:
            tu = ET.Element("tu", {"tuid": seg.id})
            if seg.flags:
                prop = ET.SubElement(tu, "prop", {"type": "x-flags"})
                prop.text = ",".join(seg.flags)
            for lang, text in (("vi", seg.vi), ("en", seg.en or "")):
                tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
                ET.SubElement(tuv, "seg").text = _xml_safe(text)
            # A raw carriage return would read back as a line feed (XML end-of-line rules).
            unit = ET.tostring(tu, encoding="unicode").replace("\r", "&#13;")
            out.write("    " + unit + "\n")

    def end(self) -> None:
        self.handles["aligned.tmx"].write("  </body>\n</tmx>\n")


def read_tmx(path: Path) -> list[tuple[str, str, str]]:
    """``(tuid, vi, en)`` for every translation unit of a TMX file."""
    root = ET.parse(path).getroot()
    pairs = []
    for tu in root.iter("tu"):
        texts = {tuv.get(XML_LANG): (tuv.findtext("seg") or "") for tuv in tu.iter("tuv")}
        pairs.append((tu.get("tuid", ""), texts.get("vi", ""), texts.get("en", "")))
    return pairs
