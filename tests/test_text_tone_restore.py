"""Tone-mark restoration: the trigram model, its training, the detector, the command."""

from __future__ import annotations

import json
import lzma
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import ModelNotFoundError
from pipeline.text.tone_model import MODEL_FILE, ToneModel, load_tone_model
from pipeline.text.tones import strip_marks
from pipeline.text.unmarked import restore_if_unmarked, restore_lines, restore_unmarked
from pipeline.training.tones import (
    ToneModelSettings,
    build_vocabulary,
    count_model,
    encode_lines,
    save_model,
    train_tones,
)

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "models" / "vien-tones-vi"
CORPUS = [
    "Hôm nay tôi đi học ở Hà Nội.",
    "Hôm qua tôi đi chợ mua cá và rau.",
    "Sơ kết hai năm thực hiện chương trình phối hợp về công tác dân vận.",
    "Hội nghị sơ kết công tác dân vận năm nay.",
    "Mẹ tôi mua cá ở chợ Hà Nội.",
    "Tôi đi học về muộn vì trời mưa to.",
    "Chương trình phối hợp được thực hiện tốt.",
    "Người dân đi chợ mua rau và cá.",
]
SEED_HEADLINE = (
    "SO KET 02 NAM THUC HIEN CHUONG TRINH PHOI HOP VE CONG TAC DAN VAN GIAI DOAN 2016 – 2021"
)
SEED_RESTORED = (
    "SƠ KẾT 02 NĂM THỰC HIỆN CHƯƠNG TRÌNH PHỐI HỢP VỀ CÔNG TÁC DÂN VẬN GIAI ĐOẠN 2016 – 2021"
)


def build_model(folder: Path, lines: list[str]) -> Path:
    """Count a model from ``lines`` the way ``vien train tones`` does."""
    settings = ToneModelSettings(min_count=1)
    ids, forms, counts = encode_lines(lines)
    arrays = count_model(ids, forms, build_vocabulary(counts, 1), settings)
    save_model(arrays, settings, folder)
    return folder


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> ToneModel:
    return ToneModel.load(build_model(tmp_path_factory.mktemp("tones"), CORPUS))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tiếng Việt", "Tieng Viet"),
        ("ĐƯỜNG Ước", "DUONG Uoc"),
        ("2016 – “quote”", "2016 – “quote”"),
    ],
    ids=["lower", "capitals", "punctuation"],
)
def test_strip_marks(text: str, expected: str) -> None:
    assert strip_marks(text) == expected


@pytest.mark.parametrize("line", CORPUS, ids=range(len(CORPUS)))
def test_restores_training_sentences(tiny_model: ToneModel, line: str) -> None:
    assert tiny_model.restore(strip_marks(line)) == line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HOM NAY TOI DI HOC", "HÔM NAY TÔI ĐI HỌC"),
        ("Hôm nay toi di hoc", "Hôm nay tôi đi học"),
        ("Toi di iPhone 15 Hanoi", "Tôi đi iPhone 15 Hanoi"),
        ("  me   toi  ", "  mẹ   tôi  "),
        ("", ""),
    ],
    ids=["capitals", "partly_marked", "unknown_kept", "spacing_kept", "empty"],
)
def test_restore_keeps_case_spacing_and_unknown_words(
    tiny_model: ToneModel, text: str, expected: str
) -> None:
    assert tiny_model.restore(text) == expected


def test_model_files_load_without_pickle(tmp_path: Path) -> None:
    folder = build_model(tmp_path / "m", CORPUS)
    arrays = np.load(folder / MODEL_FILE, allow_pickle=False)
    assert all(arrays[name].dtype != object for name in arrays.files)
    assert json.loads((folder / "config.json").read_text())["format"] == "vien-tones/1"


def test_missing_model_says_how_to_rebuild(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="vien train tones"):
        ToneModel.load(tmp_path)


@pytest.mark.parametrize(
    "sentence",
    [
        "Hôm nay tôi đi học ở Hà Nội.",
        "I went to the market with my mother today.",
        "Toi di",
        "ISO 9001:2015",
    ],
    ids=["marked_vietnamese", "english", "two_words", "code"],
)
def test_detector_leaves_alone(tiny_model: ToneModel, sentence: str) -> None:
    assert restore_if_unmarked(sentence, tiny_model) is None


def test_detector_restores_unmarked_sentence_only(tiny_model: ToneModel) -> None:
    text = "Hôm nay tôi đi học. Me toi mua ca o cho Ha Noi.\nI like it."
    restored, spans = restore_unmarked(text, tiny_model)
    assert restored == "Hôm nay tôi đi học. Mẹ tôi mua cá ở chợ Hà Nội.\nI like it."
    assert [text[s:e] for s, e in spans] == ["Me toi mua ca o cho Ha Noi."]


def test_restore_lines_one_for_one(tiny_model: ToneModel) -> None:
    lines = ["Toi di hoc ve muon", "", "Good morning to you all", "Tôi đi học"]
    assert list(restore_lines(lines, tiny_model)) == [
        "Tôi đi học về muộn",
        "",
        "Good morning to you all",
        "Tôi đi học",
    ]
    assert list(restore_lines(["Toi di"], tiny_model, detect=False)) == ["Tôi đi"]


def test_bundled_model_restores_the_seed_headline() -> None:
    model = load_tone_model(str(BUNDLED))
    assert restore_if_unmarked(SEED_HEADLINE, model) == SEED_RESTORED


def test_train_tones_writes_model_and_report(tmp_path: Path) -> None:
    data = tmp_path / "news.jsonl.xz"
    records = [
        {"id": i, "title_seg": "Tin_tức", "abstract_seg": line, "body_seg": line}
        for i, line in enumerate(CORPUS)
    ]
    with lzma.open(data, "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    config = tmp_path / "train-tones.yaml"
    config.write_text(f"output_dir: {tmp_path / 'model'}\ndata: {{train: {data}}}\n")
    report = train_tones(config, overrides={"model.min_count": 1})
    assert report["trigrams"] > 0
    assert (tmp_path / "model" / "training_report.json").exists()
    model = ToneModel.load(tmp_path / "model")
    assert model.restore("Toi di hoc") == "Tôi đi học"


def test_restore_tones_command(tmp_path: Path) -> None:
    folder = build_model(tmp_path / "m", CORPUS)
    source = tmp_path / "in.txt"
    source.write_text("Toi di hoc ve muon\nHello there my friend\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["restore-tones", str(source), "--model", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Tôi đi học về muộn\nHello there my friend\n"
    result = runner.invoke(app, ["restore-tones", "--model", str(folder)], input="me toi\n")
    assert result.stdout == "me toi\n"  # two words: below the detector's minimum
    result = runner.invoke(app, ["restore-tones", "--all", "--model", str(folder)], input="me toi")
    assert result.stdout == "mẹ tôi\n"


def test_restore_tones_command_rejects_binary(tmp_path: Path) -> None:
    folder = build_model(tmp_path / "m", CORPUS)
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = CliRunner().invoke(app, ["restore-tones", str(binary), "--model", str(folder)])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("vien: error:") and len(result.stderr.splitlines()) == 1
