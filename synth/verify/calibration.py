"""Verdict confidence: P(verdict is right), from a logistic model over the judgement.

The model's inputs are the verifier's raw strength and one-hot method and
verdict; its parameters are fitted by ``bench/verify_eval.py --fit`` on the
calibration split of the labeled claims (tests/data/claims/labeled_claims.jsonl,
``split == "dev"``) and stored beside this module as JSON. Without the file
the raw strength is used as is.
"""

from __future__ import annotations

from pathlib import Path

from synth.claims.calibrate import LogisticModel
from synth.verify.judgement import Judgement

PARAMETERS_PATH = Path(__file__).with_name("calibration.json")
METHODS = ("text", "dataset", "reproduction")
VERDICTS = ("supported", "refuted", "insufficient_evidence")
FEATURE_NAMES = ["strength", *(f"method={m}" for m in METHODS), *(f"verdict={v}" for v in VERDICTS)]


def feature_vector(judgement: Judgement) -> list[float]:
    return ([judgement.strength] + [float(judgement.method == m) for m in METHODS]
            + [float(judgement.verdict == v) for v in VERDICTS])


MODEL = LogisticModel(PARAMETERS_PATH, FEATURE_NAMES)


def confidence(judgement: Judgement) -> float:
    probability = MODEL.probability(feature_vector(judgement))
    return round(min(1.0, max(0.0, judgement.strength)) if probability is None else probability, 4)
