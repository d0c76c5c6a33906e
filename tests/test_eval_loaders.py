"""Test-set loaders of ``vien eval``: every external format into one structure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.errors import ConfigError, InputError
from pipeline.evaluation.testsets import (
    EvalDocument,
    EvalSource,
    SentencePair,
    document_from_record,
    load_hf_dataset,
    load_line_files,
    load_pairs_jsonl,
    load_testset,
    load_tsv,
)

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "data" / "eval_mini.jsonl"
INCLUDED = REPO / "tests" / "testset" / "vien-testset-v1.jsonl"
PAIRS = [
    SentencePair("Hà Nội là thủ đô.", "Hanoi is the capital."),
    SentencePair("Trời mưa.", "It rains."),
]


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def sentence_pairs(testset) -> list[SentencePair]:
    """The pairs of a sentence-level test set, checking each is its own document."""
    assert all(len(d.paragraphs) == 1 and len(d.paragraphs[0]) == 1 for d in testset.documents)
    return [d.paragraphs[0][0] for d in testset.documents]


# --- the included schema -----------------------------------------------------


def test_mini_testset_loads() -> None:
    testset = load_testset(MINI)
    assert [d.id for d in testset.documents] == ["mini-weather", "mini-economy", "mini-sport"]
    weather = testset.documents[0]
    assert weather.domain == "weather"
    assert len(weather.paragraphs) == 3 and len(weather.pairs) == 4
    assert weather.summary_vi and weather.summary_en
    assert testset.documents[2].summary_vi is None
    assert testset.has_summaries


def test_source_text_joins_sentences_and_paragraphs() -> None:
    doc = EvalDocument("d", [[PAIRS[0]], [PAIRS[0], PAIRS[1]]])
    assert doc.source_text() == "Hà Nội là thủ đô.\n\nHà Nội là thủ đô. Trời mưa."


@pytest.mark.parametrize("path", [MINI, INCLUDED], ids=["mini", "included"])
def test_included_schema_loads_with_datasets(path: Path, tmp_path: Path) -> None:
    """The file is a valid datasets JSON source, and its rows build the same documents."""
    datasets = pytest.importorskip("datasets")
    if not path.exists():
        pytest.skip(f"{path.name} is not merged yet")
    table = datasets.load_dataset(
        "json", data_files=str(path), split="train", cache_dir=str(tmp_path / "hf-cache")
    )
    from_datasets = [document_from_record(row, f"{path}[{i}]") for i, row in enumerate(table)]
    assert from_datasets == load_testset(path).documents
    assert {"id", "paragraphs", "summary_vi", "summary_en"} <= set(table.column_names)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "a"}', "'paragraphs'"),
        ('{"id": "a", "paragraphs": [[{"en": "x"}]]}', "text in 'vi'"),  # en alone may be absent
        ('{"id": "a", "paragraphs": [[]]}', "paragraph 1"),
        ('{"paragraphs": [[{"vi": "x", "en": "y"}]]}', "'id'"),
        ("[1, 2]", "JSON object"),
        ("{oops", "not valid JSON"),
    ],
    ids=["no-paragraphs", "no-vi", "empty-paragraph", "no-id", "not-an-object", "not-json"],
)
def test_included_schema_errors_name_the_line(tmp_path: Path, line: str, message: str) -> None:
    path = write(
        tmp_path / "bad.jsonl",
        '{"id": "ok", "paragraphs": [[{"vi": "a", "en": "b"}]]}\n' + line + "\n",
    )
    with pytest.raises(InputError) as caught:
        load_testset(path)
    assert f"{path}:2" in str(caught.value)
    assert message in str(caught.value)


def test_head_keeps_the_first_documents() -> None:
    testset = load_testset(MINI)
    assert [d.id for d in testset.head(2).documents] == ["mini-weather", "mini-economy"]
    assert testset.head(None) is testset


# --- line-aligned files --------------------------------------------------------


def test_line_files(tmp_path: Path) -> None:
    src = write(tmp_path / "test.vi", "Hà Nội là thủ đô.\r\nTrời mưa.\n")
    ref = write(tmp_path / "test.en", "Hanoi is the capital.\nIt rains.\n")
    testset = load_line_files(src, ref)
    assert sentence_pairs(testset) == PAIRS
    assert [d.id for d in testset.documents] == ["line-1", "line-2"]
    assert not testset.has_summaries


def test_line_files_split_on_newline_only(tmp_path: Path) -> None:
    """A Unicode line separator inside a line must not shift the references."""
    src = write(tmp_path / "test.vi", "Một\u2028hai.\nBa.\n")
    ref = write(tmp_path / "test.en", "One two.\nThree.\n")
    assert [p.en for p in sentence_pairs(load_line_files(src, ref))] == ["One two.", "Three."]


def test_line_files_skip_empty_sources(tmp_path: Path) -> None:
    src = write(tmp_path / "test.vi", "Một.\n\nBa.\n")
    ref = write(tmp_path / "test.en", "One.\nTwo.\nThree.\n")
    testset = load_line_files(src, ref)
    assert [(d.id, d.pairs[0].en) for d in testset.documents] == [
        ("line-1", "One."),
        ("line-3", "Three."),
    ]


def test_line_files_must_have_equal_lengths(tmp_path: Path) -> None:
    src = write(tmp_path / "test.vi", "Một.\nHai.\n")
    ref = write(tmp_path / "test.en", "One.\n")
    with pytest.raises(InputError, match="1 lines but .* has 2"):
        load_line_files(src, ref)


# --- TSV -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "header", ["", "vi\ten\n", "VI\tEN\n"], ids=["no-header", "header", "upper-header"]
)
def test_tsv(tmp_path: Path, header: str) -> None:
    path = write(
        tmp_path / "pairs.tsv",
        header + "Hà Nội là thủ đô.\tHanoi is the capital.\nTrời mưa.\tIt rains.\n",
    )
    assert sentence_pairs(load_tsv(path)) == PAIRS


def test_tsv_row_without_tab_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "pairs.tsv", "Một.\tOne.\nHai.\n")
    with pytest.raises(InputError, match=r"pairs.tsv:2: expected two tab-separated columns"):
        load_tsv(path)


# --- JSONL pairs -----------------------------------------------------------------


def test_jsonl_pairs_in_fields_or_translation_objects(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "vi": PAIRS[0].vi, "en": PAIRS[0].en},
        {"translation": {"vi": PAIRS[1].vi, "en": PAIRS[1].en}},
    ]
    path = write(
        tmp_path / "pairs.jsonl", "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
    )
    testset = load_pairs_jsonl(path)
    assert sentence_pairs(testset) == PAIRS
    assert [d.id for d in testset.documents] == ["a", "line-2"]


def test_jsonl_pairs_with_other_field_names(tmp_path: Path) -> None:
    path = write(tmp_path / "pairs.jsonl", json.dumps({"source": "Một.", "target": "One."}) + "\n")
    assert sentence_pairs(load_pairs_jsonl(path, "source", "target")) == [
        SentencePair("Một.", "One.")
    ]


def test_jsonl_pairs_missing_field_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "pairs.jsonl", '{"vi": "Một.", "en": "One."}\n{"vi": "Hai."}\n')
    with pytest.raises(InputError, match=r"pairs.jsonl:2: .*--src-field/--ref-field"):
        load_pairs_jsonl(path)


# --- Hugging Face datasets -----------------------------------------------------------


def test_dataset_saved_to_disk(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    rows = [{"vi": p.vi, "en": p.en} for p in PAIRS]
    datasets.Dataset.from_list(rows).save_to_disk(str(tmp_path / "ds"))
    testset = load_hf_dataset(str(tmp_path / "ds"), split="test")
    assert sentence_pairs(testset) == PAIRS
    assert [d.id for d in testset.documents] == ["row-0", "row-1"]


def test_dataset_dict_with_translation_column(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    rows = [{"translation": {"en": p.en, "vi": p.vi}} for p in PAIRS]
    splits = datasets.DatasetDict(
        {
            "validation": datasets.Dataset.from_list(rows[:1]),
            "test": datasets.Dataset.from_list(rows),
        }
    )
    splits.save_to_disk(str(tmp_path / "dd"))
    assert sentence_pairs(load_hf_dataset(str(tmp_path / "dd"), split="test")) == PAIRS
    with pytest.raises(InputError, match="no split 'train'; splits: validation, test"):
        load_hf_dataset(str(tmp_path / "dd"), split="train")


def test_dataset_in_the_included_schema_keeps_documents(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    table = datasets.load_dataset(
        "json", data_files=str(MINI), split="train", cache_dir=str(tmp_path / "hf-cache")
    )
    table.save_to_disk(str(tmp_path / "mini"))
    assert load_hf_dataset(str(tmp_path / "mini")).documents == load_testset(MINI).documents


def test_unknown_dataset_is_an_input_error(tmp_path: Path) -> None:
    pytest.importorskip("datasets")
    with pytest.raises(InputError, match="cannot load split"):
        load_hf_dataset(str(tmp_path / "no-such-dataset"))


# --- choosing the source ---------------------------------------------------------------


def test_source_defaults_to_the_testset() -> None:
    assert EvalSource(testset=MINI).load().documents == load_testset(MINI).documents


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"tsv": Path("a.tsv"), "jsonl": Path("b.jsonl")},
            "give one test set, not --tsv and --jsonl",
        ),
        ({"src": Path("a.vi")}, "--src and --ref go together"),
        ({}, "no test set given"),
    ],
    ids=["two-kinds", "src-without-ref", "nothing"],
)
def test_source_usage_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        EvalSource(**kwargs).load()
