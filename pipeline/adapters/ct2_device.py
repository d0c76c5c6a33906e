"""Where and how CTranslate2 runs: device, compute type and the split of CPU threads."""

from __future__ import annotations

import os

from pipeline.errors import ConfigError

AUTO_COMPUTE_TYPES = {"cpu": "int8", "cuda": "int8_float16"}


def resolve_device(device: str) -> tuple[str, int]:
    """``auto`` becomes CUDA when CTranslate2 sees a GPU; ``cuda:N`` becomes (cuda, N).

    Raises:
        ConfigError: a device CTranslate2 does not run on.
    """
    import ctranslate2

    if device == "auto":
        return ("cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"), 0
    kind, _, index = device.partition(":")
    if kind not in AUTO_COMPUTE_TYPES or (index and not index.isdigit()):
        raise ConfigError(
            f"device {device!r} is not available to the ctranslate2 backend; "
            "use auto, cpu, cuda or cuda:N"
        )
    return kind, int(index or 0)


def resolve_compute_type(compute_type: str, device: str) -> str:
    """``auto`` is int8 on CPU and int8_float16 on GPU; others must run on ``device``.

    Raises:
        ConfigError: the compute type is not supported on this device.
    """
    import ctranslate2

    supported = sorted(ctranslate2.get_supported_compute_types(device))
    if compute_type == "auto":
        # Older GPUs lack int8 kernels; "default" keeps the converted weights' type.
        preferred = AUTO_COMPUTE_TYPES[device]
        return preferred if preferred in supported else "default"
    if compute_type not in supported:
        raise ConfigError(
            f"compute_type {compute_type!r} is not supported on {device} here; "
            f"use auto or one of: {', '.join(supported)}"
        )
    return compute_type


def thread_split(threads: int, device: str) -> tuple[int, int]:
    """``(inter_threads, intra_threads)`` for ``threads`` CPU threads on ``device``.

    On CPU, one worker per thread, each single-threaded: batches run side by
    side, and no thread spins waiting for a sibling (on a 2-core machine
    shared with other work, two intra-op threads cost twice the CPU time of
    one for the same output; measured with benchmarks/profile_run.py). A GPU
    is one device, so one worker there, its threads for the CPU-side work.
    """
    return (threads, 1) if device == "cpu" else (1, threads)


def available_cores() -> int:
    """CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
