"""Fit the verdict combiner and its confidence map on claim-level dev data.

The regulariser is chosen by grouped cross-validation (a claim's rows never sit on both
sides of a fold); the confidence map is an isotonic regression of "verdict was right" on
the winning probability of *out-of-fold* predictions, so it is fitted on predictions the
combiner did not train on. Classes are weighted inversely to their frequency because the
dev sets are dominated by "not enough evidence" and a refuted claim is what matters most.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from synth.models.calibration import expected_calibration_error, summary
from synth.models.judge import FEATURES, VERDICTS

C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
FOLDS = 5
MAX_ITER = 2000
CONFIDENCE_FLOOR = 1.0 / len(VERDICTS)
"""A three-way verdict is right at least this often when it is a guess: the map never goes below."""


def _matrix(rows: Sequence[dict[str, float]], features: Sequence[str]) -> np.ndarray:
    return np.array([[row[name] for name in features] for row in rows], dtype=np.float64)


def _classifier(c: float, seed: int):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", max_iter=MAX_ITER, random_state=seed)


def _out_of_fold(x: np.ndarray, y: np.ndarray, groups: np.ndarray, c: float, seed: int) -> np.ndarray:
    from sklearn.model_selection import GroupKFold

    probabilities = np.zeros((len(y), len(VERDICTS)))
    for train, held in GroupKFold(n_splits=FOLDS).split(x, y, groups):
        model = _classifier(c, seed).fit(x[train], y[train])
        probabilities[np.ix_(held, model.classes_)] = model.predict_proba(x[held])
    return probabilities


def _cv_macro_f1(y: np.ndarray, probabilities: np.ndarray) -> float:
    predicted = [VERDICTS[i] for i in probabilities.argmax(axis=1)]
    return summary([VERDICTS[i] for i in y], predicted, probabilities.max(axis=1), VERDICTS)["macro_f1"]


def fit_judge(
    rows: Sequence[dict[str, float]],
    labels: Sequence[str],
    groups: Sequence[str],
    features: Sequence[str] = FEATURES,
    seed: int = 13,
) -> dict:
    """The ``judge.json`` spec: standardisation, coefficients, chosen C, isotonic map, CV figures."""
    from sklearn.isotonic import IsotonicRegression

    raw = _matrix(rows, features)
    mean, scale = raw.mean(axis=0), raw.std(axis=0)
    scale[scale == 0] = 1.0
    x = (raw - mean) / scale
    y = np.array([VERDICTS.index(label) for label in labels])
    group_array = np.array(groups)
    scored = {c: _out_of_fold(x, y, group_array, c, seed) for c in C_GRID}
    best_c = max(C_GRID, key=lambda c: _cv_macro_f1(y, scored[c]))
    oof = scored[best_c]
    top, correct = oof.max(axis=1), (oof.argmax(axis=1) == y).astype(float)
    isotonic = IsotonicRegression(y_min=CONFIDENCE_FLOOR, y_max=1.0, out_of_bounds="clip").fit(top, correct)
    calibrated = isotonic.predict(top)
    model = _classifier(best_c, seed).fit(x, y)
    coef = np.zeros((len(VERDICTS), len(features)))
    intercept = np.zeros(len(VERDICTS))
    coef[model.classes_], intercept[model.classes_] = model.coef_, model.intercept_
    return {
        "features": list(features),
        "verdicts": list(VERDICTS),
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "coef": coef.tolist(),
        "intercept": intercept.tolist(),
        "C": best_c,
        "calibration": {"x": isotonic.X_thresholds_.tolist(), "y": isotonic.y_thresholds_.tolist()},
        "cross_validation": {
            "folds": FOLDS,
            "claims": len(y),
            "macro_f1": round(_cv_macro_f1(y, oof), 4),
            "ece_raw": round(expected_calibration_error(top, correct), 4),
            "ece_calibrated": round(expected_calibration_error(calibrated, correct), 4),
        },
    }
