"""Verifier benchmark: accuracy, macro-F1 and ECE on the labeled claims.

    python bench/verify_eval.py [--fit] [--home DIR] [--data DIR] [--json]

Renders the synthetic test corpus to PDFs, ingests it into a fresh SYNTH_HOME
(or reuses --home), verifies every claim of tests/data/claims/labeled_claims.jsonl
(LAReQA facts against --data; reproduction claims against the hand-written
fixture in tests/data/claims/results) and prints the figures for the ``dev``
split, the held-out ``test`` split and all claims.

--fit refits both calibrated models and writes their parameters into the package:
- verdict confidence: logistic regression on the dev split only (test stays held out);
- claim worthiness: logistic regression on tests/data/claims/worthiness.jsonl, with
  its ECE reported from 5-fold cross-validated (out-of-fold) probabilities.
Thresholds of the text verifier were set by hand while reading dev-split claims.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from synth.claims import worthiness  # noqa: E402
from synth.calibrate import (  # noqa: E402
    cross_validated_probabilities,
    expected_calibration_error,
    fit_logistic,
    save_parameters,
)
from synth.index.library import Library  # noqa: E402
from synth.ingest.run import ingest_sources  # noqa: E402
from synth.settings import Settings  # noqa: E402
from synth.verify import calibration  # noqa: E402
from synth.verify.evaluate import calibration_data, judge_labeled, read_labeled, scores  # noqa: E402
from bench.corpus.pdf import write_corpus_pdfs  # noqa: E402

CLAIMS_DIR = REPO / "tests" / "data" / "claims"


def build_library(home: Path) -> Library:
    settings = Settings(home=home)
    library = Library(settings)
    if not library.papers():
        pdfs = write_corpus_pdfs(home / "corpus-pdfs")
        ingest_sources([str(path) for path in pdfs], settings, library, progress=False)
    return library


def fit_worthiness() -> dict:
    rows = read_labeled(CLAIMS_DIR / "worthiness.jsonl")
    features = np.array([worthiness.features(row["text"]) for row in rows])
    labels = np.array([row["label"] for row in rows])
    out_of_fold = cross_validated_probabilities(features, labels)
    figures = {"n": len(rows), "cv_ece": round(expected_calibration_error(out_of_fold, labels), 4),
               "cv_accuracy": round(float(((out_of_fold > 0.5) == labels).mean()), 4)}
    parameters = fit_logistic(features, labels, worthiness.FEATURE_NAMES)
    save_parameters(worthiness.PARAMETERS_PATH, parameters, {"fitted_on": "tests/data/claims/worthiness.jsonl",
                                                             "cross_validated": figures})
    return figures


def constant_model(outcomes: np.ndarray) -> dict:
    """Laplace's rule of succession, (right + 1) / (n + 2), when the dev split has only one outcome
    (e.g. every dev claim verified correctly) and a logistic fit is impossible."""
    rate = (outcomes.sum() + 1) / (len(outcomes) + 2)
    return {"features": calibration.FEATURE_NAMES, "coef": [0.0] * len(calibration.FEATURE_NAMES),
            "intercept": round(float(np.log(rate / (1 - rate))), 6), "regularisation": None}


def fit_confidence(judged) -> None:
    dev = [item for item in judged if item.split == "dev"]
    features, outcomes = calibration_data(dev)
    if len(set(outcomes.tolist())) < 2:
        parameters = constant_model(outcomes)
    else:
        parameters = fit_logistic(features, outcomes, calibration.FEATURE_NAMES)
    save_parameters(calibration.PARAMETERS_PATH, parameters,
                    {"fitted_on": "tests/data/claims/labeled_claims.jsonl split=dev", "n": len(dev)})


def cross_validated_ece(judged) -> dict:
    """A second view of calibration: 5-fold out-of-fold confidences over all labeled claims."""
    features, outcomes = calibration_data(judged)
    folds = min(5, int(outcomes.sum()), int(len(outcomes) - outcomes.sum()))
    if folds < 2:
        return {"folds": folds, "ece": float("nan")}
    out_of_fold = cross_validated_probabilities(features, outcomes, folds=folds)
    return {"folds": folds, "ece": round(expected_calibration_error(out_of_fold, outcomes), 4)}


def report(judged) -> dict:
    splits = {"dev": [j for j in judged if j.split == "dev"], "test": [j for j in judged if j.split == "test"],
              "all": judged}
    return {name: {key: round(value, 4) for key, value in scores(items).items()} for name, items in splits.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit the calibration models (dev split / worthiness set)")
    parser.add_argument("--home", type=Path, help="reuse this SYNTH_HOME (ingests the corpus when empty)")
    parser.add_argument("--data", type=Path, default=Settings().lareqa_dir, help="LAReQA folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        library = build_library(args.home or Path(scratch) / "home")
        rows = read_labeled(CLAIMS_DIR / "labeled_claims.jsonl")
        judged = judge_labeled(rows, library, args.data, CLAIMS_DIR / "results")
    figures = {}
    if args.fit:
        figures["worthiness"] = fit_worthiness()
        fit_confidence(judged)
    figures["verification"] = report(judged)
    figures["confidence_cv_all"] = cross_validated_ece(judged)
    figures["errors"] = [{"claim": j.text, "label": j.label, "verdict": j.judgement.verdict, "split": j.split}
                         for j in judged if not j.correct]
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for split, values in figures["verification"].items():
        print(f"{split:>5}: n={values['n']:3d} accuracy={values['accuracy']:.3f} "
              f"macro-F1={values['macro_f1']:.3f} ECE={values['ece']:.3f}")
    print(f"verdict confidence, cross-validated over all claims: {figures['confidence_cv_all']}")
    if "worthiness" in figures:
        print(f"worthiness (5-fold CV): {figures['worthiness']}")
    for error in figures["errors"]:
        print(f"  wrong [{error['split']}] {error['label']} -> {error['verdict']}: {error['claim']}")


if __name__ == "__main__":
    main()
