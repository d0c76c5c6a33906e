"""Tiny random-weight model folders for tests, built offline.

Each ``build_tiny_*`` function writes a model and its tokenizer with
``save_pretrained`` into ``path`` and returns ``path``, so tests load them
through ``from_pretrained`` exactly as they would a hub model. Tokenizers come
from a sentencepiece model trained on the few lines below; weights are seeded,
so outputs are deterministic.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

# Mixed Vietnamese and English, enough for a few hundred sentencepiece pieces.
CORPUS = [
    "Hà Nội là thủ đô của Việt Nam.",
    "Hanoi is the capital of Vietnam.",
    "Hôm nay trời đẹp và nắng ấm.",
    "The weather is nice and sunny today.",
    "Tôi thích đọc sách vào buổi tối.",
    "I like reading books in the evening.",
    "Chính phủ công bố kế hoạch kinh tế mới.",
    "The government announced a new economic plan.",
    "Học sinh đi học bằng xe đạp.",
    "Students go to school by bicycle.",
    "Thành phố Hồ Chí Minh rất đông người.",
    "Ho Chi Minh City is very crowded.",
    "Giá xăng tăng mạnh trong tháng này.",
    "Petrol prices rose sharply this month.",
    "Bác sĩ khuyên mọi người uống nhiều nước.",
    "Doctors advise everyone to drink more water.",
    "Đội tuyển bóng đá đã thắng trận chung kết.",
    "The football team won the final match.",
    "Mưa lớn gây ngập lụt ở miền Trung.",
    "Heavy rain caused flooding in the central region.",
    "Nông dân thu hoạch lúa vào mùa thu.",
    "Farmers harvest rice in the autumn.",
    "Bảo tàng mở cửa từ thứ hai đến thứ sáu.",
    "The museum is open from Monday to Friday.",
    "Công ty tuyển thêm một trăm nhân viên.",
    "The company is hiring one hundred more employees.",
    "Chúng tôi sẽ gặp nhau vào ngày mai.",
    "We will meet tomorrow.",
    "Xin chào, bạn có khỏe không?",
    "Hello, how are you?",
]

SPM_VOCAB_SIZE = 200
D_MODEL = 16
MAX_POSITIONS = 64
MAX_LENGTH = 8


def train_spm(model_type: str = "unigram", vocab_size: int = SPM_VOCAB_SIZE, **options) -> bytes:
    """Train a sentencepiece model on ``CORPUS`` and return its serialized bytes."""
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(CORPUS),
        model_writer=buffer,
        model_type=model_type,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        num_threads=1,
        minloglevel=2,
        **options,
    )
    return buffer.getvalue()


def _spm_pieces(model: bytes) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _small_generation(model, **fields) -> None:
    """Keep default generation short so random models stop quickly."""
    model.generation_config.max_length = MAX_LENGTH
    model.generation_config.num_beams = 1
    for key, value in fields.items():
        setattr(model.generation_config, key, value)


def build_tiny_marian(path: Path | str, *, target_tags: tuple[str, ...] = ()) -> Path:
    """A MarianMTModel with a shared sentencepiece vocabulary.

    Args:
        path: folder to write into (created if missing).
        target_tags: language codes whose ``>>xx<<`` tags join the vocabulary,
            as in OPUS-MT multi-target models.

    Returns:
        ``path`` as a ``Path``.
    """
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    spm_model = train_spm()
    (path / "source.spm").write_bytes(spm_model)
    (path / "target.spm").write_bytes(spm_model)
    # OPUS-MT layout: </s> and <unk> first, tags next, <pad> last.
    pieces = [p for p in _spm_pieces(spm_model) if p not in ("<s>", "</s>", "<unk>")]
    tokens = ["</s>", "<unk>", *(f">>{t}<<" for t in target_tags), *pieces, "<pad>"]
    vocab = {token: i for i, token in enumerate(tokens)}
    (path / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(
        source_spm=str(path / "source.spm"),
        target_spm=str(path / "target.spm"),
        vocab=str(path / "vocab.json"),
        source_lang="vi",
        target_lang="en",
        model_max_length=MAX_POSITIONS,
    )
    tokenizer.save_pretrained(path)

    pad_id = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab),
        d_model=D_MODEL,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        max_position_embeddings=MAX_POSITIONS,
        pad_token_id=pad_id,
        eos_token_id=vocab["</s>"],
        decoder_start_token_id=pad_id,
        forced_eos_token_id=vocab["</s>"],
    )
    torch.manual_seed(0)
    model = MarianMTModel(config)
    _small_generation(model, decoder_start_token_id=pad_id, pad_token_id=pad_id)
    model.save_pretrained(path)
    return path


def _fairseq_tokenizer(tokenizer_class, path: Path, spm_model: bytes, **kwargs):
    """Load a fast tokenizer converted from ``sentencepiece.bpe.model`` and save it in ``path``."""
    (path / "sentencepiece.bpe.model").write_bytes(spm_model)
    tokenizer = tokenizer_class.from_pretrained(path, model_max_length=MAX_POSITIONS, **kwargs)
    tokenizer.save_pretrained(path)
    return tokenizer


def _bart_style(tokenizer, **overrides) -> dict:
    """Config arguments shared by BART, mBART and M2M100/NLLB: tiny sizes, the tokenizer's ids."""
    arguments = {
        "vocab_size": len(tokenizer),
        "d_model": D_MODEL,
        "encoder_layers": 1,
        "decoder_layers": 1,
        "encoder_attention_heads": 2,
        "decoder_attention_heads": 2,
        "encoder_ffn_dim": 32,
        "decoder_ffn_dim": 32,
        "max_position_embeddings": MAX_POSITIONS,
        "pad_token_id": tokenizer.pad_token_id,
        "bos_token_id": tokenizer.bos_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        "decoder_start_token_id": tokenizer.eos_token_id,
        "forced_eos_token_id": tokenizer.eos_token_id,
    }
    arguments.update(overrides)
    return arguments


