"""Verdict confidence: P(verdict is right), from a logistic model over the judgement.

The model's inputs are the verifier's raw strength and one-hot method and
verdict; its parameters are fitted by ``bench/verify_eval.py --fit`` on the
calibration split of the labeled claims (tests/data/claims/labeled_claims.jsonl,
``split == "dev"``) and stored beside this module as JSON. A missing or stale file
is a ConfigError naming the fix (synth.calibrate.LogisticModel).
"""

from __future__ import annotations

from typing import get_args

from synth.calibrate import LogisticModel
from synth.records import Verdict, VerifyMethod
from synth.resources import resource_location
from synth.verify.judgement import Judgement

PARAMETERS_PATH = resource_location("synth.verify", "calibration.json")
METHODS = get_args(VerifyMethod)
VERDICTS = get_args(Verdict)
FEATURE_NAMES = ["strength", *(f"method={m}" for m in METHODS), *(f"verdict={v}" for v in VERDICTS)]


def feature_vector(judgement: Judgement) -> list[float]:
    return ([judgement.strength] + [float(judgement.method == m) for m in METHODS]
            + [float(judgement.verdict == v) for v in VERDICTS])


MODEL = LogisticModel(PARAMETERS_PATH, FEATURE_NAMES)


def confidence(judgement: Judgement) -> float:
    if judgement.confidence is not None:
        return round(judgement.confidence, 4)
    return round(MODEL.probability(feature_vector(judgement)), 4)
