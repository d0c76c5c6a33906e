"""Training throughput of the bundled translation model's architecture on this CPU.

Times real training steps (forward, backward, AdamW) of the model that
``configs/train-translate.yaml`` builds, on length-bucketed batches of real
EVBNews pairs, for each precision and thread count, and prints source+target
tokens per second (padding excluded, as the training log counts them) beside
the final loss of each setting (they start from the same weights and see the
same batches, so the losses show bf16 tracks fp32).

The shipped round-1 model trained at 2,676 tokens/s (fp32, one thread).
Run it with nothing else on the machine: a background job distorts the
ratios several times over.

Usage (from the repository root):

    OMP_WAIT_POLICY=PASSIVE .venv/bin/python benchmarks/training_speed.py --steps 30
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import torch

from pipeline.config import load_settings
from pipeline.training.data import read_evbnews
from pipeline.training.loop import autocast, batch_loss, collate, make_batches
from pipeline.training.marian import build_model
from pipeline.training.settings import TranslationConfig
from pipeline.training.vocab import encode_pairs, load_spm

SHIPPED_TOKENS_PER_SECOND = 2676


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=Path("configs/train-translate.yaml"))
    parser.add_argument("--spm", type=Path, default=Path("models/vien-translate-vi-en/source.spm"))
    parser.add_argument("--steps", type=int, default=30, help="Timed steps per setting.")
    parser.add_argument("--settings", nargs="+", default=["fp32:1", "fp32:2", "bf16:1", "bf16:2"])
    args = parser.parse_args()

    config = load_settings(args.config, TranslationConfig)
    sp = load_spm(args.spm)
    pairs = [p for doc in read_evbnews(config.data.evbnews).values() for p in doc]
    examples = encode_pairs(sp, pairs[:20000], max_source=128, max_target=128)
    batches = make_batches(examples, config.train.batch_tokens, random.Random(0))
    batches = batches[: args.steps + 2]
    print(f"model as {args.config}; batch_tokens {config.train.batch_tokens}; {args.steps} steps")
    print(f"{'setting':<10} {'tokens/s':>9} {'x shipped':>9} {'s/step':>7} {'last loss':>9}")
    for setting in args.settings:
        precision, threads = setting.split(":")
        torch.set_num_threads(int(threads))
        torch.manual_seed(0)
        model = build_model(config.model, sp.get_piece_size()).train()
        optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
        tokens, start, loss = 0, 0.0, float("nan")
        for i, idx in enumerate(batches):
            if i == 2:  # two warm-up steps
                tokens, start = 0, time.perf_counter()
            batch = collate([examples[j] for j in idx], "cpu")
            with autocast("cpu", precision):
                out = batch_loss(model, batch, 0.1)
            optimizer.zero_grad(set_to_none=True)
            out.backward()
            optimizer.step()
            loss = out.item()
            tokens += int(batch["attention_mask"].sum()) + int((batch["labels"] >= 0).sum())
        seconds = time.perf_counter() - start
        rate = tokens / seconds
        print(
            f"{setting:<10} {rate:>9.0f} {rate / SHIPPED_TOKENS_PER_SECOND:>9.2f} "
            f"{seconds / args.steps:>7.2f} {loss:>9.3f}"
        )


if __name__ == "__main__":
    main()