def _save_model(model_class, config, path: Path) -> Path:
    import torch

    torch.manual_seed(0)
    model = model_class(config)
    _small_generation(model)
    model.save_pretrained(path)
    return path


def build_tiny_nllb(path: Path | str) -> Path:
    """An NLLB-style M2M100 model with an ``NllbTokenizer`` knowing all NLLB language codes."""
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    # Converted from sentencepiece alone, the tokenizer lacks the language codes
    # that hub checkpoints store in tokenizer.json, so they are given here.
    tokenizer = _fairseq_tokenizer(
        NllbTokenizer,
        path,
        train_spm("bpe"),
        extra_special_tokens=list(FAIRSEQ_LANGUAGE_CODES),
        src_lang="vie_Latn",
    )
    config = M2M100Config(**_bart_style(tokenizer))
    return _save_model(M2M100ForConditionalGeneration, config, path)


def build_tiny_mbart50(path: Path | str, *, tokenizer_class: str = "MBart50Tokenizer") -> Path:
    """An mBART model with an mBART-50 tokenizer (as vinai-translate-vi2en-v2).

    Args:
        path: folder to write into (created if missing).
        tokenizer_class: ``"MBart50Tokenizer"``, or ``"MBartTokenizer"`` for an
            mBART-25 style model that starts decoding with the target code
            (as facebook/mbart-large-en-ro), here ``en_XX``.

    Returns:
        ``path`` as a ``Path``.
    """
    import transformers
    from transformers import MBartConfig, MBartForConditionalGeneration

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    tokenizer = _fairseq_tokenizer(
        getattr(transformers, tokenizer_class), path, train_spm(), src_lang="vi_VN"
    )
    overrides = {}
    if tokenizer_class == "MBartTokenizer":
        overrides["decoder_start_token_id"] = tokenizer.convert_tokens_to_ids("en_XX")
    config = MBartConfig(**_bart_style(tokenizer, **overrides))
    return _save_model(MBartForConditionalGeneration, config, path)


