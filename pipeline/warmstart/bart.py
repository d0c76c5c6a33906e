"""Graft the e5 BERT encoder onto ``BartForConditionalGeneration`` with a new decoder.

BART's encoder is BERT's up to three details, handled here:

* both are post-LayerNorm with exact GELU, and ``layernorm_embedding`` plays
  the part of BERT's embedding LayerNorm;
* BART's learned positions are looked up at ``position + 2`` (fairseq's
  padding offset), so BERT's table moves down two rows; BART has no token
  types, so BERT's type-0 row, which every e5 input uses, is folded into
  each position row;
* ``scale_embedding`` is off, as BERT does not scale word embeddings.

BART's LayerNorms have a fixed eps of 1e-5 where e5 used 1e-12; the outputs
differ only where a hidden state's variance is not far above 1e-5.

The vocabulary is shared by encoder, decoder and output layer; the decoder
is randomly initialised.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pipeline.training.vocab import EOS_ID, PAD_ID
from pipeline.warmstart.encoder import LAYER_TENSORS
from pipeline.warmstart.prune import BOS_ID

logger = logging.getLogger(__name__)

BART_POSITION_OFFSET = 2
BART_LAYER_NORM_EPS = 1e-5
# BERT layer submodule -> BART encoder layer submodule.
BART_LAYER_MODULES = {
    LAYER_TENSORS["q"]: "self_attn.q_proj",
    LAYER_TENSORS["k"]: "self_attn.k_proj",
    LAYER_TENSORS["v"]: "self_attn.v_proj",
    LAYER_TENSORS["ao"]: "self_attn.out_proj",
    LAYER_TENSORS["aln"]: "self_attn_layer_norm",
    LAYER_TENSORS["fi"]: "fc1",
    LAYER_TENSORS["fo"]: "fc2",
    LAYER_TENSORS["oln"]: "final_layer_norm",
}


@dataclass(frozen=True)
class DecoderShape:
    """The new decoder; ``None`` sizes copy the encoder's."""

    layers: int = 2
    attention_heads: int | None = None
    ffn_dim: int | None = None
    dropout: float = 0.1
    attention_dropout: float = 0.0
    activation_dropout: float = 0.0


def bart_config(bert_config, decoder: DecoderShape):
    """A ``BartConfig`` whose encoder matches ``bert_config`` exactly.

    Special ids follow vien's training loop (``<pad>`` 0 starts decoding,
    ``</s>`` 1 ends it) and the renumbered vocabulary (``<s>`` 3).
    """
    from transformers import BartConfig

    heads = bert_config.num_attention_heads
    ffn = bert_config.intermediate_size
    return BartConfig(
        vocab_size=bert_config.vocab_size,
        d_model=bert_config.hidden_size,
        encoder_layers=bert_config.num_hidden_layers,
        encoder_attention_heads=heads,
        encoder_ffn_dim=ffn,
        decoder_layers=decoder.layers,
        decoder_attention_heads=decoder.attention_heads or heads,
        decoder_ffn_dim=decoder.ffn_dim or ffn,
        activation_function="gelu",
        max_position_embeddings=bert_config.max_position_embeddings,
        scale_embedding=False,
        dropout=decoder.dropout,
        attention_dropout=decoder.attention_dropout,
        activation_dropout=decoder.activation_dropout,
        pad_token_id=PAD_ID,
        bos_token_id=BOS_ID,
        eos_token_id=EOS_ID,
        decoder_start_token_id=PAD_ID,
        forced_eos_token_id=EOS_ID,
        tie_word_embeddings=True,
    )


def bart_encoder_state(bert_state: dict, num_layers: int) -> dict:
    """Rename a ``BertModel`` state dict to ``BartModel`` keys (shared embeddings + encoder).

    Args:
        bert_state: from :func:`pipeline.warmstart.encoder.bert_state_dict`.
        num_layers: encoder depth.

    Returns:
        ``BartModel`` state-dict entries for ``shared`` and ``encoder.*``.
    """
    import torch

    positions = bert_state["embeddings.position_embeddings.weight"]
    type0 = bert_state["embeddings.token_type_embeddings.weight"][0]
    # Rows 0 and 1 are never looked up (positions start at the offset); zero them.
    pad_rows = torch.zeros(BART_POSITION_OFFSET, positions.shape[1], dtype=positions.dtype)
    state = {
        "shared.weight": bert_state["embeddings.word_embeddings.weight"],
        "encoder.embed_positions.weight": torch.cat([pad_rows, positions + type0]),
        "encoder.layernorm_embedding.weight": bert_state["embeddings.LayerNorm.weight"],
        "encoder.layernorm_embedding.bias": bert_state["embeddings.LayerNorm.bias"],
    }
    for i in range(num_layers):
        for bert_module, bart_module in BART_LAYER_MODULES.items():
            for kind in ("weight", "bias"):
                source = f"encoder.layer.{i}.{bert_module}.{kind}"
                state[f"encoder.layers.{i}.{bart_module}.{kind}"] = bert_state[source]
    return state


def build_bart(bert_state: dict, bert_config, decoder: DecoderShape):
    """A ``BartForConditionalGeneration`` with the BERT encoder and a random decoder.

    Args:
        bert_state: the encoder's ``BertModel`` state dict.
        bert_config: its ``BertConfig`` (vocabulary size included).
        decoder: the new decoder's shape.

    Returns:
        The model in fp32, train mode.

    Raises:
        ValueError: the mapping missed or invented an encoder weight.
    """
    from transformers import BartForConditionalGeneration

    if abs(bert_config.layer_norm_eps - BART_LAYER_NORM_EPS) > 1e-7:
        logger.info(
            "BART LayerNorms use eps %g, the encoder was trained with %g",
            BART_LAYER_NORM_EPS,
            bert_config.layer_norm_eps,
        )
    model = BartForConditionalGeneration(bart_config(bert_config, decoder))
    state = bart_encoder_state(bert_state, bert_config.num_hidden_layers)
    result = model.model.load_state_dict(state, strict=False)
    # The decoder is new, and the encoder's token embedding is tied to ``shared``.
    tied = {"encoder.embed_tokens.weight"}
    missing = [k for k in result.missing_keys if not k.startswith("decoder.") and k not in tied]
    if missing or result.unexpected_keys:
        raise ValueError(f"encoder mapping: missing {missing}, unexpected {result.unexpected_keys}")
    model.tie_weights()
    return model.train()


def encoder_parameters(model) -> list:
    """The parameters of the grafted encoder, shared word embeddings included."""
    return list(model.get_encoder().parameters())
