"""The summarize stage: registered methods, the faithfulness guard and its lead fallback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline import registry
from pipeline.adapters import loading
from pipeline.adapters.base import Generation
from pipeline.build import build_stages
from pipeline.config import validate_config
from pipeline.document import (
    FLAG_BYLINE,
    FLAG_HEADLINE,
    FLAG_SUMMARY_FALLBACK,
    Document,
    Paragraph,
    Segment,
)
from pipeline.errors import ConfigError, StageError
from pipeline.runner import run
from pipeline.stages.summarize import SummarizeStage

BODY = [
    (
        "Ông Nguyễn Văn Hùng, Chủ tịch UBND tỉnh Nghệ An, cho biết 2.500 người đã được sơ tán.",
        "Mr Nguyen Van Hung said 2,500 people were evacuated.",
    ),
    (
        "Mưa lớn kéo dài từ ngày 6/3 gây ngập nhiều xã.",
        "Heavy rain since March 6 flooded communes.",
    ),
    ("Tỉnh đã chi 1,5 tỷ đồng để hỗ trợ người dân.", "The province spent 1.5 billion dong."),
]
FAITHFUL = "Nghệ An sơ tán 2.500 người vì mưa lớn từ ngày 6/3."
INVENTED_NUMBER = "Nghệ An sơ tán 3.000 người vì mưa lớn."
# The faithful summary as the translator receives it: names and numbers in English.
PROTECTED = "Nghe An sơ tán 2,500 người vì mưa lớn từ ngày March 6."
FAITHFUL_EN = "Nghe An evacuated 2,500 people after heavy rain since March 6."
LEAD_2_VI = " ".join(vi for vi, _ in BODY[:2])
LEAD_2_EN = " ".join(en for _, en in BODY[:2])


def document() -> Document:
    texts = [("Tiêu đề", "Headline"), ("Câu một.", "One."), ("Câu hai.", "Two."),
             ("Câu ba.", "Three."), ("Câu bốn.", "Four."), ("Thu Trang", "Thu Trang")]  # fmt: skip
    segments = [Segment(id=f"d/p{i}/s1", vi=vi, en=en, start=0, end=0) for i, (vi, en) in
                enumerate(texts, start=1)]  # fmt: skip
    segments[0].flag(FLAG_HEADLINE)
    segments[-1].flag(FLAG_BYLINE)
    paragraphs = [Paragraph(index=i, start=0, end=0, segments=[s]) for i, s in enumerate(segments)]
    return Document(id="d", source="d.txt", text="", paragraphs=paragraphs)


def news(*, translated: bool = True) -> Document:
    """A three-sentence article, translated or not."""
    segments = [
        Segment(id=f"n/p1/s{i}", vi=vi, en=en if translated else None, start=0, end=0)
        for i, (vi, en) in enumerate(BODY, start=1)
    ]
    return Document(
        id="n", source="n.txt", text="", paragraphs=[Paragraph(1, 0, 0, segments=segments)]
    )


class ScriptedModel:
    """A fake model: answers ``outputs[text]``, else ``default``; one token per word."""

    max_input_tokens = 512

    def __init__(self, name: str, outputs: dict[str, str], default: str, checksum: str) -> None:
        self.name, self.outputs, self.default, self.checksum = name, outputs, default, checksum
        self.inputs: list[str] = []

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(t.split()) + 1 for t in texts]

    def generate_batch(self, texts: list[str], **options: Any) -> list[Generation]:
        self.inputs.extend(texts)
        return [Generation(self.outputs.get(t, self.default), -0.5) for t in texts]

    def describe(self) -> dict[str, Any]:
        return {"model": self.name, "checksum": self.checksum}


@pytest.fixture
def models(monkeypatch: pytest.MonkeyPatch) -> dict[str, ScriptedModel]:
    """Scripted models by name: ``sum`` summarizes (``FAITHFUL`` by default), ``mt`` translates."""
    table = {
        "sum": ScriptedModel("sum", {}, FAITHFUL, "1a2b3c4d5e6f"),
        "other-sum": ScriptedModel("other-sum", {}, FAITHFUL, "99887766"),
        "mt": ScriptedModel("mt", {PROTECTED: FAITHFUL_EN}, "EN", "00"),
    }
    monkeypatch.setattr(loading, "load_adapter", lambda settings: table[settings.model])
    return table


def model_stage(**summarize: Any) -> SummarizeStage:
    section = {"method": "model", "vi": {"model": "sum"}, **summarize}
    config = validate_config({"pipeline": ["translate", "summarize"],
                              "translate": {"model": "mt"}, "summarize": section})  # fmt: skip
    return SummarizeStage(config.stages["summarize"], context={"config": config})


@pytest.mark.parametrize(("n", "vi", "en"), [
    (1, "Câu một.", "One."),
    (3, "Câu một. Câu hai. Câu ba.", "One. Two. Three."),
    (9, "Câu một. Câu hai. Câu ba. Câu bốn.", "One. Two. Three. Four."),
], ids=["lead-1", "lead-3", "longer-than-the-body"])  # fmt: skip
def test_lead_takes_the_first_body_sentences(n: int, vi: str, en: str) -> None:
    config = validate_config({"pipeline": ["summarize"],
                              "summarize": {"method": "lead", "lead_sentences": n}})  # fmt: skip
    stage = SummarizeStage(config.stages["summarize"], context={"config": config})
    doc = stage(document())
    assert doc.summaries == {"vi": vi, "en": en}
    assert stage.signature() == f"sum:lead-{n}"


def test_lead_needs_the_translations() -> None:
    config = validate_config({"pipeline": ["normalize", "segment", "summarize"],
                              "summarize": {"method": "lead"}})  # fmt: skip
    with pytest.raises(StageError, match="requires translations"):
        build_stages(config)


def test_lead_without_english_needs_no_translations() -> None:
    config = validate_config({"pipeline": ["normalize", "segment", "summarize"],
                              "summarize": {"method": "lead", "lead_sentences": 2,
                                            "en": {"mode": "off"}}})  # fmt: skip
    stage = build_stages(config)[-1]
    assert stage(document()).summaries == {"vi": "Câu một. Câu hai."}
    assert stage.signature() == "sum:lead-2|en:off"


def test_lead_is_the_schema_default() -> None:
    config = validate_config({"pipeline": ["summarize"]})
    assert config.stages["summarize"].model_dump() == {
        "method": "lead", "lead_sentences": 3, "en": {"mode": "translate"}
    }  # fmt: skip


@pytest.mark.parametrize("method", sorted(registry.SUMMARIZERS))
def test_each_registered_method_validates_with_its_own_schema(method: str) -> None:
    schema = registry.get_summarizer(method).Settings
    assert schema.model_fields["method"].annotation.__args__ == (method,)


@pytest.mark.parametrize(("section", "message"), [
    ({"method": "lead", "vi": {"model": "m"}}, "summarize.vi: unknown key"),
    ({"vi": {"model": "m"}}, "summarize: Value error, vi: keys of method model; add method: model"),
    ({"method": "extractive"}, "summarize.method: Value error, unknown summarize method "
                               "'extractive'; valid: lead, model"),
    ({"method": "model", "lead_sentences": 0}, "summarize.lead_sentences: Input should be"),
    ({"method": "model", "vi": {"model": "m", "backend": "ctranslate2", "copy_bias": 2}},
     "summarize.vi: Value error, copy_bias needs backend: transformers"),
], ids=["key-of-another-method", "method-missing", "unknown-method", "bad-value",
        "copy-bias-with-ctranslate2"])  # fmt: skip
def test_settings_errors_name_the_key(section: dict, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        validate_config({"pipeline": ["summarize"], "summarize": section})
    assert str(info.value).startswith(message)


def test_faithful_summary_is_kept_and_translated(models: dict[str, ScriptedModel]) -> None:
    doc = model_stage()(news())
    assert doc.summaries == {"vi": FAITHFUL, "en": FAITHFUL_EN}
    assert doc.flags == []
    # Its names and numbers are protected like the body's.
    assert models["mt"].inputs == [PROTECTED]


def test_summary_translation_unprotected_when_protect_is_off(
    models: dict[str, ScriptedModel],
) -> None:
    models["mt"].outputs = {FAITHFUL: "Nghe An evacuated people."}
    section = {"method": "model", "vi": {"model": "sum"}}
    config = validate_config({"pipeline": ["translate", "summarize"],
                              "translate": {"model": "mt", "protect": False},
                              "summarize": section})  # fmt: skip
    doc = SummarizeStage(config.stages["summarize"], context={"config": config})(news())
    assert doc.summaries["en"] == "Nghe An evacuated people."
    assert models["mt"].inputs == [FAITHFUL]


def test_unsupported_number_falls_back_to_lead(models: dict[str, ScriptedModel]) -> None:
    models["sum"].default = INVENTED_NUMBER
    doc = model_stage(lead_sentences=2)(news())
    assert doc.summaries == {"vi": LEAD_2_VI, "en": LEAD_2_EN}
    assert doc.flags == [FLAG_SUMMARY_FALLBACK]
    # The refused summary is never translated; the lead comes with its translations.
    assert models["mt"].inputs == []


def test_fallback_without_translations_translates_the_lead(
    models: dict[str, ScriptedModel],
) -> None:
    models["sum"].default = INVENTED_NUMBER
    protected = (
        "Ông Nguyen Van Hung, Chairman of the provincial People's Committee Nghe An,"
        " cho biết 2,500 người đã được sơ tán."
    )
    english = (
        "Mr Nguyen Van Hung, Chairman of the provincial People's Committee Nghe An,"
        " said 2,500 people were evacuated."
    )
    models["mt"].outputs = {protected: english}
    doc = model_stage(lead_sentences=1)(news(translated=False))
    assert doc.summaries == {"vi": BODY[0][0], "en": english}
    assert models["mt"].inputs == [protected]


def test_fallback_keeps_english_off(models: dict[str, ScriptedModel]) -> None:
    models["sum"].default = INVENTED_NUMBER
    doc = model_stage(lead_sentences=2, en={"mode": "off"})(news())
    assert doc.summaries == {"vi": LEAD_2_VI}


def test_guard_can_be_switched_off(models: dict[str, ScriptedModel]) -> None:
    models["sum"].default = INVENTED_NUMBER
    doc = model_stage(guard=False, en={"mode": "off"})(news())
    assert (doc.summaries, doc.flags) == ({"vi": INVENTED_NUMBER}, [])


def test_unsupported_english_summary_falls_back(models: dict[str, ScriptedModel]) -> None:
    models["en-sum"] = ScriptedModel("en-sum", {}, "Nghe An evacuated 9,000 people.", "ab")
    doc = model_stage(en={"mode": "model", "model": {"model": "en-sum"}}, lead_sentences=1)(news())
    assert doc.summaries == {"vi": BODY[0][0], "en": BODY[0][1]}
    assert doc.flags == [FLAG_SUMMARY_FALLBACK]


@pytest.mark.parametrize(
    ("read_tokens", "sentences"),
    [(None, 3), (8, 1), (31, 2)],
    ids=["whole-article", "first-sentence-even-if-longer", "within-budget"],
)
def test_read_tokens_reads_the_opening(
    models: dict[str, ScriptedModel], read_tokens: int | None, sentences: int
) -> None:
    model_stage(vi={"model": "sum", "read_tokens": read_tokens}, en={"mode": "off"})(news())
    assert models["sum"].inputs == [" ".join(vi for vi, _ in BODY[:sentences])]


def test_signature_names_the_summarizer_model(models: dict[str, ScriptedModel]) -> None:
    first = model_stage(lead_sentences=2).signature()
    assert first == "sum:model|vi:sum@1a2b3c4d/beam4|en:translate|guard:lead-2"
    other = model_stage(vi={"model": "other-sum"}, lead_sentences=2).signature()
    assert other == "sum:model|vi:other-sum@99887766/beam4|en:translate|guard:lead-2"


def test_copy_bias_is_passed_to_the_model(
    models: dict[str, ScriptedModel], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[dict[str, Any]] = []
    original = ScriptedModel.generate_batch

    def recording(self: ScriptedModel, texts: list[str], **options: Any) -> list[Generation]:
        seen.append(options)
        return original(self, texts, **options)

    monkeypatch.setattr(ScriptedModel, "generate_batch", recording)
    stage = model_stage(vi={"model": "sum", "copy_bias": 1.5}, en={"mode": "off"})
    stage(news())
    assert seen[0]["copy_bias"] == 1.5
    assert stage.signature().startswith("sum:model|vi:sum@1a2b3c4d/beam4/copy1.5|")


def test_manifest_counts_fallbacks(tmp_path: Path, models: dict[str, ScriptedModel]) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(" ".join(vi for vi, _ in BODY) + "\n", encoding="utf-8")
    (inputs / "b.txt").write_text("Nghệ An có mưa lớn. Người dân được sơ tán.\n", "utf-8")
    faithful_for_b = "Nghệ An có mưa lớn."
    models["sum"].outputs = {"Nghệ An có mưa lớn. Người dân được sơ tán.": faithful_for_b}
    models["sum"].default = INVENTED_NUMBER
    config = validate_config({
        "pipeline": ["normalize", "segment", "summarize"],
        "summarize": {"method": "model", "vi": {"model": "sum"}, "en": {"mode": "off"}},
        "output": {"formats": ["summaries"]},
    })  # fmt: skip
    run([str(inputs)], tmp_path / "out", config, progress=False)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["quality"]["summary_fallback"] == 1
    stored = json.loads((tmp_path / "out" / "docs" / "a.json").read_text(encoding="utf-8"))
    assert stored["flags"] == [FLAG_SUMMARY_FALLBACK]


def test_documents_written_before_document_flags_load() -> None:
    data = document().to_dict()
    del data["flags"]
    assert Document.from_dict(data).flags == []
