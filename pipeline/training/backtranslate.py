"""``vien train backtranslate``: English monolingual text into synthetic Vietnamese.

The backward (en->vi) model runs through the pipeline's own generation path
(adapter + ``BatchedGenerator``, CTranslate2 by default), so back-translation
is as fast as ``vien run``. Output lines are ``Vietnamese TAB English``, the
format ``data.synthetic`` reads; a stopped run continues where its file ends.
"""

from __future__ import annotations

import logging
import lzma
import re
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from pipeline.config import load_settings
from pipeline.settings import Section

logger = logging.getLogger(__name__)

# Wikinews lines whose extractor dropped a linked name read "the of Brazil".
_DROPPED_NAME = re.compile(r"\b(?:the|a|an|of|in|to)\s+(?:of|in|to|and|the|,|\.)(?!\w)")


class BackTranslateConfig(Section):
    """``configs/backtranslate*.yaml``."""

    model: Path = Field(description="The en->vi model folder (`data.direction: en-vi`).")
    inputs: list[Path] = Field(description="English text, one sentence a line (.xz allowed).")
    output: Path = Field(description="Vietnamese TAB English lines; appended to when it exists.")
    max_sentences: int = Field(50_000, ge=1, description="Back-translate at most this many.")
    min_words: int = Field(5, description="Skip shorter lines.")
    max_words: int = Field(60, description="Skip longer lines.")
    backend: Literal["transformers", "ctranslate2"] = Field("ctranslate2", description="Engine.")
    device: str = Field("auto", description="auto, cpu or cuda.")
    num_beams: int = Field(2, ge=1, description="Beam size (1 = greedy, fastest).")
    batch_tokens: int = Field(4096, description="Token budget of one model batch.")
    max_new_tokens: int = Field(160, ge=1, description="Longest Vietnamese output, in tokens.")
    chunk: int = Field(2000, ge=1, description="Sentences translated and written at a time.")


def english_sentences(config: BackTranslateConfig) -> Iterator[str]:
    """The usable English lines of the inputs, in file order."""
    for path in config.inputs:
        opener: Any = lzma.open if path.suffix == ".xz" else open
        with opener(path, "rt", encoding="utf-8") as f:
            for line in f:
                text = line.strip()
                words = len(text.split())
                if config.min_words <= words <= config.max_words and not _DROPPED_NAME.search(text):
                    yield text


def back_translate(config_path: Path, *, overrides: dict[str, Any] | None = None) -> dict:
    """Translate up to ``max_sentences`` English lines into Vietnamese and append the pairs.

    Returns:
        Sentences written (this run and in all), seconds and sentences per second.
    """
    from pipeline.adapters.loading import load_adapter
    from pipeline.generation import BatchedGenerator
    from pipeline.settings import GenerationSettings

    config = load_settings(config_path, BackTranslateConfig, overrides)
    done = _count_lines(config.output)
    settings = GenerationSettings(
        model=str(config.model),
        backend=config.backend,
        device=config.device,
        num_beams=config.num_beams,
        batch_tokens=config.batch_tokens,
        max_new_tokens=config.max_new_tokens,
    )
    generator = BatchedGenerator(load_adapter(settings), batch_tokens=config.batch_tokens)
    config.output.parent.mkdir(parents=True, exist_ok=True)
    start, written = time.monotonic(), 0
    todo = islice(english_sentences(config), done, config.max_sentences)
    with open(config.output, "a", encoding="utf-8", newline="\n") as out:
        for chunk in _chunks(todo, config.chunk):
            outputs = generator.run(chunk)
            for en, output in zip(chunk, outputs, strict=True):
                vi = " ".join(output.text.split())
                out.write(f"{vi}\t{en}\n")
            out.flush()
            written += len(chunk)
            logger.info("back-translated %d (%d in all)", written, done + written)
    seconds = time.monotonic() - start
    return {
        "output": str(config.output),
        "written": written,
        "total": done + written,
        "seconds": round(seconds, 1),
        "sentences_per_second": round(written / seconds, 1) if seconds else None,
    }


def _count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with open(path, encoding="utf-8", newline="\n") as f:
        return sum(1 for _ in f)


def _chunks(lines: Iterator[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
