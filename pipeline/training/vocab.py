"""Train the sentencepiece vocabulary and write MarianTokenizer files.

``MarianTokenizer`` maps pieces to ids through ``vocab.json``, not through the
spm model, so the spm is trained with Marian's special pieces at fixed ids
(``<pad>`` 0, ``</s>`` 1, ``<unk>`` 2, no BOS) and ``vocab.json`` is written
from the spm in id order: both then agree on every id, which also lets the
training loop encode with spm directly (and sample for subword regularization).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from pathlib import Path

from pipeline.training.settings import VocabSettings

PAD_ID, EOS_ID, UNK_ID = 0, 1, 2
SPECIAL_PIECES = {"pad": "<pad>", "eos": "</s>", "unk": "<unk>"}


def train_spm(
    texts: Iterable[str],
    settings: VocabSettings,
    prefix: Path,
    seed: int,
    user_symbols: Sequence[str] = (),
) -> Path:
    """Train a unigram sentencepiece model on ``texts`` and return the ``.model`` path.

    Args:
        texts: sentences of every language the vocabulary must cover.
        settings: vocabulary size, coverage and sample size.
        prefix: output path without suffix (``prefix.model`` is written).
        seed: decides which sentences are sampled when there are too many.
        user_symbols: strings that must each be one piece (placeholder tokens).

    Returns:
        The path of the trained model.
    """
    import sentencepiece as spm

    lines = [t for t in texts if t.strip()]
    if len(lines) > settings.max_sentences:
        lines = random.Random(seed).sample(lines, settings.max_sentences)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    text_file = prefix.with_suffix(".txt")
    text_file.write_text("\n".join(t.replace("\n", " ") for t in lines) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(text_file),
        model_prefix=str(prefix),
        model_type="unigram",
        vocab_size=settings.size,
        character_coverage=settings.character_coverage,
        pad_id=PAD_ID,
        eos_id=EOS_ID,
        unk_id=UNK_ID,
        bos_id=-1,
        pad_piece=SPECIAL_PIECES["pad"],
        eos_piece=SPECIAL_PIECES["eos"],
        unk_piece=SPECIAL_PIECES["unk"],
        hard_vocab_limit=False,
        # Digits one by one: numbers are copied more reliably than as learned chunks.
        split_digits=True,
        byte_fallback=False,
        user_defined_symbols=list(user_symbols),
        num_threads=1,
        minloglevel=2,
    )
    return prefix.with_suffix(".model")


def load_spm(model_file: Path):
    """Load a trained sentencepiece model (``SentencePieceProcessor``)."""
    import sentencepiece as spm

    return spm.SentencePieceProcessor(model_file=str(model_file))


def seed_sampling(seed: int) -> None:
    """Make sentencepiece's subword sampling reproducible across runs."""
    import sentencepiece as spm

    spm.set_random_generator_seed(seed)


def write_tokenizer_files(
    model_file: Path, out_dir: Path, *, source_lang: str, target_lang: str, max_length: int
) -> None:
    """Write ``source.spm``, ``target.spm``, ``vocab.json`` and ``tokenizer_config.json``.

    The files are produced by ``MarianTokenizer.save_pretrained`` itself, so
    they stay in the format the installed transformers reads.

    Args:
        model_file: the shared spm model (used for both sides).
        out_dir: the model directory.
        source_lang: e.g. ``"vi"``.
        target_lang: e.g. ``"en"``.
        max_length: the tokenizer's ``model_max_length``.
    """
    from transformers import MarianTokenizer

    sp = load_spm(model_file)
    out_dir.mkdir(parents=True, exist_ok=True)
    vocab_file = out_dir / "vocab.json"
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    vocab_file.write_text(json.dumps(vocab, ensure_ascii=False, indent=1), encoding="utf-8")
    tokenizer = MarianTokenizer(
        source_spm=str(model_file),
        target_spm=str(model_file),
        vocab=str(vocab_file),
        source_lang=source_lang,
        target_lang=target_lang,
        model_max_length=max_length,
        additional_special_tokens=[],
    )
    tokenizer.save_pretrained(str(out_dir))


def encode_pairs(
    sp, pairs: list[tuple[str, str]], *, max_source: int, max_target: int, alpha: float = 0.0
) -> list[tuple[list[int], list[int]]]:
    """Encode (source, target) texts to id lists ending in ``</s>``, truncated to the limits.

    Args:
        sp: the shared ``SentencePieceProcessor``.
        pairs: (source, target) texts.
        max_source: longest source in tokens, ``</s>`` included.
        max_target: longest target in tokens, ``</s>`` included.
        alpha: > 0 samples a segmentation per call (subword regularization,
            Kudo 2018, arXiv:1804.10959) instead of the best one.

    Returns:
        One (source ids, target ids) per pair.
    """
    options = {"enable_sampling": True, "alpha": alpha, "nbest_size": -1} if alpha > 0 else {}
    src = sp.encode([s for s, _ in pairs], **options)
    tgt = sp.encode([t for _, t in pairs], **options)
    return [
        (s[: max_source - 1] + [EOS_ID], t[: max_target - 1] + [EOS_ID])
        for s, t in zip(src, tgt, strict=True)
    ]
