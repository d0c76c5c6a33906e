"""Interrupted runs: SIGKILL ``vien run`` at random points, rerun, get the same bytes.

A subprocess runs the default pipeline (tiny random models, ``run.batch_docs: 2``)
over 12 small documents and is killed with SIGKILL again and again: first after
a seeded random delay (often still loading), then after a seeded random number of
documents plus a random delay, and once after every document is written (while
the corpus files are rebuilt). After each kill no file under OUT may be
half-written under its final name. Rerun until it finishes, every output except
``manifest.json`` (timings) must be byte-identical to an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tiny_models import tiny_pipeline_config
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.writers.tmx import read_tmx
from pipeline.writers.tsv import read_tsv

REPO = Path(__file__).resolve().parent.parent
SEED = 20261127
DOCUMENTS = 12
# Documents written before each kill (None: a random delay after start
# instead). The last kill lands while the corpus files are rebuilt, or misses.
KILL_AFTER = (None, 1, 3, 5, 7, DOCUMENTS)
OUTPUTS = (
    "aligned.jsonl",
    "aligned.tsv",
    "aligned.tmx",
    "aligned.parquet",
    "parallel.vi",
    "parallel.en",
    "summaries.jsonl",
    "removed.jsonl",
)
TEMP_NAME = re.compile(r"\..+\.tmp-\d+")
# Long sentences: the tiny model's 6-token outputs are then far too short, so
# the translate stage retries them, and the byte comparison covers retries too.
SENTENCES = [
    "Hà Nội là thủ đô của Việt Nam, nơi có hàng nghìn năm lịch sử, nhiều di tích, "
    "bảo tàng và những con phố cổ thu hút du khách trong và ngoài nước.",
    "Hôm nay trời đẹp và nắng ấm, nhiều gia đình đưa con đi chơi công viên, "
    "còn nông dân tranh thủ thu hoạch lúa trước khi mùa mưa bắt đầu.",
    "Giá xăng tăng mạnh trong tháng này, lên mức 25.230 đồng/lít, khiến chi phí "
    "vận chuyển hàng hóa và đi lại của người dân tăng theo.",
    "Công ty tuyển thêm 100 nhân viên cho nhà máy mới ở Bắc Ninh, với mức lương "
    "khởi điểm 8.500.000 đồng mỗi tháng và chế độ bảo hiểm đầy đủ.",
    "Mưa lớn gây ngập lụt ở miền Trung, hàng trăm hộ dân phải sơ tán khẩn cấp "
    "và nhiều tuyến đường bị chia cắt trong nhiều ngày liền.",
]


@pytest.fixture(scope="module")
def config_path(tmp_path_factory: pytest.TempPathFactory, tiny_marian: Path) -> Path:
    """The default configuration with tiny models, one thread each, two documents a batch."""
    path = tmp_path_factory.mktemp("config") / "resume.yaml"
    return tiny_pipeline_config(tiny_marian, path, threads=1, run={"batch_docs": 2})


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("in")
    for i in range(DOCUMENTS):
        first, second = (
            " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in ks) for ks in ((0, 1), (2, 3, 4))
        )
        (folder / f"doc{i:02d}.txt").write_text(
            f"Tin số {i}\n\n{first}\n\n{second}\n\nNgày {i + 1}/3, đội tuyển thắng {i} trận.\n",
            encoding="utf-8",
        )
    return folder


def start(inputs: Path, out: Path, config: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "run",
            str(inputs),
            "-o",
            str(out),
            "--config",
            str(config),
            "--quiet",
        ],
        cwd=REPO,
        env={**os.environ, "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def finished_documents(out: Path) -> int:
    folder = out / "docs"
    return sum(1 for p in folder.glob("*.json")) if folder.is_dir() else 0


def kill_when(proc: subprocess.Popen, out: Path, documents: int | None, rng: random.Random) -> bool:
    """SIGKILL ``proc`` after ``documents`` are written (or a random delay); False if it ended."""
    if documents is None:
        deadline = time.monotonic() + rng.uniform(0.5, 3.0)
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
    else:
        while finished_documents(out) < documents and proc.poll() is None:
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.05))
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True


def half_written(out: Path) -> list[str]:
    """Files under final names that do not parse completely."""
    problems = []
    for path in sorted(out.rglob("*")):
        if path.is_dir() or TEMP_NAME.fullmatch(path.name):
            continue
        try:
            if path.suffix == ".json":
                json.loads(path.read_text(encoding="utf-8"))
            elif path.suffix == ".jsonl":
                for line in path.read_text(encoding="utf-8").splitlines():
                    json.loads(line)
            elif path.suffix == ".tmx":
                read_tmx(path)
            elif path.suffix == ".tsv":
                list(read_tsv(path))
            elif path.suffix == ".parquet":
                import pyarrow.parquet as pq

                pq.read_table(path)
        except Exception as e:  # noqa: BLE001 - any parse failure is what we look for
            problems.append(f"{path.relative_to(out)}: {type(e).__name__}: {e}")
    return problems


def relative_files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, inputs: Path, config_path: Path) -> Path:
    out = tmp_path_factory.mktemp("reference")
    proc = start(inputs, out, config_path)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr.decode()
    return out


@pytest.fixture(scope="module")
def resumed(tmp_path_factory: pytest.TempPathFactory, inputs: Path, config_path: Path, reference):
    """Kill, check, rerun.

    Returns:
        The output folder, the documents finished at each kill, and the
        half-written files seen after any kill.
    """
    out = tmp_path_factory.mktemp("killed")
    rng = random.Random(SEED)
    kills, problems = [], []
    for documents in KILL_AFTER:
        proc = start(inputs, out, config_path)
        if not kill_when(proc, out, documents, rng):
            break
        kills.append(finished_documents(out))
        problems += [f"after kill {len(kills)}: {p}" for p in half_written(out)]
    proc = start(inputs, out, config_path)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr.decode()
    return out, kills, problems


def test_killed_at_least_five_times_mid_run(resumed) -> None:
    _, kills, _ = resumed
    assert len(kills) >= 5
    assert len({k for k in kills if 0 < k < DOCUMENTS}) >= 3, kills


def test_no_half_written_file_after_any_kill(resumed) -> None:
    _, _, problems = resumed
    assert problems == []


def test_no_temporary_files_left(resumed) -> None:
    out, _, _ = resumed
    assert [p.name for p in out.rglob(".*")] == []


def test_same_files_as_uninterrupted_run(resumed, reference: Path) -> None:
    out, _, _ = resumed
    assert relative_files(out) == relative_files(reference)


@pytest.mark.parametrize("name", OUTPUTS)
def test_corpus_file_byte_identical(resumed, reference: Path, name: str) -> None:
    out, _, _ = resumed
    assert (out / name).read_bytes() == (reference / name).read_bytes()


def test_document_files_byte_identical(resumed, reference: Path) -> None:
    out, _, _ = resumed
    names = sorted(p.name for p in (reference / "docs").glob("*.json"))
    assert len(names) == DOCUMENTS
    for name in names:
        assert (out / "docs" / name).read_bytes() == (reference / "docs" / name).read_bytes(), name


def rerun(inputs: Path, out: Path, config: Path, *extra: str) -> dict:
    result = CliRunner().invoke(
        app, ["run", str(inputs), "-o", str(out), "--config", str(config), "--quiet", *extra]
    )
    assert result.exit_code == 0, result.output
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture
def finished_copy(resumed, tmp_path: Path) -> Path:
    out, _, _ = resumed
    shutil.copytree(out, tmp_path / "out")
    return tmp_path / "out"


def test_rerun_skips_finished_documents(finished_copy: Path, inputs, config_path, reference):
    manifest = rerun(inputs, finished_copy, config_path)
    assert (manifest["counts"]["processed"], manifest["counts"]["skipped"]) == (0, DOCUMENTS)
    assert (finished_copy / "aligned.jsonl").read_bytes() == (
        reference / "aligned.jsonl"
    ).read_bytes()


def test_force_redoes_finished_documents(finished_copy: Path, inputs, config_path, reference):
    manifest = rerun(inputs, finished_copy, config_path, "--force")
    assert (manifest["counts"]["processed"], manifest["counts"]["skipped"]) == (DOCUMENTS, 0)
    assert (finished_copy / "aligned.jsonl").read_bytes() == (
        reference / "aligned.jsonl"
    ).read_bytes()


def test_changed_config_redoes_finished_documents(finished_copy: Path, inputs, config_path):
    manifest = rerun(inputs, finished_copy, config_path, "--set", "translate.max_new_tokens=3")
    assert (manifest["counts"]["processed"], manifest["counts"]["skipped"]) == (DOCUMENTS, 0)
    assert manifest["config"]["translate"]["max_new_tokens"] == 3
    stored = json.loads((finished_copy / "docs" / "doc00.json").read_text(encoding="utf-8"))
    assert stored["config_hash"] == manifest["config_hash"]


def test_reference_run_exercised_the_retry(reference: Path) -> None:
    """The random model's outputs are degenerate, so the byte comparison covers retries too."""
    manifest = json.loads((reference / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["quality"]["retried"] > 0
