"""Model-family adapters over tiny random-weight models loaded from disk."""

from __future__ import annotations

import re

import pytest
import tiny_models

from pipeline.adapters.base import Generation
from pipeline.adapters.loading import detect_family, load_adapter
from pipeline.adapters.marian import MarianAdapter
from pipeline.adapters.t5 import T5Adapter
from pipeline.errors import ConfigError
from pipeline.settings import GenerationSettings

# Short decoding keeps random models quick.
FAST = {"num_beams": 2, "max_new_tokens": 6}
TEXTS = [
    "Hà Nội là thủ đô của Việt Nam.",
    "Xin chào",
    "Chính phủ công bố kế hoạch kinh tế mới cho thành phố Hồ Chí Minh.",
]

# (fixture, family)
FAMILIES = [
    ("tiny_marian", "marian"),
    ("tiny_nllb", "nllb"),
    ("tiny_mbart50", "mbart"),
    ("tiny_mbart25", "mbart"),
    ("tiny_m2m100", "m2m100"),
    ("tiny_t5", "t5"),
    ("tiny_bart", "bart"),
]
FAMILY_IDS = [fixture.removeprefix("tiny_") for fixture, _ in FAMILIES]


@pytest.fixture(scope="module")
def tiny_mbart25(tmp_path_factory: pytest.TempPathFactory):
    return tiny_models.build_tiny_mbart50(
        tmp_path_factory.mktemp("tiny-mbart25"), tokenizer_class="MBartTokenizer"
    )


@pytest.fixture(scope="module")
def tiny_marian_tagged(tmp_path_factory: pytest.TempPathFactory):
    return tiny_models.build_tiny_marian(
        tmp_path_factory.mktemp("tiny-marian-tagged"), target_tags=("en", "vi")
    )


def adapter_for(request: pytest.FixtureRequest, fixture: str, **settings):
    path = request.getfixturevalue(fixture)
    return load_adapter(GenerationSettings(model=str(path), **FAST, **settings))


@pytest.mark.parametrize(("fixture", "family"), FAMILIES, ids=FAMILY_IDS)
def test_load_adapter_detects_family(request, fixture, family):
    assert adapter_for(request, fixture).family == family


@pytest.mark.parametrize(("fixture", "family"), FAMILIES, ids=FAMILY_IDS)
def test_generate_batch_gives_one_scored_text_per_input(request, fixture, family):
    generations = adapter_for(request, fixture).generate_batch(TEXTS)

    assert len(generations) == len(TEXTS)
    assert all(isinstance(g, Generation) for g in generations)
    assert all(isinstance(g.text, str) for g in generations)
    assert all(isinstance(g.score, float) and g.score <= 0 for g in generations)


# (fixture, settings, target code, whether the code is the decoder start itself)
FORCED_TARGETS = [
    ("tiny_nllb", {"tgt_lang": "fra_Latn"}, "fra_Latn", False),
    ("tiny_mbart50", {"tgt_lang": "fr_XX"}, "fr_XX", False),
    ("tiny_mbart25", {"tgt_lang": "ro_RO"}, "ro_RO", True),
    ("tiny_m2m100", {"tgt_lang": "fr"}, "__fr__", False),
]
FORCED_IDS = ["nllb", "mbart50", "mbart25", "m2m100"]
FORCED_ARGS = ("fixture", "settings", "token", "at_start")


@pytest.mark.parametrize(FORCED_ARGS, FORCED_TARGETS, ids=FORCED_IDS)
def test_generation_starts_with_target_language(request, fixture, settings, token, at_start):
    adapter = adapter_for(request, fixture, **settings)
    ids = adapter.tokenizer(TEXTS)["input_ids"]

    [outputs] = adapter._generate([(ids, {**FAST, **adapter._generate_kwargs()})])

    first = 0 if at_start else 1  # else right after the decoder start token
    expected = adapter.tokenizer.convert_tokens_to_ids(token)
    assert [output.ids[first] for output in outputs] == [expected] * len(TEXTS)


