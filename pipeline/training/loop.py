"""The torch training loop shared by the translation and summarization trainers.

Budgeted for CPUs: it stops at ``max_steps`` or ``max_minutes``, whichever
comes first, and the linear schedule decays with whichever budget is closer
to running out, so a time-bound run still ends at a low learning rate.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

from pipeline.training.settings import TrainSettings
from pipeline.training.vocab import PAD_ID

logger = logging.getLogger(__name__)

Example = tuple[list[int], list[int]]
IGNORE_INDEX = -100


@dataclass
class LoopReport:
    """What the loop did; the trainers copy it into their report."""

    steps: int = 0
    epochs: float = 0.0
    minutes: float = 0.0
    tokens: int = 0
    tokens_per_second: float = 0.0
    stop_reason: str = ""
    valid_history: list[tuple[int, float]] = field(default_factory=list)
    final_valid_loss: float | None = None
    averaged_valid_loss: float | None = None
    averaged_steps: list[int] = field(default_factory=list)
    kept: str = "final"


def make_batches(
    examples: Sequence[Example], batch_tokens: int, rng: random.Random
) -> list[list[int]]:
    """Group example indices into length-sorted batches of at most ``batch_tokens`` padded tokens.

    Ties are broken randomly and the batch order is shuffled, so every epoch
    sees different neighbours while padding stays low.
    """
    order = sorted(
        range(len(examples)), key=lambda i: (len(examples[i][0]), len(examples[i][1]), rng.random())
    )
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for i in order:
        size = len(examples[i][0]) + len(examples[i][1])
        if current and max(longest, size) * (len(current) + 1) > batch_tokens:
            batches.append(current)
            current, longest = [], 0
        current.append(i)
        longest = max(longest, size)
    if current:
        batches.append(current)
    rng.shuffle(batches)
    return batches


def collate(examples: Sequence[Example], device: str) -> dict:
    """Pad a batch: encoder inputs, decoder inputs (``<pad>``-started, as Marian) and labels."""
    import torch

    src_len = max(len(s) for s, _ in examples)
    tgt_len = max(len(t) for _, t in examples)
    input_ids = torch.full((len(examples), src_len), PAD_ID, dtype=torch.long)
    decoder_input_ids = torch.full((len(examples), tgt_len), PAD_ID, dtype=torch.long)
    labels = torch.full((len(examples), tgt_len), IGNORE_INDEX, dtype=torch.long)
    for row, (src, tgt) in enumerate(examples):
        input_ids[row, : len(src)] = torch.tensor(src)
        labels[row, : len(tgt)] = torch.tensor(tgt)
        decoder_input_ids[row, 1 : len(tgt)] = torch.tensor(tgt[:-1])
    batch = {
        "input_ids": input_ids,
        "attention_mask": (input_ids != PAD_ID).long(),
        "decoder_input_ids": decoder_input_ids,
        "labels": labels,
    }
    return {k: v.to(device) for k, v in batch.items()}


def batch_loss(model, batch: dict, label_smoothing: float):
    """Token-mean cross-entropy; computed here because Marian's own loss has no smoothing."""
    import torch.nn.functional as F

    logits = model(
        input_ids=batch["input_ids"],
        attention_mask=batch["attention_mask"],
        decoder_input_ids=batch["decoder_input_ids"],
    ).logits
    return F.cross_entropy(
        logits.view(-1, logits.size(-1)).float(),
        batch["labels"].view(-1),
        ignore_index=IGNORE_INDEX,
        label_smoothing=label_smoothing,
    )


def validation_loss(model, examples: Sequence[Example], settings: TrainSettings) -> float:
    """Mean per-token cross-entropy (no smoothing) over ``examples``."""
    import torch

    if not examples:
        return float("nan")
    model.eval()
    total, count = 0.0, 0
    with torch.inference_mode():
        for idx in make_batches(examples, settings.batch_tokens, random.Random(0)):
            batch = collate([examples[i] for i in idx], settings.device)
            n = int((batch["labels"] != IGNORE_INDEX).sum())
            with autocast(settings.device, resolve_precision(settings.precision, settings.device)):
                total += float(batch_loss(model, batch, 0.0)) * n
            count += n
    model.train()
    return total / count


def learning_rate(settings: TrainSettings, step: int, progress: float) -> float:
    """Warm up linearly, then decay by 1/sqrt(step) or linearly to 0 at ``progress`` 1.

    The linear decay is capped by the warm-up ramp rather than switched on
    after it, so a time-bound run whose budget is partly spent during warm-up
    sees no jump in the learning rate.
    """
    warm = max(settings.warmup_steps, 1)
    ramp = step / warm
    if settings.schedule == "inverse_sqrt":
        return settings.lr * min(ramp, math.sqrt(warm / max(step, 1)))
    return settings.lr * max(0.0, min(ramp, 1.0 - progress))


