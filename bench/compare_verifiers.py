"""Is a retrained verifier better than the shipped one on dev, beyond noise? (dev data only)

    python bench/compare_verifiers.py --candidate DIR [--baseline DIR] [--data ../shared/data] [--home DIR] [--json OUT]

Two measures, each for the baseline (default: the shipped model) and the candidate (a
``train-verifier`` run's ``model/`` folder), and their paired difference:

- **dev pairs**: macro-F1 (over the labels each source has) of the cross-encoder's own argmax on
  each source's dev pairs (synth.models.nli_data), with a 95% bootstrap interval of candidate - baseline (pairs resampled).
- **dev claims**: the combiner's selection score (synth.models.fit.selection_score), each model
  cross-validated as ``train-verifier`` fits it, on the same ``FOLD_REPEATS`` fold dealings: the
  mean and spread over dealings, the paired difference per dealing, and a 95% bootstrap interval
  of the difference with the claims' groups (a paper, a claim) resampled.

- **confidence spread**: the share of the dev claims judged through a library that each model's
  run-time confidence map gives its single most common confidence (synth.models.fit.largest_tie_share).

A candidate is **ahead on dev** only when the claims' interval lies above zero and its confidence is
no more bunched than the baseline's (a tie share no larger). Why this exists: on 7 Dec a 3-epoch run
scored 0.437 against the shipped 0.418 on one fold dealing, then 0.03-0.08 macro-F1 below it on every
held-out set but WiCE; over ten dealings the gap was 0.010 with a spread of 0.014. Later that day a
run on half the general-NLI pairs passed the interval (0.420 -> 0.455) and was shipped, then withdrawn:
its confidence map gave one value to 69% of the dev library claims against 53%, and to 80 of 97 held-out
real-paper claims (bench/RESULTS.md). Nothing here reads a test split.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(REPO))

from synth.models import nli_data  # noqa: E402
from synth.models.calibration import f1_by_class, percentile_interval  # noqa: E402
from synth.models.fit import CrossValidation, cross_validate, largest_tie_share, selection_score, standardised  # noqa: E402
from synth.models.judge import VERDICTS  # noqa: E402
from synth.models.nli import NliModel, shipped_model_dir  # noqa: E402
from synth.models.train import TrainOptions, dev_rows  # noqa: E402

BOOTSTRAP_DRAWS = 1000


def macro_f1(gold: np.ndarray, predicted: np.ndarray, classes: int) -> float:
    """Mean F1 over the classes present in ``gold``, as synth.models.calibration.summary counts it."""
    return float(f1_by_class(gold, predicted, classes)[np.bincount(gold, minlength=classes) > 0].mean())


def pair_figures(data: Path, baseline: Path, candidate: Path, rng: np.random.Generator) -> dict:
    """Per source: both models' dev-pair macro-F1 and the bootstrap interval of their difference."""
    by_source = defaultdict(list)
    for pair in nli_data.load_pairs(data, "dev"):
        by_source[pair.source].append(pair)
    models = [NliModel(baseline), NliModel(candidate)]
    figures = {}
    for source, pairs in sorted(by_source.items()):
        gold = np.array([pair.label_id for pair in pairs])
        texts = [(pair.premise, pair.hypothesis) for pair in pairs]
        base, cand = (model.predict_fresh(texts).argmax(axis=1) for model in models)
        classes = len(nli_data.LABELS)
        draws = [rng.integers(0, len(gold), len(gold)) for _ in range(BOOTSTRAP_DRAWS)]
        differences = [macro_f1(gold[d], cand[d], classes) - macro_f1(gold[d], base[d], classes) for d in draws]
        figures[source] = {"pairs": len(gold), "baseline": macro_f1(gold, base, classes),
                           "candidate": macro_f1(gold, cand, classes), "interval": percentile_interval(differences)}
    return figures


