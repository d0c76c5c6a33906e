"""Metrics, degenerate detectors and segment alignment of ``vien eval``, on hand-checked cases."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.evaluation.alignment import (
    Group,
    align_document,
    boundary_counts,
    group_spans,
    inner_boundaries,
    locate_sentences,
)
from pipeline.evaluation.boundaries import BoundaryScore
from pipeline.evaluation.metrics import (
    mean_rouge,
    rouge_pair,
    tokenize,
    translation_scores,
)

# --- BLEU and chrF++ ---------------------------------------------------------


def test_identical_output_scores_100() -> None:
    scores = translation_scores(["The cat sat on the mat."], ["The cat sat on the mat."])
    assert (scores["bleu"], scores["chrf"]) == (100.0, 100.0)


def test_bleu_by_hand() -> None:
    """Clipped n-gram precisions 5/6, 3/5, 2/4, 1/3; equal lengths, so no brevity penalty."""
    scores = translation_scores(["the cat sat on the mat"], ["the cat sat on a mat"])
    expected = 100 * (5 / 6 * 3 / 5 * 2 / 4 * 1 / 3) ** 0.25
    assert scores["bleu"] == pytest.approx(expected, abs=0.01)


def test_bleu_tokenizes_punctuation_like_13a() -> None:
    """sacrebleu's default 13a tokenizer splits punctuation off words."""
    assert translation_scores(["Hello, world!"], ["Hello , world !"])["bleu"] == 100.0


def test_chrf_plus_plus_by_hand() -> None:
    """ "aa" against "ab": char 1-grams P=R=1/2, char 2-grams 0, word 1-grams 0.

    sacrebleu averages precision and recall over the orders both sides have
    (effective order 3), then takes F-beta=2: P=R=1/6, so chrF++ is 100/6.
    """
    assert translation_scores(["aa"], ["ab"])["chrf"] == pytest.approx(100 / 6, abs=0.01)


def test_scores_carry_sacrebleu_signatures() -> None:
    scores = translation_scores(["a"], ["a"])
    assert "tok:13a" in scores["bleu_signature"]
    assert "nw:2" in scores["chrf_signature"]


def test_nothing_to_score_is_none() -> None:
    scores = translation_scores([], [])
    assert (scores["bleu"], scores["chrf"]) == (None, None)


# --- ROUGE -------------------------------------------------------------------

REFERENCE_VI = "Hà Nội là thủ đô của Việt Nam."


def test_rouge_on_reordered_vietnamese_by_hand() -> None:
    """Same 8 words; 5 of 7 bigrams shared; longest common subsequence "thủ đô của việt nam"."""
    scores = rouge_pair("Thủ đô của Việt Nam là Hà Nội.", REFERENCE_VI)
    assert scores == {
        "rouge1": 100.0,
        "rouge2": pytest.approx(100 * 5 / 7, abs=0.01),
        "rougeL": pytest.approx(100 * 5 / 8, abs=0.01),
    }


def test_rouge_on_shorter_vietnamese_by_hand() -> None:
    """A 5-word prefix of the 8-word reference: P=1, R=5/8 for all three."""
    f1 = 2 * 1 * (5 / 8) / (1 + 5 / 8)
    scores = rouge_pair("Hà Nội là thủ đô", REFERENCE_VI)
    assert scores["rouge1"] == scores["rougeL"] == pytest.approx(100 * f1, abs=0.01)
    assert scores["rouge2"] == pytest.approx(100 * 2 * (4 / 7) / (1 + 4 / 7), abs=0.01)


