"""The relevance gate against labeled on- and off-topic questions: fit its threshold on dev, measure it on test.

Questions (bench/data/relevance_questions.jsonl): the 45 premise questions plus
18 plain ones, all ``on_topic`` (a source studies the question's subject), and
60 written ``off_topic`` ones (other sciences, everyday facts, other ML areas,
near-misses sharing words with the papers). Each names its library, built as in
bench_premises.py (``corpus``: reports/corpus; ``papers``: 14 real PDFs) and
cached under --home-root. ``split`` is ``dev`` when the first byte of
sha256(id) is even, else ``test``.

A question passes a gate when some paper of its library scores at least the
threshold. Gates, measured in the same run:

- ``no gate``: every question passes (what `synth report` did before issue 9);
- ``bm25``: the best BM25 score of a chunk of the library;
- ``dense``: the best question-passage cosine (synth.report.relevance, the gate used).

Each gate's threshold is the midpoint between neighbouring dev scores that
maximises dev balanced accuracy (the middle one of ties). Figures: accuracy,
balanced accuracy, false-gate rate (on-topic questions refused), miss rate
(off-topic questions passed). For corpus questions labeled with the papers that
study their subject, ``papers`` counts how many of those pass (kept) and how
many unlabeled papers pass (extra), e.g. the warm-up paper for a question about
language bias.

``--claims`` measures the claim level on those labeled corpus questions: the
report's claims (extracted from the papers that pass, as `synth report` does)
are scored by question-claim cosine; for each candidate cut it prints the share
kept of claims from a labeled paper and of the others, and it counts the
warm-up paper's claims in reports on questions that are not about warm-up.

    python bench/bench_relevance.py [--home-root DIR] [--json] [--show-errors] [--claims]
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench_premises import open_library  # noqa: E402  (bench/ is the script's folder)

from synth.claims.extract import extract_claims  # noqa: E402
from synth.index.library import Library  # noqa: E402
from synth.report.stages import MAX_CLAIMS  # noqa: E402
from synth.report.relevance import question_relevance  # noqa: E402
from synth.verify.policy import RelevancePolicy  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "bench" / "data" / "relevance_questions.jsonl"
CLAIM_CUTS = (0.2, 0.3, 0.35, 0.4, 0.45, 0.5)
"""Question-claim cosines tried as a claim-level cut (--claims)."""
NO_CUT = RelevancePolicy(min_paper_score=-1.0)
"""Scores every paper and passes them all: the per-paper scores are thresholded here."""


@dataclass
class Scored:
    question: dict
    papers: dict[str, float]
    """Paper id -> dense relevance (best question-passage cosine)."""
    bm25: float

    @property
    def on_topic(self) -> bool:
        return self.question["label"] == "on_topic"

    @property
    def dense(self) -> float:
        return max(self.papers.values())


def score_question(question: dict, library: Library) -> Scored:
    paper_ids = [summary.paper_id for summary in library.papers()]
    relevance = question_relevance(library, question["question"], paper_ids, NO_CUT)
    hits = library.lexical_search(question["question"], k=1)
    return Scored(question, relevance.scores, hits[0].score if hits else 0.0)


def error_rates(scored: list[Scored], score: Callable[[Scored], float], threshold: float) -> tuple[float, float]:
    """(false-gate rate: on-topic questions refused, miss rate: off-topic questions passed)."""
    on = [item for item in scored if item.on_topic]
    off = [item for item in scored if not item.on_topic]
    refused = sum(score(item) < threshold for item in on)
    passed = sum(score(item) >= threshold for item in off)
    return refused / max(len(on), 1), passed / max(len(off), 1)


def balanced_accuracy(scored: list[Scored], score: Callable[[Scored], float], threshold: float) -> float:
    return 1 - sum(error_rates(scored, score, threshold)) / 2


def rates(scored: list[Scored], score: Callable[[Scored], float], threshold: float) -> dict:
    on = sum(item.on_topic for item in scored)
    false_gate, miss = error_rates(scored, score, threshold)
    wrong = false_gate * on + miss * (len(scored) - on)
    return {"questions": len(scored), "on_topic": on, "off_topic": len(scored) - on,
            "accuracy": round(1 - wrong / max(len(scored), 1), 3),
            "balanced_accuracy": round(balanced_accuracy(scored, score, threshold), 3),
            "false_gate_rate": round(false_gate, 3), "miss_rate": round(miss, 3)}


def fit_threshold(dev: list[Scored], score: Callable[[Scored], float]) -> float:
    """The dev midpoint with the best balanced accuracy; of equally good ones, the middle one."""
    values = sorted({score(item) for item in dev})
    midpoints = [(low + high) / 2 for low, high in zip(values, values[1:])] or values
    best = max(balanced_accuracy(dev, score, cut) for cut in midpoints)
    ties = [cut for cut in midpoints if balanced_accuracy(dev, score, cut) == best]
    return round(ties[len(ties) // 2], 3)


def paper_level(scored: list[Scored], threshold: float) -> dict:
    """For questions labeled with their relevant papers: relevant ones kept, unlabeled ones passed."""
    labeled = [item for item in scored if item.question.get("relevant")]
    relevant = [(item, paper) for item in labeled for paper in item.question["relevant"]]
    others = [(item, paper) for item in labeled for paper in item.papers if paper not in item.question["relevant"]]
    kept = sum(item.papers[paper] >= threshold for item, paper in relevant)
    extra = [(item, paper) for item, paper in others if item.papers[paper] >= threshold]
    return {"questions": len(labeled), "relevant_kept": f"{kept}/{len(relevant)}",
            "unlabeled_passed": f"{len(extra)}/{len(others)}",
            "warmup_passed_off_warmup": f"{sum(paper == 'lr-warmup' for _, paper in extra)}/"
                                        f"{sum(paper == 'lr-warmup' for _, paper in others)}"}


GATES: dict[str, Callable[[Scored], float]] = {"bm25": lambda item: item.bm25, "dense": lambda item: item.dense}


def evaluate(scored: list[Scored]) -> dict:
    dev = [item for item in scored if item.question["split"] == "dev"]
    test = [item for item in scored if item.question["split"] == "test"]
    results = {"no gate": {"threshold": None, "dev": rates(dev, lambda _: 1.0, 0.0),
                           "test": rates(test, lambda _: 1.0, 0.0)}}
    for name, score in GATES.items():
        threshold = fit_threshold(dev, score)
        results[name] = {"threshold": threshold, "dev": rates(dev, score, threshold),
                         "test": rates(test, score, threshold)}
    threshold = results["dense"]["threshold"]
    results["dense"]["papers"] = {"dev": paper_level(dev, threshold), "test": paper_level(test, threshold)}
    results["dense"]["test_errors"] = errors(test, threshold)
    return results


def errors(scored: list[Scored], threshold: float) -> list[dict]:
    return [{"id": item.question["id"], "kind": item.question["kind"], "label": item.question["label"],
             "score": round(item.dense, 3), "question": item.question["question"]}
            for item in scored if (item.dense >= threshold) != item.on_topic]


def claim_level(scored: list[Scored], library: Library) -> dict:
    """Claims of each labeled corpus question's report: question-claim cosine by whether a labeled paper made it."""
    cosines: dict[bool, list[float]] = {True: [], False: []}
    warmup_claims = 0
    threshold = library.settings.verify.relevance.min_paper_score
    for item in scored:
        passing = [paper for paper, score in item.papers.items() if score >= threshold]
        claims = extract_claims(library, passing, question=item.question["question"], top=MAX_CLAIMS)
        vectors = library.embedder.embed([item.question["question"]] + [claim.text for claim in claims])
        for claim, cosine in zip(claims, vectors[1:] @ vectors[0]):
            cosines[claim.paper_id in item.question["relevant"]].append(float(cosine))
        warmup_claims += "lr-warmup" not in item.question["relevant"] and any(
            claim.paper_id == "lr-warmup" for claim in claims)
    kept = {f"{cut:.2f}": {"labeled": round(sum(c >= cut for c in cosines[True]) / max(len(cosines[True]), 1), 3),
                           "other": round(sum(c >= cut for c in cosines[False]) / max(len(cosines[False]), 1), 3)}
            for cut in CLAIM_CUTS}
    return {"questions": len(scored), "claims_labeled_paper": len(cosines[True]),
            "claims_other_paper": len(cosines[False]), "kept_at_cut": kept,
            "reports_with_warmup_claims_off_warmup": warmup_claims}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home-root", type=Path, default=Path("/tmp/relevance"))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--claims", action="store_true", help="also measure a claim-level cut (slow)")
    args = parser.parse_args()
    questions = [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]
    libraries = {name: open_library(name, args.home_root) for name in sorted({q["library"] for q in questions})}
    scored = [score_question(q, libraries[q["library"]]) for q in questions]
    results = evaluate(scored)
    if args.claims:
        labeled = [item for item in scored if item.question["library"] == "corpus" and item.question.get("relevant")]
        results["claims"] = claim_level(labeled, libraries["corpus"])
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for name in ("no gate", *GATES):
        result = results[name]
        cut = "-" if result["threshold"] is None else f"{result['threshold']:.3f}"
        for split in ("dev", "test"):
            r = result[split]
            print(f"{name:<8} {split:<5} threshold {cut:>7}  n {r['questions']:>3} ({r['on_topic']} on / "
                  f"{r['off_topic']} off)  accuracy {r['accuracy']:.3f}  balanced {r['balanced_accuracy']:.3f}  "
                  f"false gate {r['false_gate_rate']:.3f}  miss {r['miss_rate']:.3f}")
    print(f"policy   min_paper_score {RelevancePolicy().min_paper_score} (settings.verify.relevance)")
    for split, figures in results["dense"]["papers"].items():
        print(f"dense    {split:<5} papers: {json.dumps(figures)}")
    if args.show_errors:
        for error in results["dense"]["test_errors"]:
            print("   ", json.dumps(error))
    if args.claims:
        print(f"claims   {json.dumps(results['claims'])}")


if __name__ == "__main__":
    main()
