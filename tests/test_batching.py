"""Token-budget batching and fitting text to a model's input limit."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from pipeline.batching import token_batches
from pipeline.chunking import group_to_fit, split_to_fit


def words(texts: list[str]) -> list[int]:
    return [len(t.split()) for t in texts]


@given(st.lists(st.integers(1, 300), max_size=60), st.integers(1, 1000))
def test_token_batches_cover_every_index_once(lengths: list[int], budget: int) -> None:
    batches = token_batches(lengths, budget)
    flat = sorted(i for b in batches for i in b)
    assert flat == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) == 1 or max(lengths[i] for i in batch) * len(batch) <= budget


@given(st.lists(st.integers(1, 300), max_size=60), st.integers(1, 1000))
def test_token_batches_never_pad(lengths: list[int], budget: int) -> None:
    for batch in token_batches(lengths, budget):
        assert len({lengths[i] for i in batch}) == 1


def test_token_batches_sort_by_length() -> None:
    assert token_batches([1, 5, 3, 5], 10) == [[1, 3], [2], [0]]


def test_token_batches_split_a_length_by_the_budget() -> None:
    assert token_batches([2, 2, 2, 2, 2], 4) == [[0, 1], [2, 3], [4]]


@given(st.text(alphabet="ab ,;:", min_size=1, max_size=200), st.integers(1, 10))
def test_split_to_fit_loses_nothing(text: str, limit: int) -> None:
    parts = split_to_fit(text, words, limit)
    assert re.sub(r"\s", "", "".join(parts)) == re.sub(r"\s", "", text)


def test_split_to_fit_prefers_clause_boundaries() -> None:
    text = "một hai ba bốn năm; sáu bảy tám chín mười"
    assert split_to_fit(text, words, 6) == ["một hai ba bốn năm;", "sáu bảy tám chín mười"]


def test_split_to_fit_parts_fit() -> None:
    text = " ".join(["từ"] * 50)
    parts = split_to_fit(text, words, 7)
    assert all(n <= 7 for n in words(parts))
    assert sum(words(parts)) == 50


def test_split_to_fit_handles_text_without_spaces() -> None:
    text = "a" * 1000
    parts = split_to_fit(text, lambda ts: [len(t) // 10 for t in ts], 8)
    assert "".join(parts) == text
    assert all(len(p) // 10 <= 8 for p in parts)


def test_group_to_fit_packs_in_order() -> None:
    assert group_to_fit([3, 3, 3, 10, 1], 6) == [[0, 1], [2], [3], [4]]
