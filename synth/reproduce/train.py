"""A plain PyTorch training loop for contrastive retrieval fine-tuning.

Loss: InfoNCE with in-batch negatives: cross entropy of each query's
similarities (cosine / temperature) against every passage of its batch, the
diagonal being the positive. AdamW over the trainable parameters, linear
warm-up then linear decay to zero, bf16 autocast on CUDA.

Resume: a checkpoint (trainable weights, optimizer, scheduler, step, RNG
states, losses so far) is written atomically every ``checkpoint_every`` steps;
batches are a pure function of (seed, step) (see ``samplers``), so a run
killed and resumed from its last checkpoint ends with the same weights as an
uninterrupted one. A non-finite loss stops the run before the optimizer step
and leaves the last good checkpoint in place.

DDP: under ``torchrun`` each rank encodes its slice of one global batch (same
language pair on every rank) with negatives from its own slice; gradients are
averaged by DistributedDataParallel. Rank 0 writes checkpoints.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import torch.distributed as dist
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from synth.console import console
from synth.errors import SynthError
from synth.files import atomic_file
from synth.reproduce.samplers import Batch, PairBatchSampler

CHECKPOINT_NAME = "checkpoint.pt"


class TrainingDiverged(SynthError):
    """The loss became NaN or infinite."""


@dataclass(frozen=True)
class TrainSettings:
    steps: int
    learning_rate: float
    warmup_steps: int = 0
    weight_decay: float = 0.01
    temperature: float = 0.05
    max_query_length: int = 64
    max_passage_length: int = 128
    max_grad_norm: float | None = 1.0
    checkpoint_every: int = 50
    seed: int = 0
    freeze_word_embeddings: bool = False
    gradient_checkpointing: bool = False
    trainable_layers: int | None = None
    """Train only the top N transformer layers (None: every layer)."""
    length_buckets: int = 1
    """Encode each side of a batch as this many padded groups of similar length (same embeddings, less padding)."""
    cpu_bf16: bool = False
    """bf16 autocast on CPU too (it is always on for CUDA)."""


@dataclass
class TrainOutcome:
    steps: int
    losses: list[float] = field(default_factory=list)
    examples_per_s: float | None = None
    """Training examples per second over all processes (None when resumed at the end)."""
    resumed_from: int = 0


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def info_nce(queries: torch.Tensor, passages: torch.Tensor, temperature: float) -> torch.Tensor:
    """Cross entropy of each query against every passage of the batch (positives on the diagonal)."""
    logits = queries.float() @ passages.float().T / temperature
    return torch.nn.functional.cross_entropy(logits, torch.arange(len(queries), device=logits.device))


def warmup_then_linear_decay(warmup_steps: int, total_steps: int) -> Callable[[int], float]:
    def factor(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup_steps))

    return factor


def world() -> tuple[int, int]:
    """(rank, world size) of the current process group, (0, 1) without one."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def trainable_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """Only the parameters being trained: frozen word embeddings stay out of checkpoints."""
    return {name: p.detach().clone() for name, p in model.named_parameters() if p.requires_grad}


def rng_state() -> dict:
    state = {"torch": torch.get_rng_state(), "numpy": np.random.get_state(), "python": random.getstate()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng(state: dict) -> None:
    torch.set_rng_state(state["torch"])
    np.random.set_state(state["numpy"])
    random.setstate(state["python"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def save_checkpoint(path: Path, model: torch.nn.Module, optimizer, scheduler, step: int, losses: list[float]) -> None:
    """Atomic write: a killed save never replaces the previous good checkpoint."""
    payload = {
        "step": step,
        "model": trainable_state(model),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "rng": rng_state(),
        "losses": list(losses),
    }
    with atomic_file(path) as handle:
        torch.save(payload, handle)


def load_checkpoint(path: Path, model: torch.nn.Module, optimizer, scheduler) -> tuple[int, list[float]]:
    payload = torch.load(path, map_location="cpu", weights_only=False)
    missing = set(trainable_state(model)) - set(payload["model"])
    if missing:
        raise SynthError(f"checkpoint {path} does not match this model/config ({len(missing)} tensors missing); delete it to start over")
    model.load_state_dict(payload["model"], strict=False)
    optimizer.load_state_dict(payload["optimizer"])
    scheduler.load_state_dict(payload["scheduler"])
    restore_rng(payload["rng"])
    return payload["step"], payload["losses"]


def checkpoint_step(path: Path) -> int | None:
    """Step stored in a checkpoint file (None when absent)."""
    if not path.is_file():
        return None
    return int(torch.load(path, map_location="cpu", weights_only=False)["step"])


def batch_loss(encoder, model: torch.nn.Module, batch: Batch, settings: TrainSettings, device: torch.device) -> torch.Tensor:
    queries = encoder.length_buckets(batch.queries, "query", settings.max_query_length, settings.length_buckets)
    passages = encoder.length_buckets(batch.passages, "passage", settings.max_passage_length, settings.length_buckets)
    bf16 = device.type == "cuda" or settings.cpu_bf16
    with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=bf16):
        return info_nce(*model(queries, passages), settings.temperature)


Buckets = tuple[list[dict[str, torch.Tensor]], np.ndarray]
"""Padded token batches and the order that restores input order (``Encoder.length_buckets``)."""


class QueryPassageModel(torch.nn.Module):
    """Both sides in one forward call, so DDP sees one forward per backward."""

    def __init__(self, encoder: torch.nn.Module) -> None:
        super().__init__()
        self.encoder = encoder

    def forward(self, queries: Buckets, passages: Buckets) -> tuple[torch.Tensor, torch.Tensor]:
        return self._embed(*queries), self._embed(*passages)

    def _embed(self, batches: list[dict[str, torch.Tensor]], order: np.ndarray) -> torch.Tensor:
        embeddings = torch.cat([self.encoder(batch) for batch in batches])
        return embeddings[torch.as_tensor(order, device=embeddings.device)]


def prepare_model(encoder, settings: TrainSettings, device: torch.device) -> torch.nn.Module:
    """Freeze/checkpoint as configured; wrap in DDP when a process group exists."""
    if settings.freeze_word_embeddings:
        encoder.freeze_word_embeddings()
    if settings.trainable_layers:
        encoder.train_top_layers_only(settings.trainable_layers)
    if settings.gradient_checkpointing:
        encoder.enable_gradient_checkpointing()
    encoder.to(device).train()
    model = QueryPassageModel(encoder)
    if world()[1] == 1:
        return model
    device_ids = [device.index] if device.type == "cuda" else None
    return torch.nn.parallel.DistributedDataParallel(model, device_ids=device_ids, find_unused_parameters=True)


def train_encoder(
    encoder,
    sampler: PairBatchSampler,
    settings: TrainSettings,
    checkpoint_dir: Path,
    device: torch.device,
    progress: bool = True,
    after_step: Callable[[int, torch.nn.Module], None] | None = None,
) -> TrainOutcome:
    """Train ``encoder`` in place for ``settings.steps`` steps, resuming from ``checkpoint_dir``.

    ``after_step(step, encoder)`` runs after each optimizer step (progress hooks, tests).
    """
    rank, world_size = world()
    seed_everything(settings.seed)
    model = prepare_model(encoder, settings, device)
    trainable = [p for p in encoder.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=settings.learning_rate, weight_decay=settings.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, warmup_then_linear_decay(settings.warmup_steps, settings.steps))
    checkpoint = checkpoint_dir / CHECKPOINT_NAME
    start, losses = (0, [])
    if checkpoint.is_file():
        start, losses = load_checkpoint(checkpoint, encoder, optimizer, scheduler)
    outcome = TrainOutcome(steps=settings.steps, losses=losses, resumed_from=start)
    examples, checkpoint_seconds, began = 0, 0.0, time.perf_counter()
    with step_progress(progress and rank == 0, settings.steps, start) as advance:
        for step in range(start, settings.steps):
            batch = sampler.batch(step, rank)
            loss = batch_loss(encoder, model, batch, settings, device)
            stop_if_diverged(loss, step, checkpoint)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if settings.max_grad_norm:
                torch.nn.utils.clip_grad_norm_(trainable, settings.max_grad_norm)
            optimizer.step()
            scheduler.step()
            losses.append(float(loss.detach()))
            examples += len(batch.queries) * world_size
            done = step + 1
            if rank == 0 and (done % settings.checkpoint_every == 0 or done == settings.steps):
                saving = time.perf_counter()
                save_checkpoint(checkpoint, encoder, optimizer, scheduler, done, losses)
                checkpoint_seconds += time.perf_counter() - saving
            if after_step:
                after_step(done, encoder)
            advance(losses[-1])
    elapsed = time.perf_counter() - began - checkpoint_seconds  # throughput of training, not of disk writes
    outcome.examples_per_s = examples / elapsed if examples and elapsed > 0 else None
    encoder.eval()
    return outcome


def stop_if_diverged(loss: torch.Tensor, step: int, checkpoint: Path) -> None:
    """Raise before the optimizer step on a non-finite loss (on every DDP rank at once)."""
    finite = torch.isfinite(loss.detach()).all().to(torch.int32).reshape(1)
    if world()[1] > 1:
        finite = finite.to(loss.device)
        dist.all_reduce(finite, op=dist.ReduceOp.MIN)
    if bool(finite.item()):
        return
    last = checkpoint_step(checkpoint)
    kept = f"last good checkpoint: {checkpoint} (step {last})" if last is not None else "no checkpoint was written yet"
    raise TrainingDiverged(
        f"training diverged at step {step + 1}: loss is {float(loss.detach())}; {kept}; "
        "lower train.learning_rate or raise train.temperature in the config"
    )


class step_progress:
    """Training progress on stderr: a rich bar on a terminal, a line per ~10% of steps in a log file."""

    def __init__(self, enabled: bool, total: int, start: int) -> None:
        self.enabled, self.total, self.start = enabled, total, start

    def __enter__(self) -> Callable[[float], None]:
        if not self.enabled:
            return lambda loss: None
        if not console.is_terminal:
            return self._log_lines(console)
        self.bar = Progress(
            TextColumn("train"), BarColumn(), MofNCompleteColumn(), TextColumn("loss {task.fields[loss]}"),
            TimeRemainingColumn(), console=console,
        )
        self.bar.__enter__()
        task = self.bar.add_task("train", total=self.total, completed=self.start, loss="-")
        return lambda loss: self.bar.update(task, advance=1, loss=f"{loss:.3f}")

    def _log_lines(self, console) -> Callable[[float], None]:
        every = max(1, self.total // 10)
        state = {"step": self.start, "began": time.perf_counter()}

        def advance(loss: float) -> None:
            state["step"] += 1
            if state["step"] % every == 0 or state["step"] == self.total:
                per_step = (time.perf_counter() - state["began"]) / (state["step"] - self.start)
                console.print(f"train step {state['step']}/{self.total} loss {loss:.4f} ({per_step:.1f} s/step)")

        self.bar = None
        return advance

    def __exit__(self, *exc: object) -> None:
        if self.enabled and self.bar is not None:
            self.bar.__exit__(*exc)
