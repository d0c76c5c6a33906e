"""The runner's progress bar: tqdm on stderr, or a silent stand-in with the same methods."""

from __future__ import annotations

import sys
import time
from typing import Any


class Progress:
    """A tqdm bar on stderr, or a silent stand-in with the same methods."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.perf_counter()

    def __enter__(self) -> Progress:
        if self.enabled:
            from tqdm import tqdm

            self.bar = tqdm(desc="documents", unit="doc", file=sys.stderr, dynamic_ncols=True)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.enabled:
            self.bar.close()

    def elapsed(self) -> float:
        return max(time.perf_counter() - self.started, 1e-6)

    def update(self, n: int) -> None:
        if self.enabled:
            self.bar.update(n)

    def set_postfix(self, **values: Any) -> None:
        if self.enabled:
            self.bar.set_postfix(**values, refresh=False)
