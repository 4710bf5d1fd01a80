"""What a reproduction run records (``result.json``), per the protocol's
"What a result records". The claims verifier and the report read this file, so
its fields are an interface: extend, do not rename, and bump SCHEMA_VERSION.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SCHEMA_VERSION = 1

Strategy = Literal["baseline", "monolingual", "cross_lingual", "hybrid"]
Setting = Literal["multilingual", "cross_lingual", "monolingual"]


class Interval(BaseModel):
    """A point estimate with a bootstrap 95% interval over queries."""

    mean: float
    low: float
    high: float


class StrategyResult(BaseModel):
    """One trained (or baseline) model evaluated on one held-out dataset."""

    strategy: Strategy
    train_dataset: str | None = Field(description="None for the untrained baseline")
    eval_dataset: Literal["xquad-r", "mlqa-r"]
    seed: int | None = None
    languages: list[str]
    multilingual_map: Interval
    cross_lingual_map: Interval = Field(description="mean over every X->Y pair, X != Y")
    monolingual_map: Interval = Field(description="mean over every X->X")
    pair_map: dict[str, dict[str, float]] = Field(description="query language -> pool language -> mAP")
    rank_distance: Interval = Field(description="lower is less language bias; definition in synth.reproduce.metrics")
    own_language_share: Interval
    train_steps: int = 0
    train_examples_per_s: float | None = None
    monolingual_batch_share: float | None = Field(None, description="probability that a training batch is X->X")
    final_loss: float | None = None


class Difference(BaseModel):
    """Paired bootstrap difference ``strategy - other`` of one metric."""

    metric: Literal["multilingual_map", "cross_lingual_map", "monolingual_map", "rank_distance"]
    eval_dataset: str
    strategy: Strategy
    other: Strategy
    difference: Interval
    seed: int | None = Field(None, description="seed of the trained runs compared (None: baseline only)")


class ReproductionResult(BaseModel):
    schema_version: int = SCHEMA_VERSION
    protocol: str = "hybrid-batch"
    config_name: str
    config: dict
    seeds: list[int]
    model_spec: str
    model_sha256: str
    data_sha256: dict[str, str] = Field(description="data file (relative path) -> sha256")
    code_version: str
    machine: str
    device: str
    started_at: str
    wall_time_s: float
    world_size: int = Field(1, description="training processes (torchrun DDP ranks)")
    results: list[StrategyResult]
    differences: list[Difference] = Field(default_factory=list)
    substitutions: list[str] = Field(
        default_factory=list,
        description="how this run differs from the paper (model, training data, scale)",
    )
