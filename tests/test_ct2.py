"""The CTranslate2 backend against the transformers one, on tiny random models."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import tiny_models
from tiny_models import tiny_pipeline_config
from typer.testing import CliRunner

from pipeline.adapters.base import Generation, weights_checksum
from pipeline.adapters.convert import (
    cache_root,
    conversion_metadata,
    convert_model,
    default_output,
)
from pipeline.adapters.loading import clear_cache, load_adapter
from pipeline.cli import app
from pipeline.errors import ConfigError
from pipeline.settings import GenerationSettings

ctranslate2 = pytest.importorskip("ctranslate2")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
TEXTS = [
    "Hà Nội là thủ đô của Việt Nam.",
    "Xin chào",
    "Chính phủ công bố kế hoạch kinh tế mới cho thành phố Hồ Chí Minh.",
]
GREEDY = {"num_beams": 1, "max_new_tokens": 6}
BEAM = {"num_beams": 3, "max_new_tokens": 6}
CT2 = {"backend": "ctranslate2", "compute_type": "float32"}

# (fixture, family)
FAMILIES = [
    ("ct2_marian", "marian"),
    ("ct2_marian_trained_pad", "marian"),
    ("ct2_nllb", "nllb"),
    ("ct2_mbart50", "mbart"),
    ("ct2_mbart25", "mbart"),
    ("ct2_m2m100", "m2m100"),
    ("ct2_t5", "t5"),
    ("ct2_bart", "bart"),
]
FAMILY_IDS = [fixture.removeprefix("ct2_") for fixture, _ in FAMILIES]


@pytest.fixture(scope="module", autouse=True)
def user_cache(tmp_path_factory) -> Path:
    """This module's conversions go to a temporary user cache, never ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        cache = tmp_path_factory.mktemp("xdg-cache")
        patch.setenv("XDG_CACHE_HOME", str(cache))
        yield cache


def copy_model(source: Path, dest: Path) -> Path:
    """A private copy: its own folder, so its own conversions in the cache."""
    return Path(shutil.copytree(source, dest, ignore=shutil.ignore_patterns("ct2-*", ".ct2-*")))


def conversion_of(model: Path, quantization: str | None = None) -> Path:
    """Where the cache keeps the conversion of ``model``'s current weights."""
    return default_output(str(model), weights_checksum(model), quantization)


@pytest.fixture(scope="module")
def ct2_marian(tmp_path_factory, tiny_marian):
    return copy_model(tiny_marian, tmp_path_factory.mktemp("ct2") / "marian")


@pytest.fixture(scope="module")
def ct2_nllb(tmp_path_factory, tiny_nllb):
    return copy_model(tiny_nllb, tmp_path_factory.mktemp("ct2") / "nllb")


@pytest.fixture(scope="module")
def ct2_m2m100(tmp_path_factory, tiny_m2m100):
    return copy_model(tiny_m2m100, tmp_path_factory.mktemp("ct2") / "m2m100")


@pytest.fixture(scope="module")
def ct2_t5(tmp_path_factory, tiny_t5):
    return copy_model(tiny_t5, tmp_path_factory.mktemp("ct2") / "t5")


@pytest.fixture(scope="module")
def ct2_bart(tmp_path_factory, tiny_bart):
    return copy_model(tiny_bart, tmp_path_factory.mktemp("ct2") / "bart")


@pytest.fixture(scope="module")
def ct2_marian_trained_pad(tmp_path_factory, tiny_marian):
    """Marian as this project trains it: a non-zero <pad> embedding (the decoder start)
    and <pad> banned from outputs by the generation config."""
    from safetensors.torch import load_file, save_file
    from transformers import GenerationConfig

    path = copy_model(tiny_marian, tmp_path_factory.mktemp("ct2") / "marian-trained-pad")
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    pad = config["pad_token_id"]
    weights = load_file(path / "model.safetensors")
    for name, tensor in weights.items():
        if name.endswith("shared.weight") or name.endswith("embed_tokens.weight"):
            tensor[pad] = 0.5
    save_file(weights, path / "model.safetensors", metadata={"format": "pt"})
    generation = GenerationConfig.from_pretrained(path)
    generation.bad_words_ids = [[pad]]
    generation.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def ct2_mbart50(tmp_path_factory, tiny_mbart50):
    from transformers import AutoTokenizer

    path = copy_model(tiny_mbart50, tmp_path_factory.mktemp("ct2") / "mbart50")
    # Built from sentencepiece alone under transformers 5, the tiny tokenizer has
    # no <s>, which CTranslate2 stores as a string; hub mBART-50 tokenizers have it.
    tokenizer = AutoTokenizer.from_pretrained(path)
    tokenizer.bos_token = "<s>"
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def ct2_mbart25(tmp_path_factory):
    return tiny_models.build_tiny_mbart50(
        tmp_path_factory.mktemp("ct2") / "mbart25", tokenizer_class="MBartTokenizer"
    )


