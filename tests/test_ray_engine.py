"""The Ray engine on a real two-node local cluster writes what the local engine writes."""

from __future__ import annotations

import json
import random
import shutil
import sys
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

import tiny_models  # noqa: E402
from ray.cluster_utils import Cluster  # noqa: E402
from tiny_models import tiny_pipeline_config  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from pipeline.cli import app  # noqa: E402
from pipeline.config import load_config, validate_config  # noqa: E402
from pipeline.engines.ray_engine import RayEngine  # noqa: E402
from pipeline.errors import ConfigError  # noqa: E402
from pipeline.runner import run  # noqa: E402


def run_ray(inputs: list[str], out: Path, config, *, progress: bool, address: str | None = None):
    """The runner on the Ray engine, as ``vien run --engine ray`` calls it."""
    return run(
        inputs, out, config, progress=progress, engine=RayEngine(config.engine, address=address)
    )


REPO = Path(__file__).resolve().parent.parent
DOCUMENTS = 200
CORPUS_FILES = (
    "aligned.jsonl",
    "parallel.vi",
    "parallel.en",
    "aligned.tsv",
    "aligned.tmx",
    "summaries.jsonl",
    "removed.jsonl",
)
# Documents deleted from a finished output to check that resume redoes only them.
REDONE = ("doc007", "doc100", "doc199")


@pytest.fixture(scope="module")
def cluster():
    """A head and one worker node, one logical CPU each, as Ray's testing docs show."""
    cluster = Cluster(
        initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False}
    )
    cluster.add_node(num_cpus=1)
    cluster.wait_for_nodes()
    yield cluster
    cluster.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Documents of 2-3 sentences; sentences repeat across documents (translation cache)."""
    folder = tmp_path_factory.mktemp("corpus")
    vietnamese = tiny_models.CORPUS[::2]
    rng = random.Random(7)
    for i in range(DOCUMENTS):
        sentences = rng.sample(vietnamese, rng.randint(2, 3))
        separator = rng.choice([" ", "\n\n"])
        (folder / f"doc{i:03d}.txt").write_text(separator.join(sentences) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def tiny_config(tmp_path_factory: pytest.TempPathFactory, tiny_marian: Path) -> Path:
    """The default pipeline on the tiny model, sized for a two-CPU test cluster."""
    return tiny_pipeline_config(
        tiny_marian,
        tmp_path_factory.mktemp("config") / "tiny.yaml",
        output={"formats": ["jsonl", "tsv", "moses", "tmx", "summaries", "removed"]},
        run={"batch_docs": 16},
        # Two model actors and the stateless tasks must fit in two logical CPUs.
        engine={"actors": 1, "cpus_per_actor": 0.5, "cpus_per_task": 0.5},
    )


@pytest.fixture(scope="module")
def local_out(tmp_path_factory: pytest.TempPathFactory, corpus: Path, tiny_config: Path) -> Path:
    out = tmp_path_factory.mktemp("local")
    report = run([str(corpus)], out, load_config(tiny_config), progress=False)
    assert report.processed == DOCUMENTS, report.failures
    return out


@pytest.fixture(scope="module")
def ray_run(tmp_path_factory, cluster, corpus: Path, tiny_config: Path):
    out = tmp_path_factory.mktemp("ray")
    args = ["run", str(corpus), "-o", str(out), "-c", str(tiny_config), "--quiet"]
    result = CliRunner().invoke(app, [*args, "--engine", "ray", "--address", cluster.address])
    return result, out


def doc_files(out: Path) -> list[str]:
    return sorted(p.name for p in (out / "docs").glob("*.json"))


def test_ray_run_succeeds(ray_run) -> None:
    result, _ = ray_run
    assert result.exit_code == 0, result.output
    assert f"{DOCUMENTS} processed, 0 skipped, 0 failed" in result.output


@pytest.mark.parametrize("name", CORPUS_FILES, ids=CORPUS_FILES)
def test_corpus_file_is_identical(ray_run, local_out: Path, name: str) -> None:
    _, out = ray_run
    assert (out / name).read_bytes() == (local_out / name).read_bytes()


def test_document_files_are_identical(ray_run, local_out: Path) -> None:
    _, out = ray_run
    names = doc_files(out)
    assert names == doc_files(local_out)
    assert len(names) == DOCUMENTS
    different = [
        n for n in names if (out / "docs" / n).read_bytes() != (local_out / "docs" / n).read_bytes()
    ]
    assert different == []


def test_manifest_names_engine_and_models(ray_run, local_out: Path) -> None:
    _, out = ray_run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    local = json.loads((local_out / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["engine"], local["engine"]) == ("ray", "local")
    assert manifest["signature"] == local["signature"]
    assert manifest["models"] == local["models"]
    assert manifest["documents"] == local["documents"]


def test_resume_redoes_only_missing_documents(
    tmp_path: Path, cluster, ray_run, local_out: Path, corpus: Path, tiny_config: Path
) -> None:
    _, finished = ray_run
    out = tmp_path / "out"
    shutil.copytree(finished, out)
    for name in REDONE:
        (out / "docs" / f"{name}.json").unlink()
    report = run_ray(
        [str(corpus)], out, load_config(tiny_config), progress=False, address=cluster.address
    )
    assert (report.processed, report.skipped) == (len(REDONE), DOCUMENTS - len(REDONE))
    for name in (*CORPUS_FILES, *(f"docs/{n}.json" for n in REDONE)):
        assert (out / name).read_bytes() == (local_out / name).read_bytes(), name


def test_finished_output_needs_no_cluster(
    tmp_path: Path, ray_run, corpus: Path, tiny_config: Path
) -> None:
    _, finished = ray_run
    out = tmp_path / "out"
    shutil.copytree(finished, out)
    report = run_ray([str(corpus)], out, load_config(tiny_config), progress=False)
    assert (report.processed, report.skipped) == (0, DOCUMENTS)
    assert not ray.is_initialized()
    assert (out / "aligned.jsonl").read_bytes() == (finished / "aligned.jsonl").read_bytes()


def test_address_needs_ray_engine(tmp_path: Path, corpus: Path) -> None:
    result = CliRunner().invoke(
        app, ["run", str(corpus), "-o", str(tmp_path), "--address", "auto", "--quiet"]
    )
    assert result.exit_code == 2
    assert "--address needs --engine ray" in result.output


def test_missing_ray_gives_install_hint(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    config = validate_config({"pipeline": ["normalize", "segment"]})
    with pytest.raises(ConfigError, match=r"pip install 'vien\[ray\]'"):
        run_ray([str(corpus / "doc000.txt")], tmp_path, config, progress=False)


def test_engine_section_does_not_change_config_hash() -> None:
    base = {"pipeline": ["normalize", "segment"]}
    sized = {**base, "engine": {"actors": 4, "gpus_per_actor": 0.5}}
    assert validate_config(sized).hash() == validate_config(base).hash()
    assert validate_config(sized).engine.actors == 4


def test_engine_section_rejects_unknown_keys() -> None:
    with pytest.raises(ConfigError, match=r"engine\.workers: unknown key"):
        validate_config({"pipeline": ["normalize"], "engine": {"workers": 2}})
