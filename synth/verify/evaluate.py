"""Scoring the verifier on a labeled claim set (bench/verify_eval.py and its test).

A labeled line is ``{"text", "paper_id"?, "label", "split", ...}`` with label a
verdict. Claims are judged once; the calibration model can then be fitted on
the ``dev`` split and every figure reported separately for ``dev`` and the
held-out ``test`` split.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synth.calibrate import expected_calibration_error
from synth.index.library import Library
from synth.verify.calibration import VERDICTS, confidence, feature_vector
from synth.verify.inputs import ClaimInput
from synth.verify.judgement import Judgement
from synth.verify.protocol import VerifyContext
from synth.verify.registry import verifiers
from synth.verify.run import judge


@dataclass
class Judged:
    text: str
    label: str
    split: str
    judgement: Judgement

    @property
    def correct(self) -> bool:
        return self.judgement.verdict == self.label


def read_labeled(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def judge_labeled(rows: list[dict], library: Library, data_dir: Path | None, results_dir: Path | None) -> list[Judged]:
    """Every labeled claim judged offline (no LLM), with the library's settings and policy."""
    context = VerifyContext(library.settings.model_copy(update={"llm_model": None}), data_dir, results_dir, library)
    walked = verifiers(context.policy)
    return [Judged(row["text"], row["label"], row.get("split", "test"),
                   judge(ClaimInput.of(row["text"], row.get("paper_id")), walked, context))
            for row in rows]


def scores(judged: list[Judged]) -> dict[str, float]:
    """accuracy, macro-F1 over the three verdicts, ECE of the calibrated confidence."""
    from sklearn.metrics import f1_score

    if not judged:
        return {"n": 0, "accuracy": float("nan"), "macro_f1": float("nan"), "ece": float("nan")}
    labels = [item.label for item in judged]
    predicted = [item.judgement.verdict for item in judged]
    correct = np.array([item.correct for item in judged], dtype=float)
    confidences = np.array([confidence(item.judgement) for item in judged])
    return {
        "n": len(judged),
        "accuracy": float(correct.mean()),
        "macro_f1": float(f1_score(labels, predicted, labels=list(VERDICTS), average="macro", zero_division=0)),
        "ece": expected_calibration_error(confidences, correct),
    }


def calibration_data(judged: list[Judged]) -> tuple[np.ndarray, np.ndarray]:
    return (np.array([feature_vector(item.judgement) for item in judged]),
            np.array([item.correct for item in judged], dtype=int))
