"""Process-wide numeric state, set once by the CLI from the configuration.

torch's intra-op thread count and its TF32 matmul flags belong to the whole
process: a library that set them (an adapter on load, a training loop) would
change them for every other model in the process, and the last one loaded
would win. Only the CLI calls :func:`configure_numerics`, before any model loads.
"""

from __future__ import annotations

import logging

from pipeline.config import Config, model_settings

logger = logging.getLogger(__name__)


def configure_numerics(*, torch_threads: int = 0, tf32: bool = False) -> None:
    """Set torch's CPU threads and TF32 matmuls for this process.

    Args:
        torch_threads: intra-op threads; 0 keeps torch's own choice (and does
            not import torch).
        tf32: let CUDA matmuls and convolutions use TF32 (faster, 10-bit mantissa).
    """
    if torch_threads <= 0 and not tf32:
        return
    import torch

    if torch_threads > 0:
        torch.set_num_threads(torch_threads)
    if tf32:
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    logger.info("torch threads %d, tf32 %s", torch.get_num_threads(), tf32)


def pipeline_torch_threads(config: Config) -> int:
    """The torch thread count a pipeline configuration asks for (0: no preference).

    The largest ``threads`` of its models on the transformers backend; the
    CTranslate2 backend sizes its own workers per model.
    """
    wanted = [
        holder.threads
        for settings in config.stages.values()
        for holder in model_settings(settings)
        if getattr(holder, "backend", None) == "transformers"
    ]
    return max(wanted, default=0)
