"""Copy-biased decoding: a bonus on the input's tokens, inside the one generate call."""

from __future__ import annotations

from pathlib import Path

import torch

from pipeline.adapters.loading import load_adapter
from pipeline.copy_bias import CopyBiasProcessor
from pipeline.settings import GenerationSettings


def test_bonus_goes_to_each_rows_source_tokens_on_every_beam() -> None:
    input_ids = torch.tensor([[5, 7, 1, 0], [3, 1, 0, 0]])
    processor = CopyBiasProcessor(input_ids, 2.0, special_ids=[0, 1])
    generated = torch.tensor([[0, 9], [0, 5], [0, 3], [0, 3]])  # 2 sources x 2 beams
    scores = processor(generated, torch.zeros(4, 10))
    expected = torch.zeros(4, 10)
    expected[0:2, [5, 7]] = 2.0
    expected[2:4, 3] = 2.0
    expected[1, 7] = 4.0  # beam 2 of source 1 just wrote 5, which 7 follows in the source
    assert torch.equal(scores, expected)


def test_large_bias_copies_only_source_tokens(tiny_marian: Path) -> None:
    adapter = load_adapter(GenerationSettings(model=str(tiny_marian), num_beams=2))
    source = "Hà Nội là thủ đô của Việt Nam."
    ids = adapter.tokenizer([source])["input_ids"]
    options = {"num_beams": 2, "max_new_tokens": 6, "min_new_tokens": 6}
    allowed = set(ids[0]) | set(adapter.tokenizer.all_special_ids)
    [[plain]] = adapter._generate([(ids, options)])
    [[biased]] = adapter._generate([(ids, {**options, "copy_bias": 1000.0})])
    assert not set(plain.ids) <= allowed  # the random model wanders off the source
    assert set(biased.ids) <= allowed
