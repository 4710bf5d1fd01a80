"""Classification and calibration metrics shared by combiner fitting and the benchmarks.

ECE (synth.calibrate, after Guo et al. 2017) and reliability-diagram bins use the same
equal-width confidence bins.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from synth.calibrate import expected_calibration_error

ECE_BINS = 10
CALIBRATED_DRAWS = 2000
"""Simulated label sets behind :func:`calibrated_ece`."""


def f1_by_class(gold: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    """Per-class F1 of integer labels ``0 .. classes - 1`` (0 when a class is neither gold nor predicted)."""
    cells = np.bincount(gold * classes + predicted, minlength=classes * classes).reshape(classes, classes)
    return 2 * np.diag(cells) / np.maximum(cells.sum(axis=0) + cells.sum(axis=1), 1)


def f1_scores(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict[str, float]:
    """Per-label F1 (0 when a label is neither gold nor predicted); other labels count as one more class."""
    index = {label: i for i, label in enumerate(labels)}
    other = len(labels)
    gold_ids = np.array([index.get(g, other) for g in gold], dtype=int)
    predicted_ids = np.array([index.get(p, other) for p in predicted], dtype=int)
    scores = f1_by_class(gold_ids, predicted_ids, other + 1)
    return {label: float(scores[i]) for label, i in index.items()}


def reliability_bins(confidence: Sequence[float], correct: Sequence[bool], bins: int = ECE_BINS) -> list[dict]:
    """Per bin: its range, count, mean confidence and accuracy (empty bins omitted)."""
    confidence_array, correct_array = np.asarray(confidence, float), np.asarray(correct, float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(confidence_array, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        mask = index == b
        if mask.any():
            rows.append({"low": edges[b], "high": edges[b + 1], "count": int(mask.sum()),
                         "confidence": float(confidence_array[mask].mean()), "accuracy": float(correct_array[mask].mean())})
    return rows


def summary(gold: Sequence[str], predicted: Sequence[str], confidence: Sequence[float], labels: Sequence[str]) -> dict:
    """macro-F1, per-label F1, accuracy and ECE of one prediction set."""
    per_label = f1_scores(gold, predicted, labels)
    present = [label for label in labels if label in gold]
    correct = [g == p for g, p in zip(gold, predicted)]
    return {
        "n": len(gold),
        "macro_f1": float(np.mean([per_label[label] for label in present])) if present else 0.0,
        "f1": per_label,
        "accuracy": float(np.mean(correct)) if correct else 0.0,
        "ece": expected_calibration_error(confidence, correct),
    }


def calibrated_ece(confidence: Sequence[float], draws: int = CALIBRATED_DRAWS, seed: int = 0) -> dict[str, float]:
    """The ECE a set of this size shows when every confidence *is* the probability of being right.

    Each draw decides every verdict right with probability equal to its confidence and measures the ECE
    as usual; the mean and 95th percentile over ``draws`` such sets say how much of a measured ECE
    sampling noise alone explains (a target under the mean cannot be told apart from noise at this size).
    """
    confidence_array = np.asarray(confidence, float)
    if not confidence_array.size:
        return {"mean": float("nan"), "p95": float("nan")}
    outcomes = np.random.default_rng(seed).random((draws, confidence_array.size)) < confidence_array
    errors = np.array([expected_calibration_error(confidence_array, drawn) for drawn in outcomes])
    return {"mean": float(errors.mean()), "p95": float(np.quantile(errors, 0.95))}