def average_checkpoints(paths: Sequence[Path]) -> dict:
    """Mean of the floating-point tensors of several state dicts (Vaswani et al. 2017, §6.1)."""
    import torch

    total: dict = {}
    for path in paths:
        state = torch.load(path, map_location="cpu", weights_only=True)
        for key, value in state.items():
            if value.is_floating_point():
                total[key] = total.get(key, 0) + value.double()
            else:
                total[key] = value
    return {k: (v / len(paths)).float() if v.is_floating_point() else v for k, v in total.items()}


def train_loop(
    model,
    encode_epoch: Callable[[int], list[Example]],
    valid: Sequence[Example],
    settings: TrainSettings,
    checkpoint_dir: Path,
) -> LoopReport:
    """Train ``model`` in place; leave it holding the better of final and averaged weights.

    Args:
        model: a seq2seq model whose forward takes ``input_ids``/``decoder_input_ids``.
        encode_epoch: returns the encoded training examples for an epoch
            (re-encoded each epoch when subword sampling is on).
        valid: encoded validation examples.
        settings: the ``train`` section of the config.
        checkpoint_dir: where the last ``average_last`` saves are kept.

    Returns:
        Steps, timings, throughput and validation losses.
    """
    return _Run(model, valid, settings, checkpoint_dir).train(encode_epoch)


STATE_FILE = "state.pt"


@cache
def resolve_precision(precision: str, device: str) -> str:
    """``auto`` -> bf16 where the hardware multiplies bf16 natively (CUDA, AVX512-BF16, AMX)."""
    if precision != "auto":
        return precision
    if device.startswith("cuda"):
        return "bf16"
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8").split()
    except OSError:
        return "fp32"
    return "bf16" if {"avx512_bf16", "amx_bf16"} & set(flags) else "fp32"


def autocast(device: str, precision: str):
    """The autocast context of a forward pass (a no-op context for fp32)."""
    import contextlib

    import torch

    if precision != "bf16":
        return contextlib.nullcontext()
    return torch.autocast(device.split(":")[0], dtype=torch.bfloat16)