@pytest.mark.parametrize(FORCED_ARGS, FORCED_TARGETS, ids=FORCED_IDS)
def test_target_language_token_is_not_decoded(request, fixture, settings, token, at_start):
    tokenizer = adapter_for(request, fixture, **settings).tokenizer
    words = tokenizer("Xin chào", add_special_tokens=False)["input_ids"]
    ids = [tokenizer.convert_tokens_to_ids(token), *words, tokenizer.eos_token_id]

    assert tokenizer.decode(ids, skip_special_tokens=True).strip() == "Xin chào"


# (settings prefix, config prefix, expected)
T5_PREFIXES = [
    ("vi: ", None, "vi: Xin chào"),
    (None, "<2en> ", "<2en> Xin chào"),
    ("summarize: ", "<2en> ", "summarize: Xin chào"),
    ("", "<2en> ", "Xin chào"),
    (None, None, "Xin chào"),
]


@pytest.mark.parametrize(
    ("prefix", "config_prefix", "expected"),
    T5_PREFIXES,
    ids=["settings", "config", "settings-over-config", "turned-off", "none"],
)
def test_t5_prefix(tiny_t5, prefix, config_prefix, expected):
    adapter = T5Adapter(GenerationSettings(model=str(tiny_t5), prefix=prefix))
    adapter.config.prefix = config_prefix

    assert adapter._prepare(["Xin chào"]) == [expected]


# (fixture, tgt_lang, expected)
MARIAN_TAGS = [
    ("tiny_marian_tagged", "en", ">>en<< Xin chào"),
    ("tiny_marian_tagged", None, "Xin chào"),
    ("tiny_marian", "en", "Xin chào"),
]


@pytest.mark.parametrize(
    ("fixture", "tgt_lang", "expected"), MARIAN_TAGS, ids=["in-vocab", "no-target", "not-in-vocab"]
)
def test_marian_target_tag_only_when_in_vocab(request, fixture, tgt_lang, expected):
    adapter = adapter_for(request, fixture, tgt_lang=tgt_lang)

    assert isinstance(adapter, MarianAdapter)
    assert adapter._prepare(["Xin chào"]) == [expected]


# (fixture, field, wrong code, a valid code the message suggests)
WRONG_CODES = [
    ("tiny_nllb", "tgt_lang", "eng_latn", "eng_Latn"),
    ("tiny_nllb", "src_lang", "vi", "vie_Latn"),
    ("tiny_mbart50", "tgt_lang", "en_US", "en_XX"),
    ("tiny_mbart25", "src_lang", "vi", "vi_VN"),
    ("tiny_m2m100", "tgt_lang", "eng", "en"),
]


@pytest.mark.parametrize(
    ("fixture", "field", "code", "suggestion"),
    WRONG_CODES,
    ids=["nllb-tgt", "nllb-src", "mbart50-tgt", "mbart25-src", "m2m100-tgt"],
)
def test_wrong_language_code_raises(request, fixture, field, code, suggestion):
    with pytest.raises(ConfigError, match=rf"{field} {code!r}") as caught:
        adapter_for(request, fixture, **{field: code})

    assert re.search(rf"\b{suggestion}\b", str(caught.value))


@pytest.mark.parametrize(("fixture", "family"), FAMILIES, ids=FAMILY_IDS)
def test_count_tokens_agrees_with_tokenizer(request, fixture, family):
    from transformers import AutoTokenizer

    adapter = adapter_for(request, fixture)
    tokenizer = AutoTokenizer.from_pretrained(request.getfixturevalue(fixture))

    expected = [len(ids) for ids in tokenizer(TEXTS)["input_ids"]]
    assert adapter.count_tokens(TEXTS) == expected


@pytest.mark.parametrize(("fixture", "family"), FAMILIES, ids=FAMILY_IDS)
def test_input_over_max_input_tokens_raises(request, fixture, family):
    adapter = adapter_for(request, fixture, max_input_tokens=8)

    with pytest.raises(ValueError, match="split it"):
        adapter.generate_batch(["Xin chào", TEXTS[2]])


def test_detect_family_rejects_unsupported_config(tmp_path):
    from transformers import GPT2Config

    GPT2Config(n_layer=1, n_embd=16, n_head=2).save_pretrained(tmp_path)

    with pytest.raises(ConfigError, match="GPT2Config") as caught:
        detect_family(str(tmp_path))

    assert "MarianConfig" in str(caught.value)
    assert "T5Config" in str(caught.value)