def build_tiny_m2m100(path: Path | str) -> Path:
    """An M2M100 model with the sentencepiece ``M2M100Tokenizer`` (vocab.json + spm)."""
    from transformers import M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    spm_model = train_spm()
    (path / "sentencepiece.bpe.model").write_bytes(spm_model)
    pieces = [p for p in _spm_pieces(spm_model) if p not in ("<s>", "</s>", "<unk>")]
    tokens = ["<s>", "<pad>", "</s>", "<unk>", *pieces]
    vocab = {token: i for i, token in enumerate(tokens)}
    (path / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = M2M100Tokenizer(
        vocab_file=str(path / "vocab.json"),
        spm_file=str(path / "sentencepiece.bpe.model"),
        src_lang="vi",
        tgt_lang="en",
        model_max_length=MAX_POSITIONS,
    )
    # Built directly, transformers 5 does not mark the language tokens special
    # (so decoding keeps "__en__"); hub checkpoints list them, as done here.
    tokenizer.add_special_tokens(
        {"extra_special_tokens": list(tokenizer.lang_token_to_id)},
        replace_extra_special_tokens=False,
    )
    tokenizer.save_pretrained(path)
    # Language tokens follow the vocabulary, then come the made-up words.
    vocab_size = len(vocab) + len(tokenizer.lang_code_to_id) + tokenizer.num_madeup_words
    config = M2M100Config(**_bart_style(tokenizer, vocab_size=vocab_size))
    return _save_model(M2M100ForConditionalGeneration, config, path)


def build_tiny_t5(path: Path | str) -> Path:
    """A T5 model (MADLAD, EnViT5, ViT5 layout) with a T5 sentencepiece tokenizer."""
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    # T5's own id layout: <pad>=0, </s>=1, <unk>=2, no <s>.
    (path / "spiece.model").write_bytes(train_spm(pad_id=0, eos_id=1, unk_id=2, bos_id=-1))
    tokenizer = T5Tokenizer.from_pretrained(path, model_max_length=MAX_POSITIONS)
    tokenizer.save_pretrained(path)
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=D_MODEL,
        d_kv=8,
        d_ff=32,
        num_layers=1,
        num_decoder_layers=1,
        num_heads=2,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
    )
    return _save_model(T5ForConditionalGeneration, config, path)


def build_tiny_bart(path: Path | str) -> Path:
    """A BART model with a byte-level BPE tokenizer (as distilbart-cnn)."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(CORPUS, trainer=trainer)
    trained = json.loads(bpe.to_str())["model"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in trained["merges"]]
    tokenizer = BartTokenizer(vocab=trained["vocab"], merges=merges, model_max_length=MAX_POSITIONS)
    tokenizer.save_pretrained(path)
    config = BartConfig(**_bart_style(tokenizer))
    return _save_model(BartForConditionalGeneration, config, path)


def tiny_pipeline_config(model: Path, path: Path, *, threads: int = 0, **sections: dict) -> Path:
    """Write the default pipeline configuration with ``model`` as every model; return ``path``.

    Translation and a model-made Vietnamese summary (translated into English)
    both use the tiny model, decoding a few greedy tokens, so the whole
    pipeline runs in seconds. ``sections`` replace top-level sections
    (``output={"formats": [...]}``, ``run={...}``, ``engine={...}``).
    """
    import yaml

    repo = Path(__file__).resolve().parent.parent
    data = yaml.safe_load((repo / "configs" / "default.yaml").read_text(encoding="utf-8"))
    fast = {
        "model": str(model),
        "backend": "transformers",
        "num_beams": 1,
        "max_new_tokens": 6,
        "threads": threads,
    }
    data["translate"].update(fast)
    data["summarize"] = {
        "method": "model",
        "vi": {**fast, "min_new_tokens": 1},
        "en": {"mode": "translate"},
    }
    data.update(sections)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def run_seed_and_record(model: Path, root: Path, record: dict) -> Path:
    """``vien run`` over the seed article plus one JSONL ``record``; returns the OUT folder.

    Writes ``jsonl`` and ``html`` outputs with the tiny ``model``; the report
    tests read both.
    """
    import json
    import shutil

    from typer.testing import CliRunner

    from pipeline.cli import app

    repo = Path(__file__).resolve().parent.parent
    seed = repo / "seeds" / "000_fd595707a5dff46e.txt"
    config = tiny_pipeline_config(model, root / "tiny.yaml", output={"formats": ["jsonl", "html"]})
    inputs = root / "in"
    inputs.mkdir()
    shutil.copy(seed, inputs / seed.name)
    (inputs / "extra.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    out = root / "out"
    result = CliRunner().invoke(
        app, ["run", str(inputs), "-o", str(out), "--config", str(config), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    return out
