"""Tests of the training commands on a tiny synthetic corpus (never ../shared)."""

from __future__ import annotations

import json
import lzma
import random
from pathlib import Path

import pytest

from pipeline.config import load_settings
from pipeline.errors import ConfigError
from pipeline.training.data import read_wiktionary, split_documents
from pipeline.training.detok import detokenize, unescape_iwslt
from pipeline.training.settings import TranslationConfig
from pipeline.training.vietnews import desegment

# MarianTokenizer recommends sacremoses, which vien does not use.
pytestmark = pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses")

CONFIGS = Path(__file__).resolve().parent.parent / "configs"
VI_WORDS = ["tôi", "bạn", "nhà", "mới", "đẹp", "người", "dân", "thành", "phố", "Hà", "Nội", "năm"]
EN_WORDS = ["I", "you", "house", "new", "nice", "people", "city", "Hanoi", "year", "the", "a"]


def _sentence(rng: random.Random, words: list[str]) -> str:
    """A tokenized sentence: spaces around punctuation, as in EVBNews."""
    body = " ".join(rng.choice(words) for _ in range(rng.randint(3, 9)))
    return f'{body} , " {rng.choice(words)} " {rng.randint(1, 99)} % .'


def _write(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


@pytest.fixture(scope="module")
def mt_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """EVBNews-, manythings-, Wiktionary-, WMT24++- and IWSLT-format files."""
    root = tmp_path_factory.mktemp("mt")
    rng = random.Random(0)
    vi, en, ids = [], [], []
    for doc in range(12):
        for pair in range(1, 4):
            vi.append(_sentence(rng, VI_WORDS))
            en.append(_sentence(rng, EN_WORDS))
            ids.append(f"N{doc:04d}\t{pair}")
    _write(root / "evbnews.vi", vi)
    _write(root / "evbnews.en", en)
    _write(root / "evbnews.ids", ids)
    _write(root / "manythings.vie", ["Chạy!", "Chào bạn."])
    _write(root / "manythings.eng", ["Run!", "Hello!"])
    _write(root / "wiktionary.tsv", ["house\tnhà", "nation\t国", "city\tthành phố"])
    _write(root / "wmt.vi", ["Tôi yêu Hà Nội.", "Nhà mới đẹp."])
    _write(root / "wmt.en", ["I love Hanoi.", "The new house is nice."])
    _write(root / "tst.vi", ["Tôi nói &quot; chào &quot; ."])
    _write(root / "tst.en", ["I said &quot; hello &quot; and it &apos;s nice ."])
    return root


@pytest.fixture(scope="module")
def sum_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """VietNews-format jsonl.xz files: segmented words joined by ``_``."""
    root = tmp_path_factory.mktemp("sum")
    rng = random.Random(1)
    words = ["người_dân", "thành_phố", "Hà_Nội", "phát_hiện", "ngày", "17/7", "công_an", "xã"]
    for name, n in (("train", 24), ("val", 6)):
        with lzma.open(root / f"{name}.jsonl.xz", "wt", encoding="utf-8") as f:
            for i in range(n):
                body = "\n".join(
                    " ".join(rng.choices(words, k=8)) + " ." for _ in range(rng.randint(2, 5))
                )
                record = {
                    "id": f"{i:06d}",
                    "title_seg": " ".join(rng.choices(words, k=5)),
                    "abstract_seg": " ".join(rng.choices(words, k=6)) + " , 12 .",
                    "body_seg": body,
                    "body_truncated": False,
                }
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return root


def _assert_generates(model_dir: Path, texts: list[str]) -> None:
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    model = AutoModelForSeq2SeqLM.from_pretrained(str(model_dir), local_files_only=True)
    batch = tokenizer(texts, return_tensors="pt", padding=True)
    outputs = tokenizer.batch_decode(
        model.generate(**batch, max_length=8), skip_special_tokens=True
    )
    assert len(outputs) == len(texts)
    assert all(isinstance(text, str) for text in outputs)


def test_train_translation_saves_a_model_the_auto_classes_load(mt_corpus: Path, tmp_path: Path):
    from pipeline.training.translate import train_translation

    overrides = {
        "output_dir": str(tmp_path / "model"),
        "work_dir": str(tmp_path / "work"),
        "data.evbnews": str(mt_corpus / "evbnews"),
        "data.manythings": str(mt_corpus / "manythings"),
        "data.wiktionary": str(mt_corpus / "wiktionary.tsv"),
        "data.dev_sets": {
            "wmt24pp": {"prefix": str(mt_corpus / "wmt")},
            "iwslt_tst2012": {"prefix": str(mt_corpus / "tst"), "format": "iwslt"},
        },
    }
    report = train_translation(CONFIGS / "train-translate-tiny.yaml", overrides=overrides)
    assert set(report["scores"]) == {"evbnews_test", "wmt24pp", "iwslt_tst2012"}
    assert report["loop"]["steps"] == 6
    _assert_command_reproduces(report["scores"]["wmt24pp"], tmp_path / "again")
    _assert_testsets_match_the_scored_sets(overrides, tmp_path)
    for name in ("source.spm", "target.spm", "vocab.json", "model.safetensors"):
        assert (tmp_path / "model" / name).is_file()
    tokenizer_config = json.loads((tmp_path / "model" / "tokenizer_config.json").read_text())
    assert (tokenizer_config["source_lang"], tokenizer_config["target_lang"]) == ("vi", "en")
    _assert_generates(tmp_path / "model", ["Tôi yêu Hà Nội.", "Nhà mới đẹp quá, bạn ạ!"])


def _assert_testsets_match_the_scored_sets(overrides: dict, tmp_path: Path) -> None:
    """``vien train testsets`` writes the very files the report's commands score."""
    import shlex

    from typer.testing import CliRunner

    from pipeline.cli import app

    out = tmp_path / "sets"
    sets = [f"{key}={value}" for key, value in overrides.items() if key != "data.dev_sets"]
    dev = {name: {"prefix": spec["prefix"], "format": spec.get("format", "plain")}
           for name, spec in overrides["data.dev_sets"].items()}  # fmt: skip
    sets += [f"testsets_dir={out}", f"data.dev_sets={json.dumps(dev)}"]
    args = ["train", "testsets", "--config", str(CONFIGS / "train-translate-tiny.yaml")]
    args += [part for item in sets for part in ("--set", item)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    written = json.loads(result.stdout)
    assert set(written) == {"evbnews_test", "wmt24pp", "iwslt_tst2012"}
    for name in written:
        scored = tmp_path / "work" / "eval" / f"{name}.tsv"
        assert (out / f"{name}.tsv").read_bytes() == scored.read_bytes(), shlex.quote(name)


def _assert_command_reproduces(score: dict, out: Path) -> None:
    """The report's ``vien eval`` command, run again, gives the report's figures."""
    import shlex

    from typer.testing import CliRunner

    from pipeline.cli import app

    args = shlex.split(score["command"])
    assert args[:3] == ["vien", "eval", "--tsv"]
    args[args.index("-o") + 1] = str(out)
    result = CliRunner().invoke(app, args[1:])
    assert result.exit_code == 0, result.output
    again = json.loads((out / "report.json").read_text(encoding="utf-8"))["metrics"]
    assert (again["translation"]["bleu"], again["translation"]["chrf"]) == (
        score["bleu"],
        score["chrf"],
    )


def test_train_summarization_saves_a_model_the_auto_classes_load(sum_corpus: Path, tmp_path: Path):
    from pipeline.training.export import export_run
    from pipeline.training.summarize import train_summarization

    overrides = {
        "output_dir": str(tmp_path / "model"),
        "work_dir": str(tmp_path / "work"),
        "data.train": str(sum_corpus / "train.jsonl.xz"),
        "data.validation": str(sum_corpus / "val.jsonl.xz"),
    }
    report = train_summarization(CONFIGS / "train-summarize-tiny.yaml", overrides=overrides)
    assert {"model", "lead-1", "lead-2", "lead-3"} <= set(report["scores"])
    assert report["scores"]["lead-1"]["articles"] == 4
    generation = json.loads((tmp_path / "model" / "generation_config.json").read_text())
    assert generation["no_repeat_ngram_size"] == 3
    _assert_generates(tmp_path / "model", ["Người dân Hà Nội phát hiện ngày 17/7."])
    # A summarizer's run exports like a translator's: Vietnamese in, Vietnamese out.
    exported = export_run(
        CONFIGS / "train-summarize-tiny.yaml",
        overrides={**overrides, "export_dir": str(tmp_path / "exported")},
    )
    assert exported["averaged_steps"] == [2, 4]
    tokenizer = json.loads((tmp_path / "exported" / "tokenizer_config.json").read_text())
    assert (tokenizer["source_lang"], tokenizer["target_lang"]) == ("vi", "vi")
    _assert_generates(tmp_path / "exported", ["Người dân Hà Nội phát hiện ngày 17/7."])


@pytest.mark.parametrize(
    ("tokenized", "expected"),
    [
        ("What is a Fenqing ?", "What is a Fenqing?"),
        ('means " angry youth " .', 'means "angry youth".'),
        ("Murray did n't tell", "Murray didn't tell"),
        ("in today 's China", "in today's China"),
        ("the file(s ) you want", "the file(s) you want"),
        ("costs $ 5 ( 10 % )", "costs $5 (10%)"),
        ('again ," he said', 'again," he said'),
        ("the actors ' work", "the actors' work"),
        ("a ' capture ' technology", "a 'capture' technology"),
        ("wait ...", "wait..."),
        ("Standard & Poor 's 500", "Standard & Poor's 500"),
        ("fervency - just", "fervency - just"),
        ("Hà Nội , ngày 17/7 .", "Hà Nội, ngày 17/7."),
        ("Ho\u0300a", "Hòa"),
    ],
    ids=[
        "question-mark",
        "double-quotes-alternate",
        "negation",
        "possessive",
        "closing-paren",
        "currency-percent-parens",
        "comma-closing-quote",
        "plural-possessive",
        "single-quotes",
        "ellipsis",
        "ampersand-kept",
        "dash-kept",
        "vietnamese",
        "nfc",
    ],
)
def test_detokenize(tokenized: str, expected: str):
    assert detokenize(tokenized) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("I don &apos;t remember .", "I don't remember."),
        ("his country &apos;s unity", "his country's unity"),
        ("a &quot; finished &quot; story", 'a "finished" story'),
        ("AT &amp; T", "AT & T"),
        ("&lt; 5 &gt;", "< 5 >"),
    ],
    ids=["apos-contraction", "apos-possessive", "quot", "amp", "lt-gt"],
)
def test_unescape_iwslt(line: str, expected: str):
    assert unescape_iwslt(line) == expected


