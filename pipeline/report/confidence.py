"""Which translations of a run are the weakest, by the model's own score.

``Segment.score`` is the mean token log-probability of the translation (0 is
certain, more negative is less sure). Reports single out the lowest-scoring
fraction of a run whether or not the translate stage flagged them, so a reader
always has somewhere to start checking.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

WEAKEST_FRACTION = 0.05


def weakest_cutoff(
    scores: Iterable[float | None], fraction: float = WEAKEST_FRACTION
) -> float | None:
    """The score at or below which a segment is among the weakest ``fraction`` of a run.

    Args:
        scores: every segment score of the run; ``None`` (no score) is ignored.
        fraction: the share of scored segments to single out, in (0, 1].

    Returns:
        The cutoff, or None when no segment has a score. At least one segment
        is singled out when any is scored; ties at the cutoff all count.

    Raises:
        ValueError: ``fraction`` is not in (0, 1].
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    ranked = sorted(s for s in scores if s is not None)
    if not ranked:
        return None
    return ranked[math.ceil(len(ranked) * fraction) - 1]


def is_weak(score: float | None, cutoff: float | None) -> bool:
    """Whether ``score`` is at or below the run's ``cutoff``."""
    return score is not None and cutoff is not None and score <= cutoff
