"""Fast CPU training: bf16 autocast parity, resumable state, placeholder masking, extra data."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from pipeline.protect.glossary import Glossary
from pipeline.protect.placeholders import PLACEHOLDER, placeholder
from pipeline.training.extra import drop_reason, read_extra
from pipeline.training.loop import autocast, batch_loss, collate, resolve_precision, train_loop
from pipeline.training.marian import build_model
from pipeline.training.masking import PairMasker, ascii_fold, find_matches, mask_pair
from pipeline.training.settings import ModelSettings, TrainSettings

TINY = ModelSettings(
    d_model=16, encoder_layers=1, decoder_layers=1, attention_heads=2, ffn_dim=32, max_positions=64
)


def _examples(n: int, seed: int = 0) -> list[tuple[list[int], list[int]]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        src = [rng.randrange(3, 60) for _ in range(rng.randint(2, 12))] + [1]
        out.append((src, [t + 1 if t < 59 else 3 for t in src]))  # a learnable mapping
    return out


def test_bf16_autocast_loss_tracks_fp32_on_a_short_run():
    import torch

    losses = {}
    for precision in ("fp32", "bf16"):
        torch.manual_seed(0)
        model = build_model(TINY, 64)
        optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
        batch = collate(_examples(32), "cpu")
        for _ in range(30):
            with autocast("cpu", precision):
                loss = batch_loss(model, batch, 0.0)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        losses[precision] = loss.item()
    assert losses["fp32"] < 3.9  # it learned something (ln 64 = 4.16 at the start)
    assert losses["bf16"] == pytest.approx(losses["fp32"], rel=0.05)


def test_precision_auto_is_explicit_when_asked():
    assert resolve_precision("fp32", "cpu") == "fp32"
    assert resolve_precision("bf16", "cpu") == "bf16"
    assert resolve_precision("auto", "cuda") == "bf16"
    assert resolve_precision("auto", "cpu") in {"bf16", "fp32"}


def _settings(max_steps: int) -> TrainSettings:
    return TrainSettings(
        max_steps=max_steps,
        max_minutes=10,
        batch_tokens=96,
        schedule="inverse_sqrt",  # independent of max_steps, so 4+4 steps equal 8
        warmup_steps=2,
        valid_every=1000,
        save_every=2,
        average_last=2,
        log_every=1000,
        precision="fp32",
    )


def _train(max_steps: int, work: Path):
    import torch

    torch.manual_seed(0)
    model = build_model(TINY.model_copy(update={"dropout": 0.2}), 64)
    examples, valid = _examples(40), _examples(8, seed=1)
    report = train_loop(model, lambda epoch: examples, valid, _settings(max_steps), work)
    return model, report


def test_a_stopped_run_resumes_where_it_was(tmp_path: Path):
    whole, whole_report = _train(8, tmp_path / "whole")
    _train(4, tmp_path / "split")
    resumed, report = _train(8, tmp_path / "split")
    assert report.steps == whole_report.steps == 8
    assert report.epochs == pytest.approx(whole_report.epochs)
    for (name, a), b in zip(whole.state_dict().items(), resumed.state_dict().values(), strict=True):
        assert a.allclose(b, atol=1e-6), name


def test_placeholders_mask_what_both_sides_state():
    vi = "Chiều 6/3, ông Nguyễn Văn Hòa nhận 1.700 đơn của Samsung, trị giá 8.500.000 đồng."
    en = "On March 6, Nguyen Van Hoa received 1,700 letters from Samsung worth 8,500,000 dong."
    matches = find_matches(vi, en)
    assert [vi[slice(*m.vi)] for m in matches] == [
        "6/3", "Nguyễn Văn Hòa", "1.700", "Samsung", "8.500.000 đồng",
    ]  # fmt: skip
    assert [en[slice(*m.en)] for m in matches] == [
        "March 6", "Nguyen Van Hoa", "1,700", "Samsung", "8,500,000 dong",
    ]  # fmt: skip
    masked_vi, masked_en = mask_pair(vi, en, matches, random.Random(0), 1.0)
    assert masked_vi == f"Chiều {placeholder(1)}, ông {placeholder(2)} nhận {placeholder(3)} đơn " \
        f"của {placeholder(4)}, trị giá {placeholder(5)}."  # fmt: skip
    assert sorted(PLACEHOLDER.findall(masked_en)) == ["1", "2", "3", "4", "5"]
    assert masked_en.startswith(f"On {placeholder(1)}, {placeholder(2)} received")


def test_glossary_terms_are_masked_when_asked():
    vi = "Chủ tịch UBND tỉnh Nguyễn Văn Hòa nhận 1.700 đơn."
    en = "Chairman of the provincial People's Committee Nguyen Van Hoa received 1,700 letters."
    assert [vi[slice(*m.vi)] for m in find_matches(vi, en)] == ["Nguyễn Văn Hòa", "1.700"]
    matches = find_matches(vi, en, Glossary.load())
    assert [vi[slice(*m.vi)] for m in matches] == ["Chủ tịch UBND tỉnh", "Nguyễn Văn Hòa", "1.700"]
    assert en[slice(*matches[0].en)] == "Chairman of the provincial People's Committee"


def test_a_term_the_english_does_not_state_is_not_masked():
    vi = "Chủ tịch UBND tỉnh phát biểu."
    assert find_matches(vi, "The provincial chairman spoke.", Glossary.load()) == []


def test_whole_rate_masks_every_span_of_a_pair():
    pairs = [(f"Ngày {i % 28 + 1}/3 có {i + 3} người.", f"On March {i % 28 + 1} there were "
              f"{i + 3} people.") for i in range(40)]  # fmt: skip
    masked = PairMasker(pairs, 0.0, seed=1, whole_rate=0.5).epoch(0)
    whole = [vi for vi, _ in masked if vi == f"Ngày {placeholder(1)} có {placeholder(2)} người."]
    untouched = [vi for (vi, _), pair in zip(masked, pairs, strict=True) if vi == pair[0]]
    assert len(whole) + len(untouched) == 40
    assert 10 < len(whole) < 30


def test_numbers_that_disagree_are_not_masked():
    assert find_matches("Có 1.700 người.", "There were 170 people.") == []


def test_masks_are_drawn_anew_each_epoch_and_reproducibly():
    pairs = [(f"Năm {2000 + i} có {i + 3} người.", f"In {2000 + i} there were {i + 3} people.")
             for i in range(40)]  # fmt: skip
    masker = PairMasker(pairs, 0.5, seed=1)
    first, second = masker.epoch(0), masker.epoch(1)
    assert first == PairMasker(pairs, 0.5, seed=1).epoch(0)
    assert first != second
    masked = sum(vi != original[0] for (vi, _), original in zip(first, pairs, strict=True))
    assert 10 < masked < 40


def test_ascii_fold():
    assert ascii_fold("Đà Nẵng, Nguyễn Văn Hòa") == "Da Nang, Nguyen Van Hoa"


def test_extra_files_spell_out_brands_and_drop_markup(tmp_path: Path):
    path = tmp_path / "extra.tsv"
    path.write_text(
        "Get { -brand-name-firefox } for { -brand-name-ios }\tTải { -brand-name-firefox } cho "
        "{ -brand-name-ios }\n"
        "Visit { $url } now\tTruy cập { $url } ngay\n"
        "The model is fast. It is small.\tMô hình nhanh. Nó nhỏ.\n"
        "# Heading\t# Tiêu đề\n",
        encoding="utf-8",
    )
    assert read_extra(path) == [
        ("Tải Firefox cho iOS", "Get Firefox for iOS"),
        ("Mô hình nhanh.", "The model is fast."),
        ("Nó nhỏ.", "It is small."),
        ("Tiêu đề", "Heading"),
    ]


@pytest.mark.parametrize(
    ("vi", "en", "reason"),
    [
        ("Singapore", "Singapore", None),
        ("Đây là một câu dài chưa dịch", "Đây là một câu dài chưa dịch", "same"),
        ("cây", "cây", "language"),
        ("sung", "cây bạch đàn", "language"),
        ("Tôi có 3 con mèo ở nhà.", "I have three cats at home.", None),
        ("Tôi có 35 con mèo ở nhà.", "I have 53 cats at home.", "numbers"),
        (
            "Tôi đi học mỗi ngày ở đây.",
            "I go to school here every single day of the week, "
            "rain or shine, without fail, and so do all of my friends.",
            "length",
        ),  # fmt: skip
    ],
)
def test_drop_reasons(vi: str, en: str, reason: str | None):
    assert drop_reason(vi, en) == reason


def test_reasons_are_counted():
    from pipeline.training.extra import clean_pairs

    counts: Counter = Counter()
    kept = clean_pairs([("Có 5 người.", "There are 6 people."), ("Chào.", "Hello.")], counts)
    assert kept == [("Chào.", "Hello.")]
    assert counts == Counter({"numbers": 1})
