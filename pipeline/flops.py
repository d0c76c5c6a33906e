"""The arithmetic a run asked of its models, from their configs: the compute floor of a run.

``ModelWork`` counts what the generator ran (inputs, source tokens, generated
tokens times beams); ``model_flops`` turns the counts into floating-point
operations with the model's layer sizes, so the manifest can set a run's
speed beside the least work any implementation of the same model and
decoding must do. Two operations per multiply-add; layer norms, softmax and
beam bookkeeping are left out, so the figure is a floor.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class ModelWork:
    """Sums over every generated input of a run.

    ``beam_tokens`` counts each output token once per beam, as beam search
    computes it (``beam_source_tokens`` each source token once per beam, for
    the cross-attention cache); the products feed the attention terms, which
    grow with the lengths.
    """

    inputs: int = 0
    source_tokens: int = 0
    source_tokens_sq: int = 0
    beam_source_tokens: int = 0
    beam_tokens: int = 0
    beam_tokens_x_source: int = 0
    beam_tokens_sq: int = 0

    def add(self, source: int, generated: int, beams: int) -> None:
        """One input of ``source`` tokens that generated ``generated`` tokens with ``beams``."""
        self.inputs += 1
        self.source_tokens += source
        self.source_tokens_sq += source * source
        self.beam_source_tokens += beams * source
        self.beam_tokens += beams * generated
        self.beam_tokens_x_source += beams * generated * source
        self.beam_tokens_sq += beams * generated * generated

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def layer_sizes(config: Any) -> dict[str, float] | None:
    """Width, depth, feed-forward and vocabulary sizes of an encoder-decoder config.

    Reads the Marian/BART family names (``d_model``, ``encoder_layers``,
    ``encoder_ffn_dim``) and the T5 ones (``num_layers``, ``d_ff``, ``d_kv``);
    None when the config has neither.
    """
    get = (
        (lambda k: config.get(k))
        if isinstance(config, dict)
        else (lambda k: getattr(config, k, None))
    )
    d = get("d_model")
    vocab = get("vocab_size")
    if not isinstance(d, int) or not isinstance(vocab, int):
        return None
    if isinstance(get("encoder_layers"), int):
        return {
            "d": d,
            "inner": d,
            "vocab": vocab,
            "enc_layers": get("encoder_layers"),
            "dec_layers": get("decoder_layers") or get("encoder_layers"),
            "enc_ffn": get("encoder_ffn_dim") or 4 * d,
            "dec_ffn": get("decoder_ffn_dim") or 4 * d,
            "ffn_mats": 2,
        }
    if isinstance(get("num_layers"), int):
        gated = str(get("feed_forward_proj") or "").startswith("gated")
        heads, d_kv = get("num_heads"), get("d_kv")
        ffn = get("d_ff") or 4 * d
        return {
            "d": d,
            "inner": heads * d_kv if isinstance(heads, int) and isinstance(d_kv, int) else d,
            "vocab": vocab,
            "enc_layers": get("num_layers"),
            "dec_layers": get("num_decoder_layers") or get("num_layers"),
            "enc_ffn": ffn,
            "dec_ffn": ffn,
            "ffn_mats": 3 if gated else 2,
        }
    return None


def model_flops(config: Any, work: ModelWork) -> float | None:
    """Floating-point operations of ``work`` on a model with ``config``; None if unknown.

    Encoder, per source token: attention projections and feed-forward of
    every layer, plus attention over the source. Decoder, per generated token
    and beam: self- and cross-attention projections, feed-forward, attention
    over the tokens so far and the source, and the output projection over the
    vocabulary; the cross-attention keys and values once per source token and
    beam (beams share the source but each keeps its own cache).
    """
    sizes = layer_sizes(config)
    if sizes is None:
        return None
    d, inner, vocab = sizes["d"], sizes["inner"], sizes["vocab"]
    ffn_mats = sizes["ffn_mats"]
    enc, dec = sizes["enc_layers"], sizes["dec_layers"]
    encoder = enc * (
        (4 * d * inner + ffn_mats * d * sizes["enc_ffn"]) * work.source_tokens
        + 2 * inner * work.source_tokens_sq
    )
    cross_cache = dec * 2 * d * inner * work.beam_source_tokens
    decoder = (
        dec
        * (
            (6 * d * inner + ffn_mats * d * sizes["dec_ffn"]) * work.beam_tokens
            + inner
            * work.beam_tokens_sq  # self-attention: about T/2 positions per step, 2 products
            + 2 * inner * work.beam_tokens_x_source
        )
        + d * vocab * work.beam_tokens
    )
    return 2.0 * (encoder + decoder + cross_cache)
