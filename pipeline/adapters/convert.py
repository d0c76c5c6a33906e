"""Convert Hugging Face models to the CTranslate2 format, once per weights checksum.

Conversions live in a user cache, never beside the model: an installed
package or a read-only model folder must not be written to, and its files
are not the run's to delete. The cache root is ``ct2_cache`` from the model's
settings, else ``$XDG_CACHE_HOME/vien/ct2``, else ``~/.cache/vien/ct2``; under
it each model has a folder (``hub/<org>--<name>``, or ``local/<name>-<hash of
its path>``) holding one ``ct2-[<quantization>-]<checksum>`` conversion per
weights checksum. Retrained weights are converted again and the stale copy is
removed, inside the cache only. Conversion writes into a temporary folder and
renames it, so an interrupted or concurrent conversion never leaves a
half-written model in place.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.adapters.base import WEIGHT_FILES, loading_hint, loading_options, weights_checksum
from pipeline.errors import ConfigError, ModelNotFoundError

logger = logging.getLogger(__name__)

QUANTIZATIONS = (
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
    "float32",
)
CACHE_SUBDIR = Path("vien") / "ct2"
# Bytes of a local model folder's name kept in its cache folder's name; a hash
# of its full path follows, so names stay short and distinct.
NAME_PREFIX_BYTES = 60
METADATA_FILE = "vien-conversion.json"
# Written by CTranslate2 last, so its presence marks a finished conversion.
MODEL_FILE = "model.bin"
# Copied along so a converted folder given with --out is usable on its own.
TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.json",
    "source.spm",
    "target.spm",
    "spiece.model",
    "sentencepiece.bpe.model",
    "merges.txt",
    "generation_config.json",
)
# CTranslate2 reads BART's pre/post layer-norm switch from ``normalize_before``,
# which only configs written by old transformers releases carry
# (OpenNMT/CTranslate2#888). The placement is fixed per architecture.
PRE_NORM = {"MBartConfig": True, "BartConfig": False}


def convert_model(
    model: str,
    *,
    out: Path | None = None,
    quantization: str | None = None,
    force: bool = False,
    cache: str | Path | None = None,
    allow_pickle_weights: bool = False,
) -> Path:
    """Convert ``model`` for CTranslate2, or return the existing conversion.

    Args:
        model: local Hugging Face model folder or hub id.
        out: output folder; default: the ``ct2-*`` folder for the weights'
            checksum in the cache (see the module docstring).
        quantization: store weights in this type (see ``QUANTIZATIONS``);
            None keeps the model's own type, so any compute type can be
            chosen when loading.
        force: convert again even if the output folder holds a conversion.
        cache: the cache root; default: ``cache_root(None)``.
        allow_pickle_weights: read ``pytorch_model.bin`` weights when the model
            has no safetensors file (unpickling can run code).

    Returns:
        The converted model folder.

    Raises:
        ConfigError: unknown quantization, or an architecture CTranslate2
            cannot convert.
        ModelNotFoundError: the model cannot be found or read.
    """
    if quantization is not None and quantization not in QUANTIZATIONS:
        raise ConfigError(
            f"unknown quantization {quantization!r}; valid: {', '.join(QUANTIZATIONS)}"
        )
    source = resolve_source(model)
    checksum = source_checksum(source)
    target = Path(out) if out is not None else default_output(model, checksum, quantization, cache)
    if (target / MODEL_FILE).is_file() and not force:
        logger.debug("reusing the CTranslate2 conversion in %s", target)
        return target
    if target.is_dir() and any(target.iterdir()) and not _is_conversion(target):
        raise ConfigError(
            f"{target} exists and is not a CTranslate2 conversion; give another --out folder"
        )
    logger.info("converting %s to CTranslate2 in %s", model, target)
    metadata = {"source": model, "checksum": checksum, "quantization": quantization}
    _convert_atomically(source, target, metadata, force, allow_pickle_weights)
    if out is None:
        _remove_stale(target)
    return target


def _is_conversion(folder: Path) -> bool:
    return (folder / MODEL_FILE).is_file() or (folder / METADATA_FILE).is_file()


def conversion_metadata(converted: Path) -> dict[str, Any]:
    """What ``convert_model`` recorded about a converted folder (empty if nothing)."""
    path = Path(converted) / METADATA_FILE
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def resolve_source(model: str) -> Path:
    """The local folder of ``model``: itself, or its snapshot in the Hugging Face cache.

    Raises:
        ModelNotFoundError: not a folder, and the hub has no such model (or is unreachable).
    """
    if Path(model).is_dir():
        return Path(model)
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(model))
    except Exception as e:  # the hub client raises many unrelated types
        raise ModelNotFoundError(
            f"cannot find model {model!r} ({e.__class__.__name__}); give a local model folder, "
            "or a hub id on a machine with internet access"
        ) from e


def source_checksum(model_dir: Path) -> str:
    """Checksum of a model's weights; sharded checkpoints hash every shard.

    Raises:
        ModelNotFoundError: the folder holds no weight files.
    """
    checksum = weights_checksum(model_dir)
    if checksum:
        return checksum
    shards = sorted(model_dir.glob("*.safetensors")) + sorted(model_dir.glob("pytorch_model*.bin"))
    if not shards:
        raise ModelNotFoundError(
            f"{model_dir} holds no weight files ({', '.join(WEIGHT_FILES)} or shards); "
            "give a complete Hugging Face model folder"
        )
    digest = hashlib.sha256()
    for shard in shards:
        with shard.open("rb") as fh:
            for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def cache_root(cache: str | Path | None) -> Path:
    """Where conversions go: ``cache``, else ``$XDG_CACHE_HOME/vien/ct2``, else ``~/.cache/...``.

    The XDG base directory specification ignores a relative ``XDG_CACHE_HOME``.
    """
    if cache is not None:
        return Path(cache).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path("~/.cache").expanduser()
    return base / CACHE_SUBDIR


def default_output(
    model: str, checksum: str, quantization: str | None, cache: str | Path | None = None
) -> Path:
    """``<cache root>/<model folder>/ct2-[<quantization>-]<checksum>``.

    A hub id keeps its name (``hub/org--name``); a local folder is named by
    its (bounded) folder name and a hash of its resolved path, so two folders
    called ``model`` never share conversions.
    """
    root = cache_root(cache)
    name = f"{_stem(quantization)}{checksum}"
    local = Path(model)
    if local.is_dir():
        resolved = local.resolve()
        where = hashlib.sha256(str(resolved).encode("utf-8", "surrogateescape")).hexdigest()[:12]
        readable = resolved.name.encode("utf-8", "surrogateescape")[:NAME_PREFIX_BYTES]
        return root / "local" / f"{readable.decode('utf-8', 'ignore')}-{where}" / name
    return root / "hub" / model.replace("/", "--") / name


def _stem(quantization: str | None) -> str:
    return f"ct2-{quantization}-" if quantization else "ct2-"


def _convert_atomically(
    source: Path, target: Path, metadata: dict[str, Any], force: bool, allow_pickle: bool
) -> None:
    import ctranslate2

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    except OSError as e:
        raise ConfigError(
            f"cannot write the CTranslate2 conversion to {target.parent}: {e.strerror or e}; "
            "set ct2_cache (or XDG_CACHE_HOME) to a writable folder"
        ) from e
    try:
        copy_files = [name for name in TOKENIZER_FILES if (source / name).is_file()]
        try:
            _converter(source, copy_files, allow_pickle).convert(
                str(work), quantization=metadata["quantization"], force=True
            )
        except (NotImplementedError, ValueError, AttributeError, KeyError) as e:
            # CTranslate2's loaders fail with AttributeError/KeyError on configs
            # they do not know, as much as with NotImplementedError.
            raise ConfigError(
                f"cannot convert {source} to CTranslate2: {e}; use backend: transformers"
            ) from e
        except OSError as e:
            raise ModelNotFoundError(
                f"cannot read model {source}: {e}{loading_hint(e, allow_pickle)}"
            ) from e
        metadata.update(
            ctranslate2=ctranslate2.__version__,
            converted_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        (work / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
        _replace(work, target, force)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _replace(work: Path, target: Path, force: bool) -> None:
    """Move the finished conversion into place; another process may have won the race."""
    old = None
    if target.exists() and (force or not (target / MODEL_FILE).is_file()):
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.rename(target, old)
    try:
        os.rename(work, target)
    except OSError:
        if not (target / MODEL_FILE).is_file():
            raise
        logger.info("another process converted %s first; using its copy", target)
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _converter(source: Path, copy_files: list[str], allow_pickle: bool) -> Any:
    from ctranslate2.converters import transformers as ct2_transformers

    marian = _marian_loader()
    options = loading_options(allow_pickle)

    class Converter(ct2_transformers.TransformersConverter):
        def _load(self) -> Any:
            # CTranslate2 picks loaders from this table by config class; swap
            # the Marian one for this conversion only.
            loaders = ct2_transformers._MODEL_LOADERS
            original = loaders.get("MarianConfig")
            loaders["MarianConfig"] = marian
            try:
                return super()._load()
            finally:
                loaders["MarianConfig"] = original

        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            model = super().load_model(model_class, model_name_or_path, **kwargs, **options)
            fill_legacy_config(model.config)
            return model

    return Converter(str(source), copy_files=copy_files)


def _marian_loader() -> Any:
    """A Marian loader that converts the model as transformers runs it.

    CTranslate2's own assumes the OPUS-MT layout — ``<pad>`` last, with an
    all-zero embedding — so it drops ``<pad>`` and starts decoding from a zero
    vector. The models this project trains put ``<pad>`` first (it is also the
    decoder start) and train its embedding: dropping the last row would shift
    the vocabulary and the zero start would change every output. This loader
    keeps the whole vocabulary and starts from the real start token; ``<pad>``
    is kept out of outputs by the model's ``bad_words_ids``, as in transformers.
    """
    from ctranslate2.converters.transformers import BartLoader, MarianMTLoader

    class MarianLoader(MarianMTLoader):
        def get_model_spec(self, model: Any) -> Any:
            model.config.normalize_before = False
            model.config.normalize_embedding = False
            return BartLoader.get_model_spec(self, model)

        def set_config(self, config: Any, model: Any, tokenizer: Any) -> None:
            super().set_config(config, model, tokenizer)
            start = model.config.decoder_start_token_id
            config.decoder_start_token = tokenizer.convert_ids_to_tokens(start)

        def set_decoder(self, spec: Any, decoder: Any) -> None:
            BartLoader.set_decoder(self, spec, decoder)

        def get_vocabulary(self, model: Any, tokenizer: Any) -> list[str]:
            return BartLoader.get_vocabulary(self, model, tokenizer)

    return MarianLoader()


def fill_legacy_config(config: Any) -> None:
    """Give a loaded config the fields CTranslate2's converter expects of older releases."""
    name = type(config).__name__
    if name in PRE_NORM and not hasattr(config, "normalize_before"):
        config.normalize_before = PRE_NORM[name]
    # CTranslate2 starts mBART decoding from the language code (mBART-25) only
    # when ``tokenizer_class`` says so or is missing; models saved without it
    # are told apart by their decoder start token instead, as MBartAdapter does.
    if name == "MBartConfig" and getattr(config, "tokenizer_class", None) is None:
        starts_with_eos = config.decoder_start_token_id == config.eos_token_id
        config.tokenizer_class = "MBart50Tokenizer" if starts_with_eos else "MBartTokenizer"


def _remove_stale(target: Path) -> None:
    """Drop conversions of earlier weights that sit beside ``target`` in the cache.

    Only folders this module wrote (named ``ct2-...-<checksum>``, holding its
    metadata file) go; ``target`` is always inside the cache root.
    """
    stale = re.compile(re.escape(target.name[:-16]) + "[0-9a-f]{16}")
    for sibling in target.parent.iterdir():
        if (
            sibling != target
            and stale.fullmatch(sibling.name)
            and (sibling / METADATA_FILE).is_file()
        ):
            logger.info("removing %s, converted from earlier weights", sibling)
            shutil.rmtree(sibling, ignore_errors=True)
