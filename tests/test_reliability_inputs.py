"""Bad input: every broken file is named once on stderr and in the manifest; good ones run.

One ``vien run`` (tiny random model) reads a folder holding a good article next
to every kind of bad input we could think of. Each bad file must give exactly
one ``vien: error: FILE: reason`` line and one manifest failure record; the
odd-but-good files (legacy encoding, NFD, one 200,000-character line, HTML) must
be processed completely; the exit code is 1.

Empty, blank and residue-only files are errors ("no text"), not documents with
0 segments: a file that yields nothing must never pass silently.

The tests run as root, where ``chmod 000`` does not stop reads, so the
unreadable file is simulated by making ``Path.read_bytes`` raise ``EACCES`` for
it (the permissions are set too, for runs as an ordinary user).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.text.legacy_tables import tcvn3_table

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_fd595707a5dff46e.txt"
SENTENCES = "Hà Nội là thủ đô của Việt Nam. Hôm nay trời đẹp và nắng ấm."
RESIDUE = (
    "Trả lời\n\nEmail của bạn sẽ không được hiển thị công khai. "
    "Các trường bắt buộc được đánh dấu *\n"
)
WORDS = ["một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười"]
LONG_LINE = " ".join(WORDS[i % len(WORDS)] for i in range(50_000))[:200_000].rstrip()
HUGE_BYTES = 50_000_000
PAGE = (
    "<html><head><title>Giá xăng tăng | Báo Mẫu</title></head><body>"
    "<nav><a href='/'>Trang chủ</a></nav><article><h1>Giá xăng tăng</h1>"
    "<p>Giá xăng tăng mạnh trong tháng này. Người dân lo lắng về chi phí đi lại.</p>"
    "<p>Công ty tuyển thêm một trăm nhân viên.</p></article>"
    "<footer>Bản quyền © Báo Mẫu</footer></body></html>"
)

# (case id, file or record named in the error line, words the reason must hold)
BAD = [
    ("empty", "empty.txt", "no text"),
    ("whitespace-only", "blank.txt", "no text"),
    ("residue-only", "residue.txt", "page residue"),
    ("png-bytes", "image.txt", "binary file"),
    ("invalid-utf8", "broken.txt", "not UTF-8"),
    ("50-mb", "huge.txt", "input.max_bytes"),
    ("jsonl-not-json", "records.jsonl:2", "not valid JSON"),
    ("jsonl-no-text-field", "records.jsonl:3", "'text' field"),
    ("unreadable", "locked.txt", "Permission denied"),
    ("fifo", "pipe.txt", "not a regular file"),
    ("symlink-loop", "loop.txt", "symbolic link loop"),
    ("broken-symlink", "dangling.txt", "broken symbolic link"),
    ("html-without-article", "menu.html", "no article text"),
    ("folder-link-loop", "cycle/back", "symbolic link loop"),
]
GOOD = ["good", "long", "nfd", "page", "records/1", "tcvn3"]  # input (sorted) order


def _invalid_utf8() -> bytes:
    """UTF-8 Vietnamese with the last byte of every multi-byte character cut off."""
    data = (SENTENCES * 20).encode()
    out, i = bytearray(), 0
    while i < len(data):
        width = 1 if data[i] < 0xC0 else 2 if data[i] < 0xE0 else 3
        out += data[i : i + max(1, width - 1)]
        i += width
    return bytes(out)


def _tcvn3(text: str) -> bytes:
    inverse: dict[str, int] = {}
    for byte, char in enumerate(tcvn3_table()):
        inverse.setdefault(char, byte)  # the TCVN3 code point, not a Latin-1 look-alike
    return bytes(inverse[c] for c in text)


def build_inputs(folder: Path) -> None:
    folder.mkdir()
    shutil.copy(SEED, folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text("  \n\n\t \n\u3000\n", encoding="utf-8")
    (folder / "residue.txt").write_text(RESIDUE, encoding="utf-8")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "broken.txt").write_bytes(_invalid_utf8())
    with open(folder / "huge.txt", "wb") as fh:
        line = "Đây là một câu rất bình thường. ".encode()
        fh.write(line * (HUGE_BYTES // len(line) + 1))
    (folder / "records.jsonl").write_text(
        '{"id": 1, "text": "Giá xăng tăng mạnh trong tháng này."}\n'
        "{not json\n"
        '{"id": 3, "body": "Hôm nay trời đẹp."}\n',
        encoding="utf-8",
    )
    (folder / "locked.txt").write_text("Bí mật.", encoding="utf-8")
    (folder / "locked.txt").chmod(0)
    os.mkfifo(folder / "pipe.txt")
    os.symlink("loop.txt", folder / "loop.txt")
    os.symlink("missing.txt", folder / "dangling.txt")
    (folder / "menu.html").write_text("<html><body><nav></nav></body></html>", encoding="utf-8")
    (folder / "cycle").mkdir()
    os.symlink("..", folder / "cycle" / "back")
    (folder / "tcvn3.txt").write_bytes(_tcvn3(SENTENCES))
    (folder / "nfd.txt").write_text(unicodedata.normalize("NFD", SENTENCES), encoding="utf-8")
    (folder / "long.txt").write_text(LONG_LINE, encoding="utf-8")
    (folder / "page.html").write_text(PAGE, encoding="utf-8")


@pytest.fixture(scope="module")
def config_path(tmp_path_factory: pytest.TempPathFactory, tiny_marian: Path) -> Path:
    """Normalize, segment and translate with the tiny model; no retry, so the long line is fast."""
    data = {
        "pipeline": ["normalize", "segment", "translate"],
        "translate": {
            "model": str(tiny_marian),
            "num_beams": 1,
            "max_new_tokens": 4,
            "batch_tokens": 16384,
            "threads": 1,
            "retry_degenerate": False,
        },
        "output": {"formats": ["jsonl", "tsv", "moses", "tmx", "removed"]},
    }
    path = tmp_path_factory.mktemp("config") / "inputs.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory: pytest.TempPathFactory, config_path: Path):
    root = tmp_path_factory.mktemp("bad-input")
    build_inputs(root / "in")
    read_bytes = Path.read_bytes

    def refuse_locked(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return read_bytes(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "read_bytes", refuse_locked)
        result = CliRunner().invoke(
            app,
            [
                "run",
                str(root / "in"),
                "-o",
                str(root / "out"),
                "--config",
                str(config_path),
                "--quiet",
            ],
        )
    (root / "in" / "huge.txt").unlink()  # 50 MB is not worth keeping in pytest's tmp dirs
    manifest = json.loads((root / "out" / "manifest.json").read_text(encoding="utf-8"))
    rows = [
        json.loads(line)
        for line in (root / "out" / "aligned.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    return result, manifest, rows, root / "in"


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("vien: error:")]


def test_exit_code_is_one(bad_run) -> None:
    result, *_ = bad_run
    assert result.exit_code == 1, result.output


def test_no_traceback(bad_run) -> None:
    result, *_ = bad_run
    assert "Traceback" not in result.output


def test_one_error_line_per_bad_input_and_nothing_else(bad_run) -> None:
    result, manifest, *_ = bad_run
    assert len(error_lines(result)) == len(BAD) == len(manifest["failures"])


@pytest.mark.parametrize(("name", "reason"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_input_named_once_on_stderr(bad_run, name: str, reason: str) -> None:
    result, _, _, folder = bad_run
    (line,) = [line for line in error_lines(result) if f"{folder}/{name}:" in line]
    assert reason in line


@pytest.mark.parametrize(("name", "reason"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_input_recorded_in_manifest(bad_run, name: str, reason: str) -> None:
    _, manifest, _, folder = bad_run
    (failure,) = [f for f in manifest["failures"] if f["source"] == f"{folder}/{name}"]
    assert reason in failure["reason"]


def test_good_documents_all_processed(bad_run) -> None:
    _, manifest, _, _ = bad_run
    assert manifest["documents"] == GOOD
    assert manifest["counts"]["processed"] == len(GOOD)


def vietnamese_of(rows: list[dict], doc_id: str) -> list[str]:
    return [r["vi"] for r in rows if r["doc_id"] == doc_id]


def test_legacy_encoding_is_decoded(bad_run) -> None:
    _, _, rows, _ = bad_run
    assert _tcvn3(SENTENCES).startswith(b"H\xb5 N\xe9i")  # TCVN3 as found in old files
    assert " ".join(vietnamese_of(rows, "tcvn3")) == SENTENCES


def test_nfd_text_is_composed(bad_run) -> None:
    _, _, rows, _ = bad_run
    assert " ".join(vietnamese_of(rows, "nfd")) == SENTENCES


def test_long_line_is_split_to_fit_not_truncated(bad_run) -> None:
    _, _, rows, _ = bad_run
    (row,) = [r for r in rows if r["doc_id"] == "long"]
    assert row["vi"] == LONG_LINE
    assert "split_long" in row["flags"]
    assert row["en"]


def test_html_article_is_extracted(bad_run) -> None:
    _, _, rows, _ = bad_run
    text = " ".join(vietnamese_of(rows, "page"))
    assert "Giá xăng tăng mạnh trong tháng này." in text
    assert "Trang chủ" not in text and "Bản quyền" not in text


def test_good_jsonl_line_survives_its_bad_neighbours(bad_run) -> None:
    _, _, rows, _ = bad_run
    assert vietnamese_of(rows, "records/1") == ["Giá xăng tăng mạnh trong tháng này."]
