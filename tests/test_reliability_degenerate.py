"""Degenerate outputs: what ``diagnose`` flags, and the translate stage's one retry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.adapters import loading
from pipeline.adapters.base import Generation
from pipeline.config import validate_config
from pipeline.document import Document, Paragraph, Segment
from pipeline.evaluation.testsets import load_testset
from pipeline.generation import BatchedGenerator
from pipeline.quality.degenerate import diagnose
from pipeline.runner import run
from pipeline.settings import TranslateSettings
from pipeline.stages.translate import TranslateStage

TESTSET = Path(__file__).resolve().parent / "testset" / "vien-testset-v1.jsonl"
SOURCE = "Hà Nội là thủ đô của Việt Nam và là trung tâm chính trị của cả nước."
GOOD = "Hanoi is the capital of Vietnam and the political centre of the whole country."

DIAGNOSES = [
    ("sound", SOURCE, GOOD, []),
    ("empty", SOURCE, "", ["empty_output"]),
    ("blank", SOURCE, "  \n", ["empty_output"]),
    ("empty-source-empty-output", "…", "", []),
    (
        "unigram-loop",
        SOURCE,
        "Hanoi is is is is the capital of Vietnam, the centre.",
        ["repetition"],
    ),
    ("three-punctuated-unigrams-allowed", "Cực kỳ vui.", "Very, very, very happy.", []),
    (
        "three-unigrams",
        SOURCE,
        "One of the sky, the official official official, the importance of the people.",
        ["repetition"],
    ),
    (
        "bigram-loop",
        SOURCE,
        "Hanoi is the capital the capital the capital of Vietnam.",
        ["repetition"],
    ),
    (
        "four-gram-loop",
        SOURCE,
        "of the people of the people of the people of the people",
        ["repetition"],
    ),
    (
        "dominant-token",
        SOURCE,
        "the Hanoi the capital the Vietnam the centre the the",
        ["repetition"],
    ),
    ("loop-in-source-too", "Ha ha ha ha ha, anh cười.", "Ha ha ha ha ha, he laughed.", []),
    # Loops the word n-grams miss: issue 17's examples, from the bundled model on the seed.
    (
        "echoes-with-light-variation",
        SOURCE,
        "the fact that the fact fact, said in …, says, says on the",
        ["repetition"],
    ),
    (
        "restarted-word-pieces",
        SOURCE,
        "a stimption of free free freezy in the country, and the poor poor poorly",
        ["repetition"],
    ),
    ("one-echo-allowed", SOURCE, "The patient had had kidney failure since he was six.", []),
    ("short-prefix-is-no-echo", SOURCE, "Hanoi is the theory of the capital of Vietnam.", []),
    (
        "letter-loop",
        SOURCE,
        "Thansssssss, the head of the National Foundation, head of the province.",
        ["repetition"],
    ),
    ("unit-loop", SOURCE, "SOOT 202 NAME HOPE DANANANANANANAANANANAN 2016 - 2021", ["repetition"]),
    ("three-letters", SOURCE, "the best way of freezzzucturgned trade in Vietnam", ["repetition"]),
    ("two-units-allowed", SOURCE, "Training in the capital exceeded the plan for Vietnam.", []),
    ("roman-numeral", "Chiến tranh thế giới thứ ba", "World War III", []),
    (
        "letter-run-copied-from-source",
        "Giá xăng RON 95-III tăng 540 đồng mỗi lít từ chiều nay.",
        "The price of RON 95-III petrol rose by 540 dong per litre from this afternoon.",
        [],
    ),
    (
        "loop-with-variation-compresses",
        "Đối với các đơn vị, địa phương, cần chủ động phối hợp với cơ quan dân vận thực hiện rà "
        "soát, xây dựng, bổ sung, sửa đổi quy chế phối hợp phù hợp với tình hình thực tế.",
        ", ".join(
            f"the people of the {place} said that the plan is good"
            for place in ("commune", "district", "town", "city")
        ),
        ["repetition"],
    ),
    ("copied", SOURCE, SOURCE, ["copied_source"]),
    (
        "copied-other-case-and-spaces",
        SOURCE,
        "  hà nội LÀ thủ đô của việt nam và là trung tâm chính trị của cả nước. ",
        ["copied_source"],
    ),
    ("names-rightly-copied", "Thu Trang – Công Luận", "Thu Trang – Công Luận", []),
    ("address-rightly-copied", "(kontumtv.vn)", "(kontumtv.vn)", []),
    ("years-rightly-copied", "2016 – 2021", "2016 – 2021", []),
    (
        "mostly-vietnamese",
        SOURCE,
        "Hanoi là thủ đô của Vietnam.",
        ["copied_source"],
    ),
    (
        "vietnamese-names-are-fine",
        SOURCE,
        "Chairman Nguyễn Văn Hòa chaired the meeting in Hà Nội today.",
        [],
    ),
    ("too-short", SOURCE, "Hanoi.", ["length_ratio"]),
    ("too-long", SOURCE, GOOD * 4, ["repetition", "length_ratio"]),  # the sentence loops too
    (
        "too-long-without-loop",
        "Hà Nội mưa to cả ngày hôm nay.",
        "Heavy rain fell across Hanoi all day, flooding streets in the old quarter and "
        "stopping buses on several routes while schools sent their pupils home early.",
        ["length_ratio"],
    ),
    ("short-source-not-judged", "Hà Nội", "The city of Hanoi, the capital of Vietnam", []),
]


@pytest.mark.parametrize(
    ("source", "output", "flags"), [c[1:] for c in DIAGNOSES], ids=[c[0] for c in DIAGNOSES]
)
def test_diagnose(source: str, output: str, flags: list[str]) -> None:
    assert diagnose(source, output) == flags


def reference_pairs() -> list[tuple[str, str]]:
    testset = load_testset(TESTSET)
    return [(pair.vi, pair.en) for doc in testset.documents for pair in doc.pairs]


def test_no_reference_translation_of_the_test_set_is_flagged() -> None:
    """The thresholds were measured on these 394 human translations: zero false alarms."""
    pairs = reference_pairs()
    flagged = [(en, diagnose(vi, en)) for vi, en in pairs if diagnose(vi, en)]
    assert len(pairs) == 394
    assert flagged == []


class ScriptedAdapter:
    """A fake model: ``plain`` answers normal decoding, ``safe`` the retry's safer decoding.

    One token per word; records the options of every call.
    """

    max_input_tokens = 64

    def __init__(self, plain: dict[str, str], safe: dict[str, str]) -> None:
        self.plain, self.safe = plain, safe
        self.calls: list[tuple[list[str], dict[str, Any]]] = []

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(t.split()) + 1 for t in texts]

    def generate_batch(self, texts: list[str], **options: Any) -> list[Generation]:
        self.calls.append((list(texts), options))
        table = self.safe if options.get("no_repeat_ngram_size") else self.plain
        return [Generation(text=table.get(t, GOOD), score=-0.5) for t in texts]

    def describe(self) -> dict[str, Any]:
        return {"model": "scripted"}

    def signature(self) -> str:
        return "adapter:scripted"


LOOP = "the the the the the the the the"
FIXED = "Hanoi is the capital and the political centre of the whole of Vietnam."


def translate(adapter: ScriptedAdapter, texts: list[str], **settings: Any) -> list[Segment]:
    # The script answers the sentences as written: no protected spans rewrite them.
    settings = {"protect": False, **settings}
    stage = TranslateStage(TranslateSettings(model="scripted", max_new_tokens=200, **settings))
    stage.context["generators"] = {
        stage.settings.model_dump_json(): BatchedGenerator(adapter, batch_tokens=1000)
    }
    segments = [Segment(id=f"d/p1/s{i}", vi=t, start=0, end=len(t)) for i, t in enumerate(texts)]
    doc = Document(id="d", source="d.txt", text=" ".join(texts))
    doc.paragraphs = [Paragraph(index=1, start=0, end=len(doc.text), segments=segments)]
    stage(doc)
    return segments


def test_degenerate_output_is_retried_and_replaced() -> None:
    (segment,) = translate(ScriptedAdapter({SOURCE: LOOP}, {SOURCE: FIXED}), [SOURCE])
    assert (segment.en, segment.flags) == (FIXED, ["retried"])


def test_retry_uses_safer_decoding() -> None:
    adapter = ScriptedAdapter({SOURCE: LOOP}, {SOURCE: FIXED})
    translate(adapter, [SOURCE], num_beams=2)
    _, options = adapter.calls[-1]
    tokens = len(SOURCE.split()) + 1
    assert options == {"num_beams": 4, "no_repeat_ngram_size": 3, "max_new_tokens": 2 * tokens + 10}


def test_only_degenerate_segments_are_retried() -> None:
    adapter = ScriptedAdapter({SOURCE: LOOP}, {SOURCE: FIXED})
    translate(adapter, [SOURCE, "Hôm nay trời đẹp và nắng ấm trên khắp cả nước."])
    # The first pass batches by token length (two lengths, two batches); the retry one.
    assert [texts for texts, _ in adapter.calls] == [
        [SOURCE],
        ["Hôm nay trời đẹp và nắng ấm trên khắp cả nước."],
        [SOURCE],
    ]
    assert "no_repeat_ngram_size" in adapter.calls[-1][1]


def test_still_degenerate_after_retry_keeps_its_flags() -> None:
    (segment,) = translate(ScriptedAdapter({SOURCE: LOOP}, {SOURCE: "Hanoi."}), [SOURCE])
    assert segment.en == "Hanoi."
    assert segment.flags == ["retried", "length_ratio"]


def test_worse_retry_is_discarded() -> None:
    worse = "the the the the"  # a loop and too short: two problems instead of one
    (segment,) = translate(ScriptedAdapter({SOURCE: "Hanoi."}, {SOURCE: worse}), [SOURCE])
    assert segment.en == "Hanoi."
    assert segment.flags == ["retried", "length_ratio"]


def test_retry_can_be_switched_off() -> None:
    adapter = ScriptedAdapter({SOURCE: LOOP}, {SOURCE: FIXED})
    (segment,) = translate(adapter, [SOURCE], retry_degenerate=False)
    assert (segment.en, segment.flags) == (LOOP, ["repetition"])
    assert len(adapter.calls) == 1


def test_lost_number_is_flagged() -> None:
    source = "Giá xăng tăng lên 25.230 đồng/lít từ 15 giờ chiều nay."
    fine = "Petrol rose to 25,230 dong per litre from 3 p.m. this afternoon."
    lost = "Petrol rose to 25.230 dong per litre from 3 p.m. this afternoon."
    adapter = ScriptedAdapter({source: fine, source + " ": lost}, {})
    kept, dropped = translate(adapter, [source, source + " "])
    assert (kept.flags, dropped.flags) == ([], ["number_mismatch"])


def test_number_check_can_be_switched_off() -> None:
    source = "Công ty tuyển thêm 100 nhân viên cho nhà máy mới ở Bắc Ninh."
    adapter = ScriptedAdapter({source: "The company is hiring more staff for its new plant."}, {})
    (segment,) = translate(adapter, [source], check_numbers=False)
    assert segment.flags == []


def test_length_cap_limits_each_batch() -> None:
    adapter = ScriptedAdapter({}, {})
    generator = BatchedGenerator(adapter, batch_tokens=10)
    generator.run(
        ["một hai ba", "một hai ba bốn năm sáu bảy tám"], max_new_tokens=15, length_cap=(2.0, 1)
    )
    assert sorted(options["max_new_tokens"] for _, options in adapter.calls) == [9, 15]


def test_manifest_counts_retries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    second = "Hôm nay trời đẹp và nắng ấm trên khắp cả nước, ai cũng vui."
    third = "Giá xăng tăng lên 25.230 đồng/lít từ chiều nay trên cả nước."
    fourth = "Giá dầu giảm còn 21.120 đồng/lít, người dân bớt lo lắng hơn."
    adapter = ScriptedAdapter(
        {
            SOURCE: LOOP,
            second: LOOP,
            third: "Petrol prices rose again this afternoon nationwide.",
            fourth: "Thansssssss, the head of the oil, the people are less worried.",
        },
        # The fourth's retry stops the loop but loses the price: not fixed.
        {SOURCE: FIXED, second: "It.", fourth: "Oil prices fell and people are less worried."},
    )
    monkeypatch.setattr(loading, "load_adapter", lambda settings: adapter)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(
        f"{SOURCE} {second}\n\n{third} {fourth}\n", encoding="utf-8"
    )
    config = validate_config(
        {
            "pipeline": ["normalize", "segment", "translate"],
            "translate": {"model": "scripted", "protect": False},
            "output": {"formats": ["jsonl"]},
        }
    )
    run([str(tmp_path / "in")], tmp_path / "out", config, progress=False)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["quality"] == {
        "degenerate": 1,
        "retried": 3,
        "fixed_by_retry": 1,
        "number_mismatch": 2,
        "summary_fallback": 0,
    }
    assert manifest["counts"]["flags"] == {"retried": 3, "length_ratio": 1, "number_mismatch": 2}
