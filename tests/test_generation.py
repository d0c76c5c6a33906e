"""BatchedGenerator with a fake adapter: order, dedupe, split-and-rejoin."""

from __future__ import annotations

from pipeline.adapters.base import Generation
from pipeline.generation import BatchedGenerator


class UpperAdapter:
    """Upper-cases its input; one token per word; 5-token input limit."""

    max_input_tokens = 5

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(t.split()) for t in texts]

    def generate_batch(self, texts: list[str], **options) -> list[Generation]:
        assert all(n <= self.max_input_tokens for n in self.count_tokens(texts))
        self.calls.append(list(texts))
        return [Generation(text=t.upper(), score=-1.0) for t in texts]


def test_outputs_follow_input_order() -> None:
    generator = BatchedGenerator(UpperAdapter(), batch_tokens=4)
    texts = ["a b c", "d", "e f"]
    assert [o.text for o in generator.run(texts)] == ["A B C", "D", "E F"]


def test_repeated_texts_generated_once() -> None:
    adapter = UpperAdapter()
    generator = BatchedGenerator(adapter, batch_tokens=100)
    generator.run(["x y", "x y", "z"])
    generator.run(["x y"])
    assert sorted(t for call in adapter.calls for t in call) == ["x y", "z"]
    assert generator.cache_hits == 1


def test_long_text_split_and_rejoined() -> None:
    generator = BatchedGenerator(UpperAdapter(), batch_tokens=100)
    (output,) = generator.run(["một hai ba bốn, năm sáu bảy tám chín"])
    assert output.parts == 2
    assert output.text == "MỘT HAI BA BỐN, NĂM SÁU BẢY TÁM CHÍN"


def test_blank_text_gives_blank_output() -> None:
    adapter = UpperAdapter()
    (output,) = BatchedGenerator(adapter, batch_tokens=10).run(["  "])
    assert output.text == "" and adapter.calls == []
