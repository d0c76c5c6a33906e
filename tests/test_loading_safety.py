"""Loading a model never runs code from it: no pickle weights unless allowed, no remote code.

``pytorch_model.bin`` is a pickle, and unpickling can execute anything the
file's author wrote into it; ``trust_remote_code`` would import Python files
shipped with the model. Both backends (transformers, and the CTranslate2
conversion, which loads the model through transformers) must refuse.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.adapters.loading import clear_cache, load_adapter
from pipeline.errors import ConfigError, ModelNotFoundError
from pipeline.settings import GenerationSettings

BACKENDS = [
    pytest.param({"backend": "transformers"}, id="transformers"),
    pytest.param({"backend": "ctranslate2", "compute_type": "float32"}, id="ctranslate2"),
]
FAST = {"num_beams": 1, "max_new_tokens": 4}


@pytest.fixture(autouse=True)
def fresh_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Every test loads its model anew, converting into its own cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def pickle_only_marian(tmp_path: Path, tiny_marian: Path) -> Path:
    """The tiny model with its weights as ``pytorch_model.bin`` only."""
    import torch
    from safetensors.torch import load_file

    path = Path(shutil.copytree(tiny_marian, tmp_path / "pickled", ignore=_conversions))
    torch.save(load_file(path / "model.safetensors"), path / "pytorch_model.bin")
    (path / "model.safetensors").unlink()
    return path


def _conversions(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n.startswith(("ct2-", ".ct2-"))]


def needs_backend(backend: dict) -> None:
    if backend["backend"] == "ctranslate2":
        pytest.importorskip("ctranslate2")


@pytest.mark.parametrize("backend", BACKENDS)
def test_pickle_weights_are_refused_by_default(pickle_only_marian: Path, backend: dict) -> None:
    needs_backend(backend)
    settings = GenerationSettings(model=str(pickle_only_marian), **FAST, **backend)

    with pytest.raises(ModelNotFoundError, match="set allow_pickle_weights: true"):
        load_adapter(settings)


@pytest.mark.parametrize("backend", BACKENDS)
def test_pickle_weights_load_when_allowed(pickle_only_marian: Path, backend: dict) -> None:
    needs_backend(backend)
    settings = GenerationSettings(
        model=str(pickle_only_marian), allow_pickle_weights=True, **FAST, **backend
    )

    adapter = load_adapter(settings)

    assert len(adapter.generate_batch(["Hà Nội là thủ đô.", "Xin chào"])) == 2


def test_allowing_pickles_is_recorded_in_the_config(pickle_only_marian: Path) -> None:
    settings = GenerationSettings(model=str(pickle_only_marian), allow_pickle_weights=True)

    assert settings.model_dump()["allow_pickle_weights"] is True


@pytest.fixture
def remote_code_marian(tmp_path: Path, tiny_marian: Path) -> tuple[Path, Path]:
    """The tiny model whose config asks to import a Python file shipped beside it.

    Importing that file would create ``marker``; the tests check it never exists.
    """
    path = Path(shutil.copytree(tiny_marian, tmp_path / "remote", ignore=_conversions))
    marker = tmp_path / "remote-code-ran"
    (path / "evil.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).touch()\n"
        "from transformers import MarianConfig\n"
        "class EvilConfig(MarianConfig):\n    model_type = 'evil'\n",
        encoding="utf-8",
    )
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    config["model_type"] = "evil"
    config["auto_map"] = {"AutoConfig": "evil.EvilConfig"}
    (path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return path, marker


@pytest.mark.parametrize("backend", BACKENDS)
def test_remote_code_never_runs(remote_code_marian: tuple[Path, Path], backend: dict) -> None:
    needs_backend(backend)
    path, marker = remote_code_marian

    with pytest.raises((ModelNotFoundError, ConfigError)):
        load_adapter(GenerationSettings(model=str(path), **FAST, **backend))

    assert not marker.exists()


@pytest.mark.parametrize("backend", BACKENDS)
def test_remote_code_never_runs_with_the_family_given(
    remote_code_marian: tuple[Path, Path], backend: dict
) -> None:
    """Without family detection, the model and tokenizer loads are what must refuse."""
    needs_backend(backend)
    path, marker = remote_code_marian

    with pytest.raises((ModelNotFoundError, ConfigError)):
        load_adapter(GenerationSettings(model=str(path), family="marian", **FAST, **backend))

    assert not marker.exists()