class _Run:
    """State of one training run: the model, its optimizer, checkpoints, data position, report.

    The whole state is saved next to the checkpoints every ``save_every`` steps,
    so a run that is stopped (end of a session, a kill) continues where it was:
    same step, optimizer moments, epoch, batch and clock.
    """

    def __init__(self, model, valid: Sequence[Example], settings: TrainSettings, ckpt: Path):
        import torch

        # Threads (``train.torch_threads``) are the CLI's to set, once per process.
        torch.manual_seed(settings.seed)
        self.model = model.to(settings.device).train()
        self.valid = valid
        self.settings = settings
        self.precision = resolve_precision(settings.precision, settings.device)
        self.checkpoint_dir = ckpt
        self.optimizer = torch.optim.AdamW(
            model.parameters(),
            lr=settings.lr,
            betas=(0.9, 0.98),
            eps=1e-9,
            weight_decay=settings.weight_decay,
        )
        self.saved: list[tuple[int, Path]] = []
        self.report = LoopReport()
        self.epoch, self.batch_index = 0, 0
        self.elapsed_before = 0.0
        self.start = time.monotonic()

    def elapsed(self) -> float:
        """Seconds of training so far, earlier sessions of a resumed run included."""
        return self.elapsed_before + time.monotonic() - self.start

    def train(self, encode_epoch: Callable[[int], list[Example]]) -> LoopReport:
        """Run epochs until a budget runs out, then pick final or averaged weights."""
        import torch

        self.checkpoint_dir.mkdir(parents=True, exist_ok=True)
        if self.settings.resume:
            self._load_state()
        self.start = time.monotonic()
        logger.info("training in %s with %d threads", self.precision, torch.get_num_threads())
        while not self.report.stop_reason:
            examples = encode_epoch(self.epoch)
            rng = random.Random(self.settings.seed * 100_003 + self.epoch)
            batches = make_batches(examples, self.settings.batch_tokens, rng)
            while self.batch_index < len(batches):
                if self._should_stop():
                    break
                self._step([examples[i] for i in batches[self.batch_index]])
                self.batch_index += 1
                if self.report.steps % self.settings.save_every == 0:
                    self._save()
            self.report.epochs = self.epoch + self.batch_index / len(batches)
            if self.batch_index >= len(batches):
                self.epoch, self.batch_index = self.epoch + 1, 0
        self.report.minutes = self.elapsed() / 60
        self.report.tokens_per_second = self.report.tokens / max(self.elapsed(), 1e-9)
        self._finish()
        return self.report

    def _should_stop(self) -> bool:
        if self.report.steps >= self.settings.max_steps:
            self.report.stop_reason = "max_steps"
        elif self.elapsed() >= self.settings.max_minutes * 60:
            self.report.stop_reason = "max_minutes"
        return bool(self.report.stop_reason)

    def _step(self, examples: list[Example]) -> None:
        import torch

        settings, report = self.settings, self.report
        report.steps += 1
        elapsed = self.elapsed()
        progress = max(report.steps / settings.max_steps, elapsed / (settings.max_minutes * 60))
        lr = learning_rate(settings, report.steps, progress)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        batch = collate(examples, settings.device)
        with autocast(settings.device, self.precision):
            loss = batch_loss(self.model, batch, settings.label_smoothing)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), settings.clip_norm)
        self.optimizer.step()
        report.tokens += int(batch["attention_mask"].sum()) + int((batch["labels"] >= 0).sum())
        if report.steps % settings.log_every == 0:
            logger.info(
                "step %d epoch %d loss %.3f lr %.2e tok/s %.0f min %.1f",
                report.steps, self.epoch, loss.item(), lr, report.tokens / elapsed, elapsed / 60,
            )  # fmt: skip
        if report.steps % settings.valid_every == 0:
            report.valid_history.append((report.steps, self._valid_loss()))
            logger.info("step %d valid loss %.3f", report.steps, report.valid_history[-1][1])

    def _save_state(self) -> None:
        """Write everything a resumed run needs, atomically (a kill mid-write keeps the old one)."""
        import torch

        state = {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "torch_rng": torch.get_rng_state(),
            "epoch": self.epoch,
            "batch_index": self.batch_index,
            "elapsed": self.elapsed(),
            "report": asdict(self.report),
            "saved": [(step, str(path)) for step, path in self.saved],
        }
        path = self.checkpoint_dir / STATE_FILE
        tmp = path.with_suffix(".tmp")
        torch.save(state, tmp)
        tmp.replace(path)

    def _load_state(self) -> None:
        import torch

        path = self.checkpoint_dir / STATE_FILE
        if not path.exists():
            return
        state = torch.load(path, map_location=self.settings.device, weights_only=False)
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        torch.set_rng_state(state["torch_rng"])
        self.epoch, self.batch_index = state["epoch"], state["batch_index"]
        self.elapsed_before = state["elapsed"]
        finished = LoopReport(**state["report"])
        # Counters carry on; how the last stop ended does not (a larger budget continues).
        self.report = LoopReport(
            steps=finished.steps,
            tokens=finished.tokens,
            valid_history=[tuple(v) for v in finished.valid_history],
        )
        self.saved = [(step, Path(p)) for step, p in state["saved"]]
        logger.info(
            "resumed at step %d (epoch %d, batch %d, %.1f min)",
            self.report.steps, self.epoch, self.batch_index, self.elapsed_before / 60,
        )  # fmt: skip

    def _valid_loss(self) -> float:
        return validation_loss(self.model, self.valid, self.settings)

    def _save(self) -> None:
        """Write a checkpoint, delete those too old to be averaged, and save the run's state."""
        import torch

        path = self.checkpoint_dir / f"step-{self.report.steps}.pt"
        torch.save(self.model.state_dict(), path)
        self.saved.append((self.report.steps, path))
        while len(self.saved) > self.settings.average_last:
            self.saved.pop(0)[1].unlink(missing_ok=True)
        self._save_state()

    def _finish(self) -> None:
        """Average the last saves; keep them only if they beat the final weights on validation."""
        report = self.report
        if not self.saved or self.saved[-1][0] != report.steps:
            self._save()
        report.final_valid_loss = self._valid_loss()
        if len(self.saved) < 2:
            return
        final_state = {k: v.detach().clone() for k, v in self.model.state_dict().items()}
        self.model.load_state_dict(average_checkpoints([p for _, p in self.saved]))
        report.averaged_valid_loss = self._valid_loss()
        report.averaged_steps = [s for s, _ in self.saved]
        if report.averaged_valid_loss <= report.final_valid_loss:
            report.kept = "averaged"
        else:
            self.model.load_state_dict(final_state)
        logger.info(
            "final valid loss %.3f, average of steps %s: %.3f; kept %s",
            report.final_valid_loss, report.averaged_steps, report.averaged_valid_loss, report.kept,
        )  # fmt: skip
