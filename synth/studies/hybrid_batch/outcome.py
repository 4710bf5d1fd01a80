"""The one rule that decides a claimed comparison against a measured difference.

Both the reproduction verifier (a claim's verdict) and the report's comparison
table (the paper's claims next to the measurement) call ``outcome_of``, so the
two can never disagree about the same claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from synth.reproduce.result import Interval

Expected = Literal["better", "worse", "comparable"]
Outcome = Literal["confirmed", "contradicted", "open"]
LOWER_IS_BETTER = frozenset({"rank_distance"})
"""Metrics where a smaller value is the better one (rank distance measures language bias)."""


@dataclass(frozen=True)
class Check:
    """'hybrid is EXPECTED than OTHER on METRIC (for EVAL DATASET, None = every one measured)'."""

    other: str
    metric: str
    eval_dataset: str | None
    expected: Expected


def outcome_of(interval: Interval, check: Check) -> Outcome:
    """For a measured hybrid - other difference: confirmed when the whole 95% interval is on
    the claimed side of zero, contradicted when it is wholly on the other side, open otherwise;
    'comparable' is contradicted only by an interval wholly against hybrid."""
    sign = -1.0 if check.metric in LOWER_IS_BETTER else 1.0
    low, high = sorted((sign * interval.low, sign * interval.high))
    if check.expected == "comparable":
        return "contradicted" if high < 0 else "confirmed"
    favours_hybrid, favours_other = low > 0, high < 0
    if check.expected == "worse":
        favours_hybrid, favours_other = favours_other, favours_hybrid
    return "confirmed" if favours_hybrid else "contradicted" if favours_other else "open"


def across_seeds(outcomes: list[Outcome]) -> Outcome:
    """One outcome per check: seeds that disagree (one confirms, another contradicts) leave it open."""
    if set(outcomes) == {"confirmed"}:
        return "confirmed"
    if "contradicted" in outcomes and "confirmed" not in outcomes:
        return "contradicted"
    return "open"