def test_mean_rouge_is_none_without_documents() -> None:
    assert mean_rouge([]) == {"rouge1": None, "rouge2": None, "rougeL": None}


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Đường phố Hà Nội!", ["đường", "phố", "hà", "nội"]),
        (unicodedata.normalize("NFD", "đường Hà Nội"), ["đường", "hà", "nội"]),
        ("giá 1.200 đồng_lít", ["giá", "1", "200", "đồng", "lít"]),
    ],
    ids=["keeps-vietnamese-letters", "nfd-input", "digits-and-underscore"],
)
def test_tokenizer(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


# --- degenerate outputs ------------------------------------------------------

# --- grouping ----------------------------------------------------------------

GROUP_CASES = [
    ([(0, 5), (6, 10)], [(0, 5), (6, 10)], [Group((0,), (0,)), Group((1,), (1,))]),
    ([(0, 10)], [(0, 4), (5, 10)], [Group((0,), (0, 1))]),
    ([(0, 4), (5, 10)], [(0, 10)], [Group((0, 1), (0,))]),
    (
        [(0, 4), (5, 10), (11, 15)],
        [(0, 7), (8, 15)],
        [Group((0, 1, 2), (0, 1))],
    ),
    ([(0, 5), (7, 12)], [(7, 12)], [Group((0,), ()), Group((1,), (0,))]),
    ([(0, 5)], [(0, 5), (6, 9)], [Group((0,), (0,)), Group((), (1,))]),
    ([(0, 5), (5, 9)], [(0, 9)], [Group((0, 1), (0,))]),
    ([(0, 5), (5, 9)], [(0, 5), (5, 9)], [Group((0,), (0,)), Group((1,), (1,))]),
    ([], [], []),
]
GROUP_IDS = [
    "one-to-one",
    "one-reference-two-segments",
    "two-references-one-segment",
    "chained-overlaps",
    "reference-without-segment",
    "segment-without-reference",
    "touching-references-one-segment",
    "touching-spans-do-not-join",
    "empty",
]


@pytest.mark.parametrize(("refs", "hyps", "expected"), GROUP_CASES, ids=GROUP_IDS)
def test_group_spans(refs, hyps, expected) -> None:
    assert group_spans(refs, hyps) == expected


def _partition(cuts: list[int], length: int) -> list[tuple[int, int]]:
    edges = [0, *sorted(set(c for c in cuts if 0 < c < length)), length]
    return list(zip(edges, edges[1:], strict=False))


@given(
    st.lists(st.integers(0, 60), max_size=8),
    st.lists(st.integers(0, 60), max_size=8),
)
def test_every_span_is_in_exactly_one_group(ref_cuts: list[int], hyp_cuts: list[int]) -> None:
    refs, hyps = _partition(ref_cuts, 60), _partition(hyp_cuts, 60)
    groups = group_spans(refs, hyps)
    assert sorted(i for g in groups for i in g.refs) == list(range(len(refs)))
    assert sorted(j for g in groups for j in g.hyps) == list(range(len(hyps)))
    assert all(g.refs and g.hyps for g in groups)


# --- locating references in normalized text ----------------------------------

LOCATE_CASES = [
    ("A b. C d.", ["A b.", "C d."], [(0, 4), (5, 9)]),
    ("A b. C d.", ["A  b.", " C d. "], [(0, 4), (5, 9)]),
    ("Hòa bình.\n\nĐi.", [unicodedata.normalize("NFD", "Hoà bình."), "Đi."], [(0, 9), (11, 14)]),
    ("A b. C d.", ["A b.", "Zzz.", "C d."], [(0, 4), (5, 5), (5, 9)]),
    ("A b. Xy. C d.", ["A b.", "Zzz.", "C d."], [(0, 4), (5, 8), (9, 13)]),
    ("A b. C d.", ["A b.", "Zzz.", "Qqq."], [(0, 4), (5, 9), (9, 9)]),
]
LOCATE_IDS = [
    "exact",
    "spacing-differs",
    "nfd-and-tone-style",
    "missing-sentence-takes-nothing",
    "changed-sentence-takes-the-gap",
    "missing-last-sentences-take-their-length",
]


@pytest.mark.parametrize(("text", "sentences", "spans"), LOCATE_CASES, ids=LOCATE_IDS)
def test_locate_sentences(text: str, sentences: list[str], spans: list[tuple[int, int]]) -> None:
    assert locate_sentences(text, sentences)[0] == spans


def test_unfound_sentences_are_counted() -> None:
    assert locate_sentences("A b. C d.", ["A b.", "Zzz.", "C d."])[1] == 1


# --- boundaries --------------------------------------------------------------

BOUNDARY_CASES = [
    (set(), set(), (1.0, 1.0, 1.0)),
    ({4, 9}, {4, 9}, (1.0, 1.0, 1.0)),
    ({4}, {4, 9}, (0.5, 1.0, 2 / 3)),
    ({4, 9}, {4}, (1.0, 0.5, 2 / 3)),
    ({4}, {5}, (0.0, 0.0, 0.0)),
    ({4}, set(), (1.0, 0.0, 0.0)),
]
BOUNDARY_IDS = ["none", "all-match", "extra-split", "missed-split", "off-by-one", "no-prediction"]


@pytest.mark.parametrize(("reference", "predicted", "prf"), BOUNDARY_CASES, ids=BOUNDARY_IDS)
def test_boundary_scores(reference: set[int], predicted: set[int], prf) -> None:
    counts = boundary_counts(reference, predicted)
    assert (counts.precision, counts.recall, counts.f1) == pytest.approx(prf)


def test_boundary_counts_add_up_across_documents() -> None:
    total = BoundaryScore(1, 2, 1) + BoundaryScore(1, 1, 2)
    assert (total.true_positives, total.predicted, total.gold) == (2, 3, 3)


def test_line_breaks_are_not_boundaries() -> None:
    text = "A b. C d.\n\nE f."
    assert inner_boundaries(text, [(0, 4), (5, 9), (11, 15)]) == {4}


# --- one document end to end -------------------------------------------------


def test_align_document_joins_split_sentences() -> None:
    """The pipeline split the first reference in two and kept the next two together."""
    text = "Ông A, TS. B đến. Trời mưa. Đường ngập."
    references = [
        ("Ông A, TS. B đến.", "Mr A and Dr B came."),
        ("Trời mưa.", "It rained."),
        ("Đường ngập.", "Roads flooded."),
    ]
    segments = [(0, 10, "Mr A, Dr."), (11, 17, "B came."), (18, 39, "It rained, roads flooded.")]
    alignment = align_document(text, references, segments)
    assert alignment.groups == [Group((0,), (0, 1)), Group((1, 2), (2,))]
    assert alignment.hypotheses == ["Mr A, Dr. B came.", "It rained, roads flooded."]
    assert alignment.references == ["Mr A and Dr B came.", "It rained. Roads flooded."]
    assert (alignment.boundaries.true_positives, alignment.boundaries.predicted) == (1, 2)
    assert alignment.one_to_one == 0
