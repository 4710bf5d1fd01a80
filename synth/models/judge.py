"""From scored evidence to a verdict and a confidence that means P(verdict is right).

A claim's candidate passages each get the cross-encoder's entailment / neutral /
contradiction probabilities and the structured checks that used to be the whole verifier
(numbers with units, table cells under the row and column the claim names, comparison
direction, negation, opposite wording, quantifiers, names the evidence does not mention). :func:`claim_features` pools them into one vector;
:class:`ClaimJudge` is a multinomial logistic regression over it (three verdicts) followed
by a logistic (Platt) map from the winning probability to the observed accuracy on
held-out folds. Both are plain numbers in ``judge.json``, fitted by
``synth models train-verifier`` (:func:`fit_judge`) on claim-level data the cross-encoder
never trained on.

References: Platt (1999) and Zadrozny & Elkan (2002) on calibration; Guo et al. (2017) on
expected calibration error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synth.models.cells import CELL_FEATURES, CellReading, read_cells
from synth.models.scope import PAPER_CHECKS
from synth.records import Verdict
from synth.text.comparisons import antonym_conflict, is_negated, quantifier_conflict, ranking_conflict
from synth.text.mentions import claimed_numbers, entity_names, numbers_agree, numbers_of
from synth.text.normalise import word_overlap

VERDICTS: tuple[Verdict, ...] = ("supported", "refuted", "insufficient_evidence")
NLI_FEATURES = ("ent_max", "con_max", "ent_top", "con_top", "ent_weighted", "con_weighted", "ent_top3", "con_top3")
CHECK_FEATURES = (
    "sim_max", "overlap_max", "entity_missing", "number_claimed", "number_match", "number_conflict",
    "direction_conflict", "negation_mismatch", "opposite_wording", "quantifier_conflict", "scoped", "library",
)
"""No feature counts the candidates: that count is the retrieval depth of the path that judged the claim
(8 for a claim's own search, 4 per paper for another paper's check), and a combiner fitted on it read
"few candidates" as "refuted" whenever another paper was asked."""
FEATURES = NLI_FEATURES + CHECK_FEATURES + CELL_FEATURES + PAPER_CHECKS
CHECK_DEPTH = 3
"""Structured checks look at the candidates ranked this high (by similarity or entailment/contradiction)."""
SCOPE_KINDS = ("dataset", "benchmark", "model", "metric")
RUNTIME_SOURCE = "library"
"""Claims judged through a library of papers (what ``synth verify`` does); its confidence map is the default."""
ENT, NEU, CON = 0, 1, 2


@dataclass
class ScoredCandidate:
    """One passage judged against the claim: its text, cosine similarity and NLI probabilities."""

    text: str
    similarity: float
    probabilities: tuple[float, float, float]


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _number_checks(claim: str, passages: list[str]) -> tuple[float, float, float]:
    """(claim has numbers, share of them stated, a same-unit number stated instead of a claimed one)."""
    claimed = claimed_numbers(claim)
    if not claimed:
        return 0.0, 0.0, 0.0
    stated = [quantity for passage in passages for quantity in numbers_of(passage)]
    matched = [any(numbers_agree(q, s, approximate) for s in stated) for q, approximate in claimed]
    conflict = any(
        not ok and any(s.unit == q.unit and q.unit is not None for s in stated)
        for (q, _), ok in zip(claimed, matched)
    )
    return 1.0, _share(sum(matched), len(claimed)), float(conflict)


def _missing_entities(claim: str, passages: list[str]) -> float:
    named = entity_names(claim, SCOPE_KINDS)
    if not named:
        return 0.0
    found = set().union(*(entity_names(p, SCOPE_KINDS) for p in passages)) if passages else set()
    return _share(len(named - found), len(named))


def claim_features(claim: str, candidates: list[ScoredCandidate], scoped: bool,
                   paper_checks: dict[str, float] | None = None, library: bool = False,
                   cells: CellReading | None = None) -> dict[str, float]:
    """The feature vector of one claim over its scored candidates (see module docstring);
    ``paper_checks``: what the claim names that its paper never writes (synth.models.scope);
    ``library``: candidates come from searching ingested papers, not from a given evidence pool;
    ``cells``: the table-cell reading when the caller already made it over the candidates and its paper's
    tables (synth.verify.nli.ClaimEvidence.cells); else it is read from the candidates alone."""
    features = dict.fromkeys(FEATURES, 0.0)
    features["scoped"], features["library"] = float(scoped), float(library)
    features.update(paper_checks or {})
    if not candidates:
        features["entity_missing"] = 1.0 if entity_names(claim, SCOPE_KINDS) else 0.0
        return features
    probabilities = np.array([c.probabilities for c in candidates], dtype=np.float64)
    similarity = np.clip(np.array([c.similarity for c in candidates]), 0.0, 1.0)
    top = int(np.argmax(similarity))
    by_support = np.argsort(-probabilities[:, ENT] * similarity)
    by_conflict = np.argsort(-probabilities[:, CON] * similarity)
    features.update(
        ent_max=probabilities[:, ENT].max(), con_max=probabilities[:, CON].max(),
        ent_top=probabilities[top, ENT], con_top=probabilities[top, CON],
        ent_weighted=(probabilities[:, ENT] * similarity).max(), con_weighted=(probabilities[:, CON] * similarity).max(),
        ent_top3=np.sort(probabilities[:, ENT])[-CHECK_DEPTH:].mean(),
        con_top3=np.sort(probabilities[:, CON])[-CHECK_DEPTH:].mean(),
        sim_max=similarity.max(),
    )
    ranked = [candidates[i].text for i in dict.fromkeys([top, *by_support[:CHECK_DEPTH], *by_conflict[:CHECK_DEPTH]])]
    best = candidates[int(by_conflict[0])].text if features["con_weighted"] > features["ent_weighted"] else candidates[top].text
    features["overlap_max"] = max(word_overlap(claim, text) for text in ranked)
    features["entity_missing"] = _missing_entities(claim, [c.text for c in candidates])
    features["number_claimed"], features["number_match"], features["number_conflict"] = _number_checks(claim, ranked)
    features.update((cells if cells is not None else read_cells(claim, [c.text for c in candidates])).features())
    features["direction_conflict"] = float(any(ranking_conflict(claim, text) for text in ranked))
    features["negation_mismatch"] = float(is_negated(claim) != is_negated(best))
    features["opposite_wording"] = float(antonym_conflict(claim, best) is not None)
    features["quantifier_conflict"] = float(quantifier_conflict(claim, best) is not None)
    return {name: float(value) for name, value in features.items()}


def best_candidate(candidates: list[ScoredCandidate], verdict: Verdict) -> int | None:
    """Index of the passage that backs a verdict: most entailing, most contradicting, or closest."""
    if not candidates:
        return None
    probabilities = np.array([c.probabilities for c in candidates])
    similarity = np.clip(np.array([c.similarity for c in candidates]), 0.0, 1.0)
    if verdict == "supported":
        return int(np.argmax(probabilities[:, ENT] * similarity))
    if verdict == "refuted":
        return int(np.argmax(probabilities[:, CON] * similarity))
    return int(np.argmax(similarity))


@dataclass
class JudgeOutput:
    verdict: Verdict
    confidence: float
    probabilities: dict[str, float]


class ClaimJudge:
    """Logistic combiner plus its confidence maps (tabulated, read by interpolation), both from ``judge.json``."""

    def __init__(self, spec: dict) -> None:
        self.features: list[str] = spec["features"]
        self.mean = np.array(spec["mean"])
        self.scale = np.array(spec["scale"])
        self.coef = np.array(spec["coef"])
        self.intercept = np.array(spec["intercept"])
        self.calibration = {source: (np.array(m["x"]), np.array(m["y"]))
                            for source, m in spec.get("calibration_by_source", {}).items()}
        self.calibration[RUNTIME_SOURCE] = (np.array(spec["calibration"]["x"]), np.array(spec["calibration"]["y"]))
        self.spec = spec

    @classmethod
    def load(cls, path: Path) -> "ClaimJudge":
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def probabilities(self, features: dict[str, float]) -> np.ndarray:
        x = (np.array([features[name] for name in self.features]) - self.mean) / self.scale
        logits = self.coef @ x + self.intercept
        exp = np.exp(logits - logits.max())
        return exp / exp.sum()

    def confidence_of(self, top_probability: float, source: str = RUNTIME_SOURCE) -> float:
        """P(verdict is right) by the source's out-of-fold map (the run-time map for an unknown source)."""
        x, y = self.calibration.get(source, self.calibration[RUNTIME_SOURCE])
        return float(np.interp(top_probability, x, y))

    def judge(self, features: dict[str, float], source: str = RUNTIME_SOURCE,
              merged: tuple[Verdict, Verdict] | None = None) -> JudgeOutput:
        """The likeliest verdict and P(it is right). ``merged`` = (a, b): a's probability counts
        for b (a verdict ruled out in favour of another) before the confidence map reads the top
        one, a map fitted on unmerged outputs (an approximation for the merged case)."""
        probabilities = self.probabilities(features)
        if merged:
            ruled_out, into = VERDICTS.index(merged[0]), VERDICTS.index(merged[1])
            probabilities[into] += probabilities[ruled_out]
            probabilities[ruled_out] = 0.0
        winner = int(np.argmax(probabilities))
        return JudgeOutput(
            verdict=VERDICTS[winner],
            confidence=self.confidence_of(float(probabilities[winner]), source),
            probabilities={verdict: float(p) for verdict, p in zip(VERDICTS, probabilities)},
        )