def adapters(request, fixture: str, **settings):
    """The transformers and CTranslate2 adapters of one tiny model."""
    model = str(request.getfixturevalue(fixture))
    torch_adapter = load_adapter(GenerationSettings(model=model, **settings))
    ct2_adapter = load_adapter(GenerationSettings(model=model, **settings, **CT2))
    return torch_adapter, ct2_adapter


@pytest.mark.parametrize(("fixture", "family"), FAMILIES, ids=FAMILY_IDS)
def test_generate_batch_gives_one_scored_text_per_input(request, fixture, family):
    _, adapter = adapters(request, fixture, num_beams=2, max_new_tokens=6)

    generations = adapter.generate_batch(TEXTS)

    assert adapter.family == family
    assert len(generations) == len(TEXTS)
    assert all(isinstance(g, Generation) and isinstance(g.text, str) for g in generations)
    assert all(isinstance(g.score, float) and g.score <= 0 for g in generations)


@pytest.mark.parametrize(("fixture", "family"), FAMILIES, ids=FAMILY_IDS)
def test_greedy_float32_equals_transformers(request, fixture, family):
    torch_adapter, ct2_adapter = adapters(request, fixture, **GREEDY)

    expected = torch_adapter.generate_batch(TEXTS)
    got = ct2_adapter.generate_batch(TEXTS)

    assert [g.text for g in got] == [g.text for g in expected]
    assert [g.score for g in got] == pytest.approx([g.score for g in expected], abs=0.01)


@pytest.mark.parametrize(("fixture", "family"), FAMILIES, ids=FAMILY_IDS)
def test_beam_search_float32_equals_transformers(request, fixture, family):
    torch_adapter, ct2_adapter = adapters(request, fixture, **BEAM)

    expected = torch_adapter.generate_batch(TEXTS)

    assert [g.text for g in ct2_adapter.generate_batch(TEXTS)] == [g.text for g in expected]


@pytest.mark.parametrize(("fixture", "family"), FAMILIES, ids=FAMILY_IDS)
def test_token_counts_and_limit_match_transformers(request, fixture, family):
    torch_adapter, ct2_adapter = adapters(request, fixture, **GREEDY)

    assert ct2_adapter.count_tokens(TEXTS) == torch_adapter.count_tokens(TEXTS)
    assert ct2_adapter.max_input_tokens == torch_adapter.max_input_tokens


@pytest.mark.parametrize("length_penalty", [0.0, 2.0], ids=["no-penalty", "penalty-2"])
def test_score_is_mean_log_prob_whatever_the_length_penalty(ct2_marian, length_penalty):
    """Greedy hypotheses do not depend on the penalty, so neither may their mean log-prob."""
    adapter = load_adapter(GenerationSettings(model=str(ct2_marian), **GREEDY, **CT2))

    plain = adapter.generate_batch(TEXTS, length_penalty=1.0)
    penalized = adapter.generate_batch(TEXTS, length_penalty=length_penalty)

    assert [g.text for g in penalized] == [g.text for g in plain]
    assert [g.score for g in penalized] == pytest.approx([g.score for g in plain], abs=1e-3)


def test_describe_and_signature_name_the_backend(ct2_marian):
    adapter = load_adapter(GenerationSettings(model=str(ct2_marian), **GREEDY, **CT2))

    facts = adapter.describe()

    assert facts["backend"] == "ctranslate2"
    assert facts["compute_type"] == "float32"
    assert facts["family"] == "marian"
    assert facts["checksum"] == weights_checksum(ct2_marian)
    assert Path(facts["converted"]) == conversion_of(ct2_marian)
    assert adapter.signature() == (
        f"adapter:marian|backend:ct2-float32|model:marian@{facts['checksum'][:8]}|beam:1"
    )


def test_auto_compute_type_is_int8_on_cpu(ct2_marian):
    adapter = load_adapter(
        GenerationSettings(model=str(ct2_marian), device="cpu", backend="ctranslate2")
    )

    assert adapter.describe()["compute_type"] == "int8"
    assert len(adapter.generate_batch(TEXTS)) == len(TEXTS)