def test_desegment_joins_syllables_and_punctuation():
    assert desegment("người_dân phát_hiện , ngày 17/7 .") == "người dân phát hiện, ngày 17/7."


def test_wiktionary_skips_chu_nom(mt_corpus: Path):
    assert read_wiktionary(mt_corpus / "wiktionary.tsv") == [
        ("nhà", "house"),
        ("thành phố", "city"),
    ]


def test_split_documents_keeps_documents_whole():
    docs = {f"D{i}": [(f"vi{i}-{j}", f"en{i}-{j}") for j in range(3)] for i in range(10)}
    train, valid, test = split_documents(docs, 2, 3, seed=7)
    assert (len(train), len(valid), len(test)) == (15, 6, 9)
    doc_of = {pair: pair[0].split("-")[0] for pair in train + valid + test}
    assert not {doc_of[p] for p in train} & {doc_of[p] for p in valid + test}
    assert split_documents(docs, 2, 3, seed=7) == (train, valid, test)


def test_invalid_override_is_reported_with_its_path():
    with pytest.raises(ConfigError, match="train.max_step"):
        load_settings(
            CONFIGS / "train-translate-tiny.yaml", TranslationConfig, {"train.max_step": 1}
        )


def test_cli_trains_then_continues_from_the_saved_model(mt_corpus: Path, tmp_path: Path):
    """`vien train translate` end to end, then a second stage with ``train.init_from``."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    dev_sets = (
        f"{{wmt24pp: {{prefix: {mt_corpus / 'wmt'}}}, "
        f"iwslt_tst2012: {{prefix: {mt_corpus / 'tst'}, format: iwslt}}}}"
    )
    common = [
        "--set", f"data.evbnews={mt_corpus / 'evbnews'}",
        "--set", f"data.manythings={mt_corpus / 'manythings'}",
        "--set", f"data.wiktionary={mt_corpus / 'wiktionary.tsv'}",
        "--set", f"data.dev_sets={dev_sets}",
    ]  # fmt: skip
    config = str(CONFIGS / "train-translate-tiny.yaml")
    first = CliRunner().invoke(
        app,
        ["train", "translate", "--config", config, *common,
         "--set", f"output_dir={tmp_path / 'first'}", "--set", f"work_dir={tmp_path / 'w1'}"],
    )  # fmt: skip
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["loop"]["steps"] == 6
    second = CliRunner().invoke(
        app,
        ["train", "translate", "--config", config, *common,
         "--set", f"train.init_from={tmp_path / 'first'}",
         "--set", f"output_dir={tmp_path / 'second'}", "--set", f"work_dir={tmp_path / 'w2'}"],
    )  # fmt: skip
    assert second.exit_code == 0, second.output
    assert (tmp_path / "second" / "source.spm").read_bytes() == (
        tmp_path / "first" / "source.spm"
    ).read_bytes()
    _assert_generates(tmp_path / "second", ["Tôi yêu Hà Nội."])


def test_cli_training_override_error_is_one_line(tmp_path: Path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(
        app, ["train", "translate", "--config", str(CONFIGS / "train-translate-tiny.yaml"),
              "--set", "nodots"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith("vien: error: --set 'nodots'")


def test_recipe_runs_forward_backward_backtranslation_and_final(mt_corpus: Path, tmp_path: Path):
    """The GPU recipe's four steps, end to end on a tiny config (CPU, seconds)."""
    import yaml

    from pipeline.protect.placeholders import BACK_TRANSLATION_TAG
    from pipeline.training.steps import run_recipe

    mono = tmp_path / "mono.en"
    _write(mono, [f"The people of Hanoi saw {n} new houses this year ." for n in range(12)])
    data = {
        "data.evbnews": str(mt_corpus / "evbnews"),
        "data.manythings": str(mt_corpus / "manythings"),
        "data.wiktionary": None,
        "data.dev_sets": {"wmt24pp": {"prefix": str(mt_corpus / "wmt")}},
        "data.placeholder_rate": 0.5,
    }
    tiny = str(CONFIGS / "train-translate-tiny.yaml")
    bt_config = tmp_path / "bt.yaml"
    bt_config.write_text(
        yaml.safe_dump(
            {
                "model": str(tmp_path / "backward"),
                "inputs": [str(mono)],
                "output": str(tmp_path / "bt.tsv"),
                "max_sentences": 10,
                "backend": "transformers",
                "device": "cpu",
                "num_beams": 1,
                "chunk": 4,
                "max_new_tokens": 12,
            }
        ),
        encoding="utf-8",
    )
    recipe = tmp_path / "recipe.yaml"
    steps = [
        {"run": "translate", "config": tiny,
         "set": {**data, "output_dir": str(tmp_path / "forward"),
                 "work_dir": str(tmp_path / "work/forward")},
         "skip_if_exists": str(tmp_path / "work/forward/training_report.json")},
        {"run": "translate", "config": tiny,
         "set": {**data, "data.direction": "en-vi", "output_dir": str(tmp_path / "backward"),
                 "work_dir": str(tmp_path / "work/backward")}},
        {"run": "backtranslate", "config": str(bt_config)},
        {"run": "translate", "config": tiny,
         "set": {**data, "data.synthetic": [str(tmp_path / "bt.tsv")],
                 "train.init_from": str(tmp_path / "forward"),
                 "output_dir": str(tmp_path / "final"), "work_dir": str(tmp_path / "work/final")}},
    ]  # fmt: skip
    recipe.write_text(yaml.safe_dump({"steps": steps}), encoding="utf-8")

    report = run_recipe(recipe)

    forward, backward, bt, final = report["steps"]
    backward_tokenizer = json.loads((tmp_path / "backward/tokenizer_config.json").read_text())
    assert (backward_tokenizer["source_lang"], backward_tokenizer["target_lang"]) == ("en", "vi")
    _assert_score_command_reproduces(backward["scores"])
    assert bt["written"] == 10
    lines = (tmp_path / "bt.tsv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 10 and all(line.count("\t") == 1 for line in lines)
    # A random tiny model may say nothing; empty outputs are kept in the file (resume counts
    # its lines) but not trained on.
    assert final["sources"]["synthetic"] == sum(bool(line.split("\t")[0]) for line in lines)
    assert final["loop"]["steps"] == 6
    _assert_generates(tmp_path / "final", ["Tôi yêu Hà Nội."])
    # Placeholders and the back-translation tag are single pieces of the vocabulary.
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(tmp_path / "final"), local_files_only=True)
    for token in ("\uff5f1\uff60", "\uff5f16\uff60", BACK_TRANSLATION_TAG):
        ids = tokenizer(f"có {token} người", add_special_tokens=False)["input_ids"]
        assert token in tokenizer.convert_ids_to_tokens(ids), token

    # Rerun: the finished forward step is skipped, back-translation has nothing left to do.
    again = run_recipe(recipe)
    assert again["steps"][0]["skipped"] is True
    assert again["steps"][2]["written"] == 0


