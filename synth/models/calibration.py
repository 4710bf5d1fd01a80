"""Classification and calibration metrics shared by combiner fitting and the benchmarks.

ECE (synth.calibrate, after Guo et al. 2017) and reliability-diagram bins use the same
equal-width confidence bins.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from synth.calibrate import expected_calibration_error

ECE_BINS = 10
CALIBRATED_DRAWS = 2000
"""Simulated label sets behind :func:`calibrated_ece`."""
BOOTSTRAP_DRAWS = 2000
"""Resampled sets behind :func:`f1_interval`."""
INTERVAL_PERCENTILES = (2.5, 97.5)
"""A 95% interval."""


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


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> tuple[float, dict[str, float]]:
    """The mean F1 over the labels the gold set holds, and every label's F1 (:func:`f1_scores`)."""
    per_label = f1_scores(gold, predicted, labels)
    present = [label for label in labels if label in gold]
    return (float(np.mean([per_label[label] for label in present])) if present else 0.0), per_label


def summary(gold: Sequence[str], predicted: Sequence[str], confidence: Sequence[float], labels: Sequence[str]) -> dict:
    """macro-F1, per-label F1, accuracy and ECE of one prediction set."""
    macro, per_label = macro_f1(gold, predicted, labels)
    correct = [g == p for g, p in zip(gold, predicted)]
    return {
        "n": len(gold),
        "macro_f1": macro,
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


def group_resamples(groups: Sequence[str], draws: int = BOOTSTRAP_DRAWS, seed: int = 0) -> Iterator[np.ndarray]:
    """Index arrays of ``draws`` bootstrap sets that resample whole ``groups`` with replacement.

    A set's claims about one paper share its parse, its tables and its writer's habits, so they are
    not independent draws: resampling papers rather than claims gives the wider, honest interval
    (Efron & Tibshirani 1993, ch. 6, on resampling the units that were sampled).
    """
    members: dict[str, list[int]] = {}
    for index, group in enumerate(groups):
        members.setdefault(group, []).append(index)
    blocks = list(members.values())
    rng = np.random.default_rng(seed)
    for _ in range(draws):
        yield np.concatenate([blocks[i] for i in rng.integers(len(blocks), size=len(blocks))])


def percentile_interval(values: Sequence[float]) -> list[float]:
    """The 95% interval of bootstrap values (their 2.5th and 97.5th percentiles), to three decimals."""
    return np.percentile(values, INTERVAL_PERCENTILES).round(3).tolist()


def f1_interval(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str], groups: Sequence[str],
                label: str) -> dict[str, list[float]]:
    """95% bootstrap intervals of the macro-F1 and of ``label``'s F1 (:func:`group_resamples`). A held-out
    figure whose interval reaches a target has not been shown to miss it, nor one below it to meet it."""
    gold_array, predicted_array = np.asarray(gold, dtype=object), np.asarray(predicted, dtype=object)
    macro, single = [], []
    for drawn in group_resamples(groups):
        mean, per_label = macro_f1(gold_array[drawn].tolist(), predicted_array[drawn].tolist(), labels)
        macro.append(mean)
        single.append(per_label[label])
    return {"macro_f1": percentile_interval(macro), f"{label}_f1": percentile_interval(single)}


def macro_f1_difference(gold: Sequence[str], predicted: Sequence[str], baseline: Sequence[str],
                        labels: Sequence[str], groups: Sequence[str]) -> list[float]:
    """95% bootstrap interval of macro-F1(``predicted``) - macro-F1(``baseline``) on the same resampled sets:
    paired, so it is narrower than the two intervals side by side; above zero, ``predicted`` is ahead."""
    gold_array = np.asarray(gold, dtype=object)
    predicted_array, baseline_array = np.asarray(predicted, dtype=object), np.asarray(baseline, dtype=object)
    differences = []
    for drawn in group_resamples(groups):
        truth = gold_array[drawn].tolist()
        differences.append(macro_f1(truth, predicted_array[drawn].tolist(), labels)[0]
                           - macro_f1(truth, baseline_array[drawn].tolist(), labels)[0])
    return percentile_interval(differences)