def test_unknown_compute_type_lists_the_valid_ones(ct2_marian):
    settings = GenerationSettings(model=str(ct2_marian), backend="ctranslate2", compute_type="int4")

    with pytest.raises(ConfigError, match="compute_type 'int4'.*float32"):
        load_adapter(settings)


def test_input_over_max_input_tokens_raises(ct2_marian):
    adapter = load_adapter(GenerationSettings(model=str(ct2_marian), **GREEDY, **CT2))

    with pytest.raises(ValueError, match="exceeds the model limit"):
        adapter.generate_batch([" ".join(["Hà Nội"] * 200)])


@pytest.fixture
def own_marian(tmp_path, tiny_marian) -> Path:
    """A copy this test may retrain and reconvert."""
    return copy_model(tiny_marian, tmp_path / "marian")


def model_bin_mtime(folder: Path) -> int:
    return (folder / "model.bin").stat().st_mtime_ns


def test_second_load_reuses_the_conversion(own_marian):
    settings = GenerationSettings(model=str(own_marian), **GREEDY, **CT2)
    first = load_adapter(settings).backend.converted
    before = model_bin_mtime(first)
    clear_cache()

    second = load_adapter(settings).backend.converted

    assert second == first == conversion_of(own_marian)
    assert model_bin_mtime(second) == before


def test_changed_weights_are_converted_again(own_marian):
    from safetensors.torch import load_file, save_file

    first = convert_model(str(own_marian))
    weights = load_file(own_marian / "model.safetensors")
    name = next(iter(weights))
    weights[name] = weights[name] + 1.0
    save_file(weights, own_marian / "model.safetensors", metadata={"format": "pt"})

    second = convert_model(str(own_marian))

    assert second != first
    assert conversion_metadata(second)["checksum"] == weights_checksum(own_marian)
    assert (second / "model.bin").is_file()
    assert not first.exists()  # the stale conversion is removed


def test_force_converts_again(own_marian):
    first = convert_model(str(own_marian))
    before = model_bin_mtime(first)

    again = convert_model(str(own_marian), force=True)

    assert again == first
    assert model_bin_mtime(again) != before
    assert [p.name for p in first.parent.iterdir()] == [first.name]  # no temporary folders


def test_quantized_conversion_is_cached_apart(own_marian):
    plain = convert_model(str(own_marian))

    quantized = convert_model(str(own_marian), quantization="int8")

    assert quantized.name == f"ct2-int8-{weights_checksum(own_marian)}"
    assert plain.is_dir()
    assert conversion_metadata(quantized)["quantization"] == "int8"


