"""Fitting and checking the calibrated models (worthiness, verdict confidence).

Both are logistic regressions over a handful of transparent features, so the
fitted parameters fit in a small JSON file shipped with the package. ECE is
the expected calibration error over equal-width probability bins.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from synth.errors import ConfigError
from synth.files import write_text_atomic


def expected_calibration_error(probabilities: np.ndarray, outcomes: np.ndarray, bins: int = 10) -> float:
    """Sum over bins of (bin share) x |mean predicted - observed rate|."""
    probabilities, outcomes = np.asarray(probabilities, float), np.asarray(outcomes, float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(probabilities, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for index in range(bins):
        members = which == index
        if members.any():
            error += members.mean() * abs(probabilities[members].mean() - outcomes[members].mean())
    return float(error)


def _model(regularisation: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=regularisation, max_iter=1000)


def fit_logistic(features: np.ndarray, outcomes: np.ndarray, names: list[str], regularisation: float = 1.0) -> dict:
    model = _model(regularisation).fit(features, outcomes)
    return {"features": names, "coef": [round(float(w), 6) for w in model.coef_[0]],
            "intercept": round(float(model.intercept_[0]), 6), "regularisation": regularisation}


def cross_validated_probabilities(features: np.ndarray, outcomes: np.ndarray, folds: int = 5,
                                  regularisation: float = 1.0, seed: int = 0) -> np.ndarray:
    """Out-of-fold P(outcome) for every row: each row is scored by a model that never saw it."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return cross_val_predict(_model(regularisation), features, outcomes, cv=splitter, method="predict_proba")[:, 1]


def save_parameters(path: Path, parameters: dict, extra: dict) -> None:
    write_text_atomic(path, json.dumps({**parameters, **extra}, indent=2) + "\n")


REFIT = "python bench/verify_eval.py --fit (from a checkout), or reinstall synth"


class LogisticModel:
    """Fitted logistic parameters, a JSON file shipped as package data beside the module that uses them.

    Re-read whenever the file changes (the benchmark refits them in-process). A missing
    file, or one fitted for other features (stale), is a ConfigError naming the fix:
    an uncalibrated confidence must never pass for a calibrated one.
    """

    def __init__(self, path: Path, feature_names: list[str]) -> None:
        self.path = path
        self.feature_names = feature_names
        self._cached: tuple[float, dict] | None = None

    def parameters(self) -> dict:
        try:
            stamp = self.path.stat().st_mtime
        except OSError as error:
            raise ConfigError(f"fitted model {self.path} is missing; run {REFIT}") from error
        if self._cached is None or self._cached[0] != stamp:
            parameters = json.loads(self.path.read_text(encoding="utf-8"))
            if parameters.get("features") != self.feature_names:
                raise ConfigError(f"fitted model {self.path} is for features {parameters.get('features')}, "
                                  f"not {self.feature_names}; run {REFIT}")
            self._cached = (stamp, parameters)
        return self._cached[1]

    def probability(self, features: list[float]) -> float:
        """P(outcome) for one feature vector."""
        parameters = self.parameters()
        logit = parameters["intercept"] + sum(w * x for w, x in zip(parameters["coef"], features))
        return 1.0 / (1.0 + math.exp(-logit))