def claim_rows(data: Path, model: Path, home: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rows, labels, groups, sources = dev_rows(data, model, TrainOptions(library_home=str(home)))
    x, _, _ = standardised(rows)
    return x, np.array([VERDICTS.index(label) for label in labels]), np.array(groups), np.array(sources)


def _choice(cv: CrossValidation, y: np.ndarray, sources: np.ndarray) -> dict:
    return {"C": cv.c, "prior": cv.prior, "mean": float(np.mean(cv.scores)), "sd": float(np.std(cv.scores)),
            "largest_tie_share": largest_tie_share(cv.out_of_fold, y, sources)}


def claim_figures(data: Path, baseline: Path, candidate: Path, home: Path, rng: np.random.Generator) -> dict:
    """Both models' combiner cross-validation on the same dev claims and dealings, and their paired difference."""
    x_base, y, groups, sources = claim_rows(data, baseline, home)
    x_cand, y_cand, groups_cand, _ = claim_rows(data, candidate, home)
    if not (np.array_equal(y, y_cand) and np.array_equal(groups, groups_cand)):
        raise SystemExit("the two models were judged on different dev claims; rerun with one --home")
    base, cand = cross_validate(x_base, y, groups, sources), cross_validate(x_cand, y, groups, sources)
    names, index = np.unique(groups, return_inverse=True)
    rows_of = [np.flatnonzero(index == i) for i in range(len(names))]
    differences = []
    for _ in range(BOOTSTRAP_DRAWS):
        rows = np.concatenate([rows_of[i] for i in rng.integers(0, len(names), len(names))])
        differences.append(selection_score(y[rows], cand.out_of_fold[rows], sources[rows])
                           - selection_score(y[rows], base.out_of_fold[rows], sources[rows]))
    per_dealing = np.array(cand.scores) - np.array(base.scores)
    return {
        "claims": len(y), "groups": len(names),
        "baseline": _choice(base, y, sources), "candidate": _choice(cand, y, sources),
        "difference_by_dealing": per_dealing.tolist(),
        "interval": percentile_interval(differences),
    }


def report(pairs: dict, claims: dict) -> None:
    print(f"dev pairs, macro-F1 (baseline -> candidate, 95% interval of the difference, {BOOTSTRAP_DRAWS} draws):")
    for source, figure in pairs.items():
        low, high = figure["interval"]
        print(f"  {source:>16} ({figure['pairs']:>5}): {figure['baseline']:.3f} -> {figure['candidate']:.3f}  [{low:+.3f}, {high:+.3f}]")
    base, cand, low_high = claims["baseline"], claims["candidate"], claims["interval"]
    by_dealing = ", ".join(f"{d:+.3f}" for d in claims["difference_by_dealing"])
    print(f"dev claims ({claims['claims']} in {claims['groups']} groups), combiner selection score:")
    print(f"  baseline  {base['mean']:.4f} (sd {base['sd']:.4f} over dealings; C={base['C']}, {base['prior']})")
    print(f"  candidate {cand['mean']:.4f} (sd {cand['sd']:.4f}; C={cand['C']}, {cand['prior']})")
    print(f"  difference by dealing: {by_dealing}; 95% interval over groups [{low_high[0]:+.4f}, {low_high[1]:+.4f}]")
    print(f"dev claims through a library given the most common run-time confidence: baseline "
          f"{base['largest_tie_share']:.0%}, candidate {cand['largest_tie_share']:.0%}")
    print("candidate ahead on dev: " + verdict(claims))


def verdict(claims: dict) -> str:
    """The rule of the module docstring, as printed."""
    if claims["interval"][0] <= 0:
        return "no (the interval reaches zero or below)"
    if claims["candidate"]["largest_tie_share"] > claims["baseline"]["largest_tie_share"]:
        return "no (its confidence is more bunched than the baseline's)"
    return "yes"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidate", type=Path, required=True)
    parser.add_argument("--baseline", type=Path, default=shipped_model_dir())
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--home", type=Path, default=Path(tempfile.gettempdir()) / "synth-bench-verify",
                        help="where the libraries of the dev claims are ingested (shared with verify_external.py)")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    pairs = pair_figures(args.data, args.baseline, args.candidate, rng)
    claims = claim_figures(args.data, args.baseline, args.candidate, args.home, rng)
    report(pairs, claims)
    if args.json:
        args.json.write_text(json.dumps({"pairs": pairs, "claims": claims}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