def test_hub_models_convert_under_the_cache_root(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    path = default_output("Helsinki-NLP/opus-mt-vi-en", "0123456789abcdef", "int8")

    assert path == (
        tmp_path
        / "vien"
        / "ct2"
        / "hub"
        / "Helsinki-NLP--opus-mt-vi-en"
        / "ct2-int8-0123456789abcdef"
    )


CACHE_ROOTS = [
    ("config", "/data/ct2", "/xdg", "/data/ct2"),
    ("xdg", None, "/xdg", "/xdg/vien/ct2"),
    ("relative-xdg-ignored", None, "cache", "~/.cache/vien/ct2"),
    ("home", None, "", "~/.cache/vien/ct2"),
]


@pytest.mark.parametrize(
    ("configured", "xdg", "expected"), [c[1:] for c in CACHE_ROOTS], ids=[c[0] for c in CACHE_ROOTS]
)
def test_cache_root(monkeypatch, configured, xdg, expected):
    monkeypatch.setenv("XDG_CACHE_HOME", xdg)

    assert cache_root(configured) == Path(expected).expanduser()


def test_local_models_with_the_same_name_do_not_share_conversions(tmp_path, tiny_marian):
    first = default_output(str(copy_model(tiny_marian, tmp_path / "a" / "m")), "0" * 16, None)
    second = default_output(str(copy_model(tiny_marian, tmp_path / "b" / "m")), "0" * 16, None)

    assert first.parent != second.parent
    assert first.parent.name.startswith("m-") and second.parent.name.startswith("m-")


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``folder`` with its size and modification time."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def read_only_marian(tmp_path, tiny_marian):
    """A model folder nobody may write to (root still can: the tests compare snapshots)."""
    path = copy_model(tiny_marian, tmp_path / "installed" / "marian")
    for item in (path, *path.iterdir()):
        item.chmod(0o555 if item.is_dir() else 0o444)
    yield path
    path.chmod(0o755)


def test_read_only_model_folder_is_never_written(read_only_marian, user_cache):
    before = snapshot(read_only_marian)

    adapter = load_adapter(GenerationSettings(model=str(read_only_marian), **GREEDY, **CT2))

    assert len(adapter.generate_batch(TEXTS)) == len(TEXTS)
    assert snapshot(read_only_marian) == before
    assert adapter.backend.converted == conversion_of(read_only_marian)
    assert adapter.backend.converted.is_relative_to(user_cache / "vien" / "ct2")


def test_configured_cache_is_used(tmp_path, own_marian):
    settings = GenerationSettings(
        model=str(own_marian), ct2_cache=str(tmp_path / "my-cache"), **GREEDY, **CT2
    )

    adapter = load_adapter(settings)

    assert adapter.backend.converted.is_relative_to(tmp_path / "my-cache")
    assert (adapter.backend.converted / "model.bin").is_file()
    assert "ct2_cache" not in settings.model_dump()  # no part of the config hash


def test_old_conversions_beside_the_model_are_left_alone(own_marian):
    old = own_marian / "ct2-0123456789abcdef"
    old.mkdir()
    (old / "vien-conversion.json").write_text("{}", encoding="utf-8")

    converted = convert_model(str(own_marian))

    assert old.is_dir()
    assert not converted.is_relative_to(own_marian)


def test_unwritable_cache_is_a_config_error(tmp_path, own_marian):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")

    with pytest.raises(ConfigError, match="set ct2_cache"):
        convert_model(str(own_marian), cache=blocker / "cache")


def test_convert_command_writes_a_usable_folder(tmp_path, ct2_marian):
    out = tmp_path / "marian-int8"

    result = CliRunner().invoke(
        app, ["convert", str(ct2_marian), "--out", str(out), "--quantization", "int8"]
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    assert (out / "model.bin").is_file() and (out / "vocab.json").is_file()
    assert conversion_metadata(out)["quantization"] == "int8"
    translator = ctranslate2.Translator(str(out))
    assert len(translator.translate_batch([["▁H", "à", "</s>"]], max_decoding_length=3)) == 1


def test_convert_command_rejects_an_unknown_quantization(tmp_path, ct2_marian):
    result = CliRunner().invoke(
        app, ["convert", str(ct2_marian), "--out", str(tmp_path), "--quantization", "int3"]
    )

    assert result.exit_code == 2
    assert "unknown quantization 'int3'; valid: int8" in result.stderr


def test_convert_command_leaves_an_unrelated_folder_alone(tmp_path, ct2_marian):
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")

    result = CliRunner().invoke(app, ["convert", str(ct2_marian), "--out", str(tmp_path)])

    assert result.exit_code == 2
    assert "is not a CTranslate2 conversion" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_convert_help_has_an_example():
    result = CliRunner().invoke(app, ["convert", "--help"])

    assert result.exit_code == 0
    assert "Example:" in result.output


@pytest.fixture(scope="module")
def tiny_config(tmp_path_factory, ct2_marian) -> Path:
    """The default configuration with the bundled models swapped for a tiny random one."""
    path = tmp_path_factory.mktemp("ct2-config") / "tiny.yaml"
    return tiny_pipeline_config(ct2_marian, path, run={"batch_docs": 2})


def run_seeds(out: Path, config: Path, *overrides: str):
    sets = [arg for override in overrides for arg in ("--set", override)]
    return CliRunner().invoke(
        app, ["run", str(SEEDS), "-o", str(out), "--config", str(config), "--quiet", *sets]
    )


def test_run_with_ctranslate2_backend_aligns_like_transformers(tmp_path, tiny_config):
    torch_result = run_seeds(tmp_path / "torch", tiny_config)
    ct2_result = run_seeds(
        tmp_path / "ct2",
        tiny_config,
        "translate.backend=ctranslate2",
        "translate.compute_type=float32",
    )

    assert torch_result.exit_code == 0, torch_result.output
    assert ct2_result.exit_code == 0, ct2_result.output
    lines = {
        name: (tmp_path / name / "parallel.en").read_text(encoding="utf-8").split("\n")
        for name in ("torch", "ct2")
    }
    rows = (tmp_path / "ct2" / "aligned.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines["ct2"]) == len(lines["torch"]) == len(rows) + 1
    assert lines["ct2"] == lines["torch"]  # float32 greedy: the same translations
    manifest = json.loads((tmp_path / "ct2" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["models"]["translate"]["backend"] == "ctranslate2"
