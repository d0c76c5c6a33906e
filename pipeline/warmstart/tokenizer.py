"""Write a sentencepiece unigram model as a tokenizer that ``AutoTokenizer`` loads offline.

The model directory gets a plain ``tokenizers`` pipeline (``tokenizer.json``,
loaded by the generic ``TokenizersBackend`` class) rather than
``XLMRobertaTokenizer``: transformers 5 rebuilds XLM-R tokenizers from the
vocabulary with ``<unk>`` fixed at id 3, which the renumbered vocabulary
(``<unk>`` 2) would break. The pipeline is the one transformers itself uses
for XLM-R: the model's precompiled ``nmt_nfkc`` charsmap, whitespace split,
metaspace, and ``<s> text </s>`` around every input, as e5 was trained.
"""

from __future__ import annotations

from pathlib import Path

SPM_FILE = "spm.model"
METASPACE = "\u2581"


def build_tokenizer(proto, *, max_length: int):
    """A ``TokenizersBackend`` equivalent to the sentencepiece model ``proto``.

    Args:
        proto: a unigram ``ModelProto`` with ``<s>``, ``</s>``, ``<pad>`` and
            ``<unk>`` ids set in its trainer spec.
        max_length: the tokenizer's ``model_max_length``.

    Returns:
        The tokenizer; ``save_pretrained`` writes ``tokenizer.json``.
    """
    from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram
    from transformers import PreTrainedTokenizerFast

    spec = proto.trainer_spec
    vocab = [(p.piece, p.score) for p in proto.pieces]
    backend = Tokenizer(Unigram(vocab, unk_id=spec.unk_id, byte_fallback=False))
    backend.normalizer = normalizers.Precompiled(proto.normalizer_spec.precompiled_charsmap)
    backend.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.WhitespaceSplit(),
            pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always"),
        ]
    )
    backend.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always")
    bos, eos = vocab[spec.bos_id][0], vocab[spec.eos_id][0]
    backend.post_processor = processors.TemplateProcessing(
        single=[bos, "$A", eos],
        pair=[bos, "$A", eos, eos, "$B", eos],
        special_tokens=[(bos, spec.bos_id), (eos, spec.eos_id)],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token=bos,
        eos_token=eos,
        unk_token=vocab[spec.unk_id][0],
        pad_token=vocab[spec.pad_id][0],
        model_max_length=max_length,
    )


def save_tokenizer(proto, out_dir: Path, *, max_length: int) -> Path:
    """Write ``tokenizer.json``, its config and the sentencepiece ``spm.model`` to ``out_dir``.

    The ``spm.model`` copy is what training encodes with (fast batch encoding
    and subword sampling); both segment identically.

    Returns:
        The path of ``spm.model``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    build_tokenizer(proto, max_length=max_length).save_pretrained(str(out_dir))
    spm_file = out_dir / SPM_FILE
    spm_file.write_bytes(proto.SerializeToString())
    return spm_file
