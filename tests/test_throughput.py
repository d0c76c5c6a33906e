"""Speed without changed results: pad-free batches, document passes, the compute floor."""

from __future__ import annotations

import io
import json
import math
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tiny_models import tiny_pipeline_config
from typer.testing import CliRunner

from pipeline.adapters.loading import clear_cache, load_adapter
from pipeline.batching import document_passes
from pipeline.cli import app
from pipeline.flops import ModelWork, model_flops
from pipeline.generation import BatchedGenerator
from pipeline.settings import GenerationSettings

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_fd595707a5dff46e.txt"
# Sentences of many token lengths, some sharing one, and a repeat.
SENTENCES = [
    "Hà Nội là thủ đô của Việt Nam.",
    "Xin chào",
    "Chính phủ công bố kế hoạch kinh tế mới cho thành phố Hồ Chí Minh.",
    "Giá vàng hôm nay tăng 200.000 đồng mỗi lượng.",
    "Tôi đi học.",
    "Bạn khỏe không?",
    "Ngày 6/3/2024, Bộ Y tế họp.",
    "Xin chào",
]


@pytest.fixture(scope="module", autouse=True)
def user_cache(tmp_path_factory: pytest.TempPathFactory):
    """This module's CTranslate2 conversions go to a temporary user cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield
    clear_cache()


def docs(*sizes: int) -> list[SimpleNamespace]:
    return [SimpleNamespace(n=i, segments=[0] * size) for i, size in enumerate(sizes)]


@pytest.mark.parametrize(
    ("sizes", "min_docs", "min_segments", "expected"),
    [
        ((1,) * 7, 2, 3, [[0, 1, 2], [3, 4, 5], [6]]),
        ((10, 10, 10, 10, 10), 2, 3, [[0, 1], [2, 3], [4]]),
        ((0,) * 5, 1, 2, [[0, 1], [2, 3], [4]]),
        ((5, 1, 1, 1), 1, 4, [[0], [1, 2, 3]]),
    ],
    ids=["one-sentence-documents", "long-documents", "no-segments-capped", "mixed"],
)
def test_document_passes(sizes, min_docs, min_segments, expected) -> None:
    passes = document_passes(docs(*sizes), min_docs=min_docs, min_segments=min_segments)
    assert [[d.n for d in p] for p in passes] == expected


@given(st.lists(st.integers(0, 30), max_size=40), st.integers(1, 8), st.integers(1, 60))
def test_document_passes_keep_every_document_in_order(sizes, min_docs, min_segments) -> None:
    passes = list(document_passes(docs(*sizes), min_docs=min_docs, min_segments=min_segments))
    assert [d.n for p in passes for d in p] == list(range(len(sizes)))
    assert all(len(p) <= max(min_docs, min_segments) for p in passes)


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_a_sentence_translates_the_same_alone_or_in_any_batch(tiny_marian, backend) -> None:
    settings = GenerationSettings(
        model=str(tiny_marian), backend=backend, device="cpu", num_beams=3, max_new_tokens=8
    )
    adapter = load_adapter(settings)
    together = BatchedGenerator(adapter, batch_tokens=4096, cache=False).run(SENTENCES)
    alone = [
        BatchedGenerator(adapter, batch_tokens=4096, cache=False).run([s])[0] for s in SENTENCES
    ]
    tight = BatchedGenerator(adapter, batch_tokens=16, cache=False).run(SENTENCES)
    assert [(o.text, o.score) for o in together] == [(o.text, o.score) for o in alone]
    assert [(o.text, o.score) for o in together] == [(o.text, o.score) for o in tight]


def run_corpus(tmp_path: Path, name: str, config: Path, *overrides: str) -> Path:
    inputs = tmp_path / "in"
    if not inputs.exists():
        inputs.mkdir()
        shutil.copy(SEED, inputs / SEED.name)
        lines = [
            json.dumps({"id": f"s{i}", "text": t}, ensure_ascii=False)
            for i, t in enumerate(SENTENCES)
        ]
        (inputs / "sentences.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / name
    sets = [arg for override in overrides for arg in ("--set", override)]
    result = CliRunner().invoke(
        app, ["run", str(inputs), "-o", str(out), "--config", str(config), "--quiet", *sets]
    )
    assert result.exit_code == 0, result.output
    return out


def output_files(out: Path) -> dict[str, bytes]:
    """Every file of a run folder but those that hold timings (manifest, HTML report).

    Document files carry the configuration hash, which counts the model
    section's threads (the CTranslate2 case varies them); the rest must match.
    """
    files = {}
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.name not in ("manifest.json", "report.html"):
            data = path.read_bytes()
            if path.parent.name == "docs":
                data = re.sub(rb'"config_hash": "[0-9a-f]+"', b"", data, count=1)
            files[str(path.relative_to(out))] = data
    return files


# Batch size, token budget, pass size and (CTranslate2) workers, smallest and largest.
SMALL = ("run.batch_docs=1", "run.batch_segments=1", "translate.batch_tokens=16")
LARGE = ("run.batch_docs=64", "run.batch_segments=4096", "translate.batch_tokens=8192")


@pytest.mark.parametrize(
    ("backend", "threads"),
    [("transformers", (1, 1)), ("ctranslate2", (1, 2))],
    ids=["transformers", "ctranslate2"],
)
def test_every_output_is_byte_identical_whatever_the_batching(
    tmp_path, tiny_marian, backend, threads
):
    config = tiny_pipeline_config(
        tiny_marian,
        tmp_path / "tiny.yaml",
        translate={
            **_default_translate(),
            "model": str(tiny_marian),
            "backend": backend,
            "num_beams": 3,
            "max_new_tokens": 6,
        },
    )
    small = run_corpus(tmp_path, "small", config, *SMALL, f"translate.threads={threads[0]}")
    large = run_corpus(tmp_path, "large", config, *LARGE, f"translate.threads={threads[1]}")
    small_files, large_files = output_files(small), output_files(large)
    assert sorted(small_files) == sorted(large_files)
    assert {"aligned.jsonl", "aligned.parquet", "aligned.tmx", "parallel.en"} <= set(small_files)
    different = [name for name in small_files if small_files[name] != large_files[name]]
    assert different == []
    manifests = [json.loads((o / "manifest.json").read_text("utf-8")) for o in (small, large)]
    for key in ("signature", "counts", "documents"):
        assert manifests[0][key] == manifests[1][key]
    if threads[0] == threads[1]:  # only batch sizes differ: one hash, so resume keeps documents
        assert manifests[0]["config_hash"] == manifests[1]["config_hash"]
    throughput = manifests[1]["throughput"]
    assert throughput["gflop_per_segment"] > 0 and throughput["gflop_per_second"] > 0


def _default_translate() -> dict:
    import yaml

    data = yaml.safe_load((REPO / "configs" / "default.yaml").read_text(encoding="utf-8"))
    return data["translate"]


def linear_weights(module) -> int:
    import torch

    return sum(m.weight.numel() for m in module.modules() if isinstance(m, torch.nn.Linear))


@pytest.mark.parametrize("fixture", ["tiny_marian", "tiny_t5"])
def test_flops_count_every_weight_matrix(request, fixture) -> None:
    """Without attention terms, the estimate is two operations per weight per token."""
    from transformers import AutoModelForSeq2SeqLM

    model = AutoModelForSeq2SeqLM.from_pretrained(request.getfixturevalue(fixture))
    encoder, decoder = model.get_encoder(), model.get_decoder()
    cross = sum(
        m.weight.numel()
        for name, m in decoder.named_modules()
        if name.endswith(
            ("encoder_attn.k_proj", "encoder_attn.v_proj", "EncDecAttention.k", "EncDecAttention.v")
        )
    )
    head = model.get_output_embeddings().weight.numel()
    source, target = 7, 5
    work = ModelWork(inputs=1, source_tokens=source, beam_source_tokens=source, beam_tokens=target)
    expected = 2 * (
        source * linear_weights(encoder)
        + source * cross
        + target * (linear_weights(decoder) - cross)
        + target * head
    )
    assert model_flops(model.config, work) == pytest.approx(expected)


def test_flops_grow_with_beams_and_inputs() -> None:
    config = {"d_model": 8, "encoder_layers": 1, "decoder_layers": 1, "vocab_size": 20}
    one, beams, twice = ModelWork(), ModelWork(), ModelWork()
    one.add(6, 4, 1)
    beams.add(6, 4, 4)
    twice.add(6, 4, 1)
    twice.add(6, 4, 1)
    assert model_flops(config, twice) == pytest.approx(2 * model_flops(config, one))
    assert model_flops(config, one) < model_flops(config, beams) < 4 * model_flops(config, one)
    assert model_flops({"hidden_size": 8}, one) is None


ROWS = [
    {
        "id": "d/p0/s0",
        "doc_id": "d",
        "paragraph": 0,
        "vi": 'Giá "vàng"\ttăng\n',
        "vi_restored": None,
        "en": "Gold \u2028 up 😀",
        "flags": ["retried", "repetition"],
        "score": -0.1234,
        "start": 0,
        "end": 17,
        "protected": [{"kind": "number", "start": 1, "end": 3, "text": "6/3", "en": "March 6"}],
    },
    {
        "id": "d/p0/s1",
        "doc_id": "d",
        "paragraph": 0,
        "vi": "",
        "en": "",
        "flags": [],
        "score": None,
        "start": 18,
        "end": 18,
        "protected": [],
    },
]


@pytest.mark.parametrize("score", [-0.1234, -math.inf], ids=["finite", "not-finite"])
def test_parquet_rows_write_the_same_bytes_as_from_pylist(score) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from pipeline.writers.parquet import aligned_schema, rows_table

    schema = aligned_schema()
    rows = [{**ROWS[0], "score": score}, ROWS[1]]
    files = []
    for table in (rows_table(rows, schema), pa.Table.from_pylist(rows, schema=schema)):
        buffer = io.BytesIO()
        with pq.ParquetWriter(buffer, schema) as out:
            out.write_table(table)
        files.append(buffer.getvalue())
    assert files[0] == files[1]


class EqualLengthAdapter:
    """One token per word; fails on any batch that mixes input lengths (needs padding)."""

    max_input_tokens = 50

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(t.split()) for t in texts]

    def generate_batch(self, texts: list[str], **options):
        from pipeline.adapters.base import Generation

        assert len(set(self.count_tokens(texts))) == 1, texts
        self.batches.append(list(texts))
        return [Generation(text=t.upper(), score=-1.0, length=len(t.split())) for t in texts]


def test_generator_never_pads_a_batch() -> None:
    adapter = EqualLengthAdapter()
    outputs = BatchedGenerator(adapter, batch_tokens=64).run(SENTENCES)
    assert [o.text for o in outputs] == [s.upper() for s in SENTENCES]
    assert len(adapter.batches) == len({len(s.split()) for s in SENTENCES})


@pytest.mark.slow
def test_bundled_model_translates_a_sentence_the_same_in_any_batch() -> None:
    """The bundled model in int8 on the included test set: in batches of any neighbours, or alone.

    Padded batches made scores depend on a sentence's neighbours (14 of 400
    EVBNews sentences in runs of 16 changed in the fourth digit); these
    sentences happen not to show it, so the generator tests above check the
    mechanism and this one the contract on the real model.
    """
    rows = (REPO / "tests" / "testset" / "vien-testset-v1.jsonl").read_text("utf-8")
    sentences = [
        pair["vi"]
        for line in rows.splitlines()
        for paragraph in json.loads(line)["paragraphs"]
        for pair in paragraph
    ]
    settings = GenerationSettings(
        model=str(REPO / "models" / "vien-translate-vi-en"), backend="ctranslate2", device="cpu"
    )
    adapter = load_adapter(settings)
    generator = BatchedGenerator(adapter, batch_tokens=4096, cache=False)
    # In runs of 16, as the translate stage gets one-sentence documents: mixed lengths.
    together = [
        o for i in range(0, len(sentences), 16) for o in generator.run(sentences[i : i + 16])
    ]
    alone = BatchedGenerator(adapter, batch_tokens=1, cache=False).run(sentences)
    assert [(o.text, o.score) for o in together] == [(o.text, o.score) for o in alone]
