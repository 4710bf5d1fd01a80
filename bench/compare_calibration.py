"""Confidence maps compared on dev only: the shipped logistic (Platt) map against isotonic regression.

    python bench/compare_calibration.py [--data ../shared/data] [--home DIR] [--dealings 10]

The combiner's out-of-fold probabilities on the dev claims (synth.models.fit.cross_validate, as
``synth models fit-combiner`` makes them) are split per calibration source into five folds of claim
groups; each map is fitted on four and read on the fifth, over ``--dealings`` shuffles. Printed per
source: the ECE and Brier score of the uncalibrated winning probability, of the baseline (isotonic
regression with Laplace-smoothed blocks, the map until 8 Dec 2026) and of the shipped map
(synth.models.fit.confidence_map), and how many distinct confidences each gives. Held-out sets are
never read here.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(REPO))

from synth.calibrate import expected_calibration_error  # noqa: E402
from synth.models.fit import (  # noqa: E402
    CONFIDENCE_FLOOR, FOLDS, LAPLACE_RIGHT, LAPLACE_SEEN, confidence_map, top_and_right, calibration_source,
    cross_validate, standardised)
from synth.models.judge import VERDICTS  # noqa: E402
from synth.models.nli import shipped_model_dir  # noqa: E402
from synth.models.train import TrainOptions, dev_rows  # noqa: E402


def isotonic_map(top: np.ndarray, correct: np.ndarray) -> dict[str, list[float]]:
    """The baseline: isotonic regression of "right" on the winning probability, each block's accuracy
    smoothed by Laplace's rule, floored and made monotone (synth.models.fit before 8 Dec 2026)."""
    from sklearn.isotonic import IsotonicRegression

    isotonic = IsotonicRegression(y_min=CONFIDENCE_FLOOR, y_max=1.0, out_of_bounds="clip").fit(top, correct)
    fitted = isotonic.predict(top)
    smoothed = [(correct[np.isclose(fitted, value)].sum() + LAPLACE_RIGHT) / (np.isclose(fitted, value).sum() + LAPLACE_SEEN)
                for value in isotonic.y_thresholds_]
    return {"x": isotonic.X_thresholds_.tolist(), "y": np.maximum.accumulate(np.maximum(smoothed, CONFIDENCE_FLOOR)).tolist()}


MAPS = {"uncalibrated": None, "isotonic (baseline)": isotonic_map, "logistic (shipped)": confidence_map}


def nested(top: np.ndarray, correct: np.ndarray, groups: np.ndarray, dealings: int) -> dict[str, dict[str, float]]:
    """Each map's mean ECE, Brier score and distinct confidences, read on folds it was not fitted on."""
    names = np.unique(groups, return_inverse=True)[1]
    figures: dict[str, dict[str, list[float]]] = {name: {"ece": [], "brier": [], "distinct": []} for name in MAPS}
    for seed in range(dealings):
        folds = np.random.default_rng(seed).permutation(names.max() + 1)[names] % FOLDS
        for name, fit in MAPS.items():
            mapped = top.copy()
            for fold in range(FOLDS):
                train, held = folds != fold, folds == fold
                if fit is not None:
                    table = fit(top[train], correct[train])
                    mapped[held] = np.interp(top[held], table["x"], table["y"])
            figures[name]["ece"].append(expected_calibration_error(mapped, correct))
            figures[name]["brier"].append(float(np.mean((mapped - correct) ** 2)))
            figures[name]["distinct"].append(len(np.unique(np.round(mapped, 6))))
    return {name: {key: float(np.mean(values)) for key, values in scores.items()} for name, scores in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--home", type=Path, default=Path(tempfile.gettempdir()) / "synth-bench-verify",
                        help="where the libraries of the dev claims are ingested (shared with verify_external.py)")
    parser.add_argument("--dealings", type=int, default=10)
    args = parser.parse_args()
    rows, labels, groups, sources = dev_rows(args.data, shipped_model_dir(), TrainOptions(library_home=str(args.home)))
    x, _, _ = standardised(rows)
    y, group_array = np.array([VERDICTS.index(label) for label in labels]), np.array(groups)
    source_array = np.array(sources)
    top, correct = top_and_right(cross_validate(x, y, group_array, source_array).out_of_fold, y)
    calibration = np.array([calibration_source(source) for source in sources])
    for name in np.unique(calibration):
        mask = calibration == name
        for map_name, figures in nested(top[mask], correct[mask], group_array[mask], args.dealings).items():
            print(f"{name:>14} (n={mask.sum():4d}) {map_name:>20}: ECE {figures['ece']:.3f}  Brier {figures['brier']:.4f}  "
                  f"distinct confidences {figures['distinct']:.0f}", flush=True)


if __name__ == "__main__":
    main()