def _assert_score_command_reproduces(scores: dict) -> None:
    """An en->vi report cites ``vien train score``; run again, it gives the same figures."""
    import shlex

    from typer.testing import CliRunner

    from pipeline.cli import app

    command = scores["wmt24pp"]["command"]
    assert all(score["command"] == command for score in scores.values())
    args = shlex.split(command)
    assert args[:3] == ["vien", "train", "score"]
    assert "data.direction=en-vi" in args
    result = CliRunner().invoke(app, args[1:])
    assert result.exit_code == 0, result.output
    again = json.loads(result.stdout)
    figures = {name: (score["bleu"], score["chrf"]) for name, score in scores.items()}
    assert {name: (s["bleu"], s["chrf"]) for name, s in again.items()} == figures


def test_score_needs_a_model_folder():
    from typer.testing import CliRunner

    from pipeline.cli import app

    config = str(CONFIGS / "train-translate-tiny.yaml")
    result = CliRunner().invoke(app, ["train", "score", "--config", config])
    assert result.exit_code == 2
    assert result.stderr.startswith("vien: error: vien train score needs --set model_dir=FOLDER")


def test_synthetic_pairs_are_tagged_and_counted(mt_corpus: Path, tmp_path: Path):
    from pipeline.protect.placeholders import BACK_TRANSLATION_TAG
    from pipeline.training.data import load_parallel

    synthetic = tmp_path / "bt.tsv"
    _write(
        synthetic, ["Người dân Hà Nội.\tThe people of Hanoi.", "\tAn empty output.", "Nhà\tA house"]
    )
    config = load_settings(
        CONFIGS / "train-translate-tiny.yaml",
        TranslationConfig,
        {"data.evbnews": str(mt_corpus / "evbnews"), "data.manythings": None,
         "data.wiktionary": None, "data.synthetic": [str(synthetic)], "data.dev_sets": {}},
    )  # fmt: skip
    splits = load_parallel(config.data, seed=1)
    assert splits.sources["synthetic"] == 2
    assert splits.train[-2:] == [
        (f"{BACK_TRANSLATION_TAG} Người dân Hà Nội.", "The people of Hanoi."),
        (f"{BACK_TRANSLATION_TAG} Nhà", "A house"),
    ]


def test_export_writes_a_model_from_a_run_in_progress(mt_corpus: Path, tmp_path: Path):
    from pipeline.training.export import export_run
    from pipeline.training.translate import train_translation

    overrides = {
        "output_dir": str(tmp_path / "model"),
        "work_dir": str(tmp_path / "work"),
        "data.evbnews": str(mt_corpus / "evbnews"),
        "data.manythings": None,
        "data.wiktionary": None,
        "data.dev_sets": {},
        "train.max_steps": 4,
    }
    train_translation(CONFIGS / "train-translate-tiny.yaml", overrides=overrides)
    with pytest.raises(ConfigError, match="export_dir"):
        export_run(CONFIGS / "train-translate-tiny.yaml", overrides=overrides)
    report = export_run(
        CONFIGS / "train-translate-tiny.yaml",
        overrides={**overrides, "export_dir": str(tmp_path / "exported")},
    )
    assert report["steps"] == 4 and report["averaged_steps"] == [2, 4]
    _assert_generates(tmp_path / "exported", ["Tôi yêu Hà Nội."])
