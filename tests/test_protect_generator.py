"""The protecting generator: fallbacks, no bare placeholder, nothing lost, every model family."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
import tiny_models

from pipeline.adapters.loading import load_adapter
from pipeline.generation import BatchedGenerator, Output
from pipeline.protect.generator import GROUPED, STITCHED, UNPROTECTED, ProtectingGenerator
from pipeline.protect.glossary import Glossary
from pipeline.protect.mode import protection_mode
from pipeline.protect.placeholders import OPEN, all_placeholders
from pipeline.protect.spans import SpanFinder, SpanOptions
from pipeline.protect.verify import lost
from pipeline.settings import GenerationSettings

TESTSET = Path(__file__).resolve().parent / "testset" / "vien-testset-v1.jsonl"
SOURCE = "Ngày 6/03, Chủ tịch UBND tỉnh Nguyễn Văn Hòa tiếp hơn 1.700 đơn."
FAST = {"num_beams": 1, "max_new_tokens": 6, "backend": "transformers"}


class FakeInner:
    """Stands in for ``BatchedGenerator``: ``translate`` maps each input to its output."""

    adapter = None

    def __init__(self, translate) -> None:
        self.translate = translate
        self.inputs: list[str] = []

    def run(self, texts: list[str], **options) -> list[Output]:
        self.inputs.extend(texts)
        return [Output(self.translate(t), -1.0) for t in texts]


def finder() -> SpanFinder:
    return SpanFinder(SpanOptions(glossary=Glossary.load()))


def test_copying_model_gets_every_span_back() -> None:
    generator = ProtectingGenerator(FakeInner(lambda t: t), finder(), mode="placeholder")
    [out] = generator.run([SOURCE])
    assert out.fallback is None
    assert out.text == (
        "Ngày March 6, Chairman of the provincial People's Committee Nguyen Van Hoa tiếp hơn "
        "1,700 đơn."
    )
    assert [s.kind for s in out.spans] == ["date", "term", "name", "number"]


def test_dropped_placeholder_retries_without_protection() -> None:
    def model(text: str) -> str:
        if OPEN in text:
            return re.sub("｟[0-9]+｠ đơn", "đơn", text)  # the last token, however many
        return "On March 6, provincial chairman Nguyen Van Hoa received 1,700 petitions."

    generator = ProtectingGenerator(FakeInner(model), finder(), mode="placeholder", stitch=False)
    [out] = generator.run([SOURCE])
    assert out.fallback == UNPROTECTED
    assert out.text.startswith("On March 6")


def test_too_many_tokens_retry_with_neighbours_grouped() -> None:
    def model(text: str) -> str:  # copies up to three tokens, loses one of more
        return text if text.count(OPEN) <= 3 else text.replace("｟2｠", "")

    inner = FakeInner(model)
    generator = ProtectingGenerator(inner, finder(), mode="placeholder")
    [out] = generator.run([SOURCE])
    assert inner.inputs[-1] == "Ngày ｟1｠, ｟2｠ tiếp hơn ｟3｠ đơn."
    assert out.fallback is None
    assert out.text == (
        "Ngày March 6, Chairman of the provincial People's Committee Nguyen Van Hoa tiếp hơn "
        "1,700 đơn."
    )
    assert [s.kind for s in out.spans] == ["date", "term", "name", "number"]
    assert generator.fallbacks[GROUPED] == 1


def test_stitching_keeps_grouped_neighbours_in_english_order() -> None:
    inner = FakeInner(lambda t: "" if OPEN in t else t.upper())
    generator = ProtectingGenerator(inner, finder(), mode="placeholder")
    [out] = generator.run(["Ban cán sự Đảng UBND tỉnh họp."])
    assert out.fallback == STITCHED
    assert out.text == "Party Personnel Committee of the provincial People's Committee HỌP."


def test_losing_twice_stitches_between_spans() -> None:
    inner = FakeInner(lambda t: "" if OPEN in t else t.upper())
    generator = ProtectingGenerator(inner, finder(), mode="placeholder")
    [out] = generator.run([SOURCE])
    assert out.fallback == STITCHED
    assert out.text == (
        "NGÀY March 6, Chairman of the provincial People's Committee Nguyen Van Hoa TIẾP HƠN "
        "1,700 ĐƠN."
    )
    assert inner.inputs[-3:] == ["Ngày", "tiếp hơn", "đơn"]


def test_stitching_keeps_an_opening_url_as_written() -> None:
    inner = FakeInner(lambda t: "" if OPEN in t else t.upper())
    generator = ProtectingGenerator(inner, finder(), mode="placeholder")
    [out] = generator.run(["(kontumtv.vn) – Ngày 6/3 họp."])
    assert out.text.startswith("(kontumtv.vn) – NGÀY March 6")


def test_stitch_off_keeps_the_unprotected_output() -> None:
    inner = FakeInner(lambda t: "" if OPEN in t else "nothing kept")
    generator = ProtectingGenerator(inner, finder(), mode="placeholder", stitch=False)
    [out] = generator.run([SOURCE])
    assert (out.text, out.fallback) == ("nothing kept", UNPROTECTED)


def test_inline_mode_checks_the_copied_english() -> None:
    inner = FakeInner(lambda t: t.replace("1,700", "170") if "March 6" in t else t)
    generator = ProtectingGenerator(inner, finder(), mode="inline")
    [out] = generator.run([SOURCE])
    assert out.fallback == STITCHED and "1,700" in out.text


def test_invented_token_never_reaches_the_reader() -> None:
    generator = ProtectingGenerator(FakeInner(lambda t: t + " ｟9｠"), finder(), mode="placeholder")
    outputs = generator.run(["Trời mưa.", SOURCE])
    assert all(OPEN not in o.text for o in outputs)


def _testset_sentences() -> list[str]:
    sentences = []
    for line in TESTSET.read_text(encoding="utf-8").splitlines():
        for paragraph in json.loads(line)["paragraphs"]:
            sentences.extend(pair["vi"] for pair in paragraph)
    return sentences


def _mangle(seed: int):
    """A model that drops, repeats, swaps or invents tokens at random, or copies."""
    rng = random.Random(seed)

    def model(text: str) -> str:
        tokens = re.findall(r"｟\d+｠", text)
        choice = rng.randrange(5)
        if choice == 0 and tokens:
            return text.replace(rng.choice(tokens), "", 1)
        if choice == 1 and tokens:
            return text + " " + rng.choice(tokens)
        if choice == 2:
            return text + " ｟99｠"
        if choice == 3:
            return " ".join(text.split()[::-1])
        return text

    return model


@pytest.mark.parametrize("mode", ["placeholder", "inline"])
def test_test_set_no_bare_placeholder_and_nothing_lost(mode: str) -> None:
    generator = ProtectingGenerator(FakeInner(_mangle(7)), finder(), mode=mode)
    sentences = _testset_sentences()
    for out in generator.run(sentences):
        assert OPEN not in out.text
        assert lost(list(out.spans), out.text, each=False) == []
    assert generator.fallbacks[STITCHED] > 0


def test_glossary_terms_of_the_test_set_reach_the_output() -> None:
    glossary = Glossary.load()
    generator = ProtectingGenerator(FakeInner(_mangle(11)), finder(), mode="placeholder")
    sentences = _testset_sentences()
    outputs = generator.run(sentences)
    checked = 0
    for sentence, out in zip(sentences, outputs, strict=True):
        terms = {t.english for t in glossary.find(sentence)}
        checked += len(terms)
        assert all(term.casefold() in out.text.casefold() for term in terms), sentence
    assert checked > 100


FAMILIES = ["tiny_marian", "tiny_nllb", "tiny_mbart50", "tiny_m2m100", "tiny_t5", "tiny_bart"]


@pytest.mark.parametrize("fixture", FAMILIES, ids=[f.removeprefix("tiny_") for f in FAMILIES])
def test_hub_family_tiny_model(request: pytest.FixtureRequest, fixture: str) -> None:
    path = request.getfixturevalue(fixture)
    adapter = load_adapter(GenerationSettings(model=str(path), **FAST))
    mode = protection_mode(adapter.tokenizer)
    assert mode == "inline"  # no hub vocabulary holds the placeholder tokens
    generator = ProtectingGenerator(
        BatchedGenerator(adapter, batch_tokens=256), finder(), mode=mode
    )
    texts = [SOURCE, "Giá 8.500.000 đồng lúc 15 giờ 30 ngày 6/3.", "Trời mưa."]
    outputs = generator.run(texts)
    assert len(outputs) == len(texts)
    for out in outputs:
        assert OPEN not in out.text
        assert lost(list(out.spans), out.text, each=False) == []


@pytest.fixture(scope="module")
def tiny_marian_placeholders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Marian whose vocabulary has each placeholder token as one piece."""
    from transformers import MarianMTModel, MarianTokenizer

    path = tiny_models.build_tiny_marian(tmp_path_factory.mktemp("tiny-marian-ph"))
    tokenizer = MarianTokenizer.from_pretrained(path)
    tokenizer.add_tokens(all_placeholders())
    model = MarianMTModel.from_pretrained(path)
    model.resize_token_embeddings(len(tokenizer))
    tokenizer.save_pretrained(path)
    model.save_pretrained(path)
    return path


def test_placeholder_vocabulary_selects_placeholder_mode(tiny_marian_placeholders: Path) -> None:
    adapter = load_adapter(GenerationSettings(model=str(tiny_marian_placeholders), **FAST))
    assert protection_mode(adapter.tokenizer) == "placeholder"
    generator = ProtectingGenerator(
        BatchedGenerator(adapter, batch_tokens=256), finder(), mode="placeholder"
    )
    [out] = generator.run([SOURCE])
    assert OPEN not in out.text
    assert lost(list(out.spans), out.text, each=False) == []
