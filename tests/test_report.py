"""The HTML report and ``vien show`` over a run made with a tiny offline model."""

from __future__ import annotations

import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from tiny_models import run_seed_and_record
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.document import Document, Paragraph, Segment
from pipeline.manifest import write_manifest
from pipeline.report.confidence import weakest_cutoff
from pipeline.report.html import write_report
from pipeline.writers.document_json import write_document

SCRIPT_SENTENCE = "Ông nói <script>alert(1)</script> là sai."
EXTRA = {
    "id": "quote",
    "title": 'Kiểm tra <b>đậm</b> & "trích dẫn"',
    "text": f"{SCRIPT_SENTENCE}\nHà Nội là thủ đô của Việt Nam. Hôm nay trời đẹp.\n\n"
    "Tôi thích đọc [bold]sách[/bold] vào buổi tối.",
}
EXTRA_ID = "extra/quote"
# Anything that would make the browser fetch: src/href to a URL, CSS url(), @import.
ASSET_REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(|@import""", re.I)


@pytest.fixture(scope="module")
def report_run(tmp_path_factory: pytest.TempPathFactory, tiny_marian: Path) -> Path:
    """``vien run`` over the seed article and a record with markup in it, into a fresh OUT."""
    return run_seed_and_record(tiny_marian, tmp_path_factory.mktemp("report-run"), EXTRA)


def aligned(out: Path) -> list[dict]:
    lines = (out / "aligned.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


class PairRows(HTMLParser):
    """Collects ``(data-pair, vi text, en text)`` from the report's pair rows."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, dict[str, str]]] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "tr" and "pair" in (attr.get("class") or "").split():
            self.rows.append((attr["data-pair"] or "", {"vi": "", "en": "", "restored": ""}))
        elif tag == "td" and attr.get("data-lang"):
            self.lang = attr["data-lang"]
        elif tag == "div" and attr.get("class") == "restored":
            self.lang = "restored"  # the tone-restored text, shown under vi

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.lang = None
        elif tag == "div" and self.lang == "restored":
            self.lang = "vi"

    def handle_data(self, data: str) -> None:
        if self.lang:
            self.rows[-1][1][self.lang] += data


def report_rows(page: str) -> list[tuple[str, str, str]]:
    parser = PairRows()
    parser.feed(page)
    return [(pair_id, cells["vi"], cells["en"]) for pair_id, cells in parser.rows]


def test_run_writes_the_report(report_run: Path) -> None:
    page = (report_run / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "000_fd595707a5dff46e" in page and "extra/quote" in page


def test_report_has_every_pair_side_by_side(report_run: Path) -> None:
    page = (report_run / "report.html").read_text(encoding="utf-8")
    expected = [(r["id"], r["vi"], r["en"]) for r in aligned(report_run)]
    assert report_rows(page) == expected


def test_report_shows_restored_text_under_vi(report_run: Path) -> None:
    parser = PairRows()
    parser.feed((report_run / "report.html").read_text(encoding="utf-8"))
    shown = {pair_id: cells["restored"] for pair_id, cells in parser.rows if cells["restored"]}
    expected = {r["id"]: r["vi_restored"] for r in aligned(report_run) if r["vi_restored"]}
    assert shown == expected and expected


def test_report_escapes_markup_in_sentences(report_run: Path) -> None:
    page = (report_run / "report.html").read_text(encoding="utf-8")
    assert SCRIPT_SENTENCE not in page
    # Protected spans are wrapped in <mark>: the escaped text reads through them.
    assert "Ông nói &lt;script&gt;alert(1)&lt;/script&gt; là sai." in re.sub(
        r"</?mark[^>]*>", "", page
    )
    assert page.count("<script") == 1  # the report's own script
    assert "<b>đậm</b>" not in page and "&lt;b&gt;đậm&lt;/b&gt;" in page


def test_report_is_self_contained(report_run: Path) -> None:
    page = (report_run / "report.html").read_text(encoding="utf-8")
    assert not ASSET_REFERENCE.search(page)
    assert "http://" not in page and "https://" not in page
    assert "default-src 'none'" in page


def test_report_shows_run_facts(report_run: Path) -> None:
    page = (report_run / "report.html").read_text(encoding="utf-8")
    manifest = json.loads((report_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["signature"] in page
    assert manifest["models"]["translate"]["checksum"] in page
    assert "Peak memory" in page and "Failures" in page


def test_report_shows_summaries_residue_and_flags(report_run: Path) -> None:
    page = (report_run / "report.html").read_text(encoding="utf-8")
    assert "Vietnamese summary" in page and "English summary" in page
    assert '<details class="removed">' in page and "Email của bạn" in page
    assert "split: too long" in page and ">headline<" in page and ">byline<" in page


def test_report_marks_the_weakest_sentences(report_run: Path) -> None:
    page = (report_run / "report.html").read_text(encoding="utf-8")
    rows = aligned(report_run)
    cutoff = weakest_cutoff(r["score"] for r in rows)
    weak = sorted(r["id"] for r in rows if r["score"] is not None and r["score"] <= cutoff)
    marked = sorted(re.findall(r'<tr class="pair[^"]* weak[^"]*"[^>]*data-pair="([^"]+)"', page))
    assert weak and marked == weak


def test_report_command_rewrites_the_report(report_run: Path) -> None:
    (report_run / "report.html").unlink()
    result = CliRunner().invoke(app, ["report", str(report_run)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(report_run / "report.html")
    assert (report_run / "report.html").is_file()


def test_report_command_refuses_a_folder_without_manifest(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 1
    assert "manifest.json" in result.stderr and "vien run" in result.stderr


def test_show_prints_pairs_flags_and_summaries(report_run: Path) -> None:
    result = CliRunner().invoke(app, ["show", str(report_run)])
    assert result.exit_code == 0, result.output
    for row in aligned(report_run):
        if len(row["vi"]) < 40:  # long sentences wrap inside their table cell
            assert row["vi"] in result.stdout
    assert SCRIPT_SENTENCE in result.stdout
    assert "[bold]sách[/bold]" in result.stdout  # text, not rich markup
    assert "[split: too long]" in result.stdout and "[byline]" in result.stdout
    assert "Vietnamese summary" in result.stdout


def test_show_one_document(report_run: Path) -> None:
    result = CliRunner().invoke(app, ["show", str(report_run), EXTRA_ID])
    assert result.exit_code == 0, result.output
    assert SCRIPT_SENTENCE in result.stdout
    assert "000_fd595707a5dff46e" not in result.stdout


def test_show_flagged_lists_only_flagged_or_weakest_rows(report_run: Path) -> None:
    result = CliRunner().invoke(app, ["show", str(report_run), "--flagged"])
    assert result.exit_code == 0, result.output
    rows = aligned(report_run)
    cutoff = weakest_cutoff(r["score"] for r in rows)
    expected = [
        "/".join(r["id"].split("/")[-2:])
        for r in rows
        if r["flags"] or (r["score"] is not None and r["score"] <= cutoff)
    ]
    shown = re.findall(r"^│ (p\d+/s\d+) ", result.stdout, re.M)
    assert shown == expected


def test_show_unknown_document_names_the_valid_ones(report_run: Path) -> None:
    result = CliRunner().invoke(app, ["show", str(report_run), "nope"])
    assert result.exit_code == 1
    assert "nope" in result.stderr and "000_fd595707a5dff46e" in result.stderr


@pytest.mark.parametrize("command", ["show", "report"])
def test_help_has_an_example(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([], None),
        ([None, None], None),
        ([-0.5], -0.5),
        ([-0.1, -3.0, -0.2, None], -3.0),
        ([-float(i) for i in range(40)], -38.0),  # 5% of 40 is the 2 lowest
        ([-1.0, -1.0, -1.0], -1.0),
    ],
    ids=["empty", "unscored", "one", "lowest-of-few", "two-of-forty", "ties"],
)
def test_weakest_cutoff(scores: list[float | None], expected: float | None) -> None:
    assert weakest_cutoff(scores) == expected


def test_weakest_cutoff_rejects_a_bad_fraction() -> None:
    with pytest.raises(ValueError, match="fraction"):
        weakest_cutoff([-1.0], fraction=0)


def synthetic_run(out: Path, documents: int, sentences: int) -> int:
    """A run folder written directly, without a model: ``documents`` × ``sentences`` pairs."""
    ids = []
    for d in range(documents):
        text, paragraphs = "", []
        for p in range(sentences // 10):
            segments = []
            for s in range(10):
                vi = f"Câu số {s} của đoạn {p} trong bài {d}."
                segments.append(
                    Segment(
                        f"d{d}/p{p + 1}/s{s + 1}",
                        vi,
                        len(text),
                        len(text) + len(vi),
                        en=f"Sentence {s} of paragraph {p} in article {d}.",
                        score=-(d * sentences + p * 10 + s) / 1000,
                    )
                )
                text += vi + " "
            paragraphs.append(Paragraph(p + 1, segments[0].start, len(text) - 1, segments))
        write_document(out, Document(f"d{d}", f"d{d}.txt", text, paragraphs=paragraphs), "x")
        ids.append(f"d{d}")
    write_manifest(out, {"signature": "vien:test", "documents": ids, "counts": {}})
    return documents * (sentences // 10) * 10


def test_report_stays_fast_with_thousands_of_sentences(tmp_path: Path) -> None:
    pairs = synthetic_run(tmp_path, documents=60, sentences=100)
    started = time.perf_counter()
    page = write_report(tmp_path).read_text(encoding="utf-8")
    seconds = time.perf_counter() - started
    assert page.count('<tr class="pair') == pairs == 6000
    assert page.count(" weak") >= pairs // 20
    assert seconds < 10, f"report took {seconds:.1f}s for {pairs} pairs"
