"""The hybrid-batch study's part of ``report.json``: the reproduction section.

Field names are an interface of the report schema (synth.report.document):
extend, do not rename.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from synth.reproduce.result import Interval


class StrategyRow(BaseModel):
    """Measured scores of one strategy on one held-out dataset."""

    eval_dataset: str
    strategy: str
    train_dataset: str | None
    multilingual_map: Interval
    cross_lingual_map: Interval
    monolingual_map: Interval
    rank_distance: Interval


class ComparisonRow(BaseModel):
    """A claimed comparison next to the measured paired difference."""

    claimed: str
    eval_dataset: str
    metric: str
    measured: Interval
    outcome: Literal["agrees", "contradicts", "inconclusive"]


class Figure(BaseModel):
    path: str = Field(description="relative to the folder holding report.json")
    caption: str


class Reproduction(BaseModel):
    """The reproduction run the report shows, with what differs from the paper."""

    config_name: str
    model_spec: str
    device: str
    seeds: list[int]
    wall_time_s: float
    result_path: str
    model_sha256: str = ""
    data_sha256: dict[str, str] = Field(default_factory=dict)
    substitutions: list[str] = Field(default_factory=list)
    strategies: list[StrategyRow] = Field(default_factory=list)
    comparisons: list[ComparisonRow] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
