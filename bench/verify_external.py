"""External verifier benchmark: the trained verifier (``nli``) next to the rule verifier (``text``)
and a simpler learned combiner without the cross-encoder (``simple``), in one run.

    python bench/verify_external.py [--data ../shared/data] [--sets NAME ...] [--json OUT] [--plot PNG] [--model DIR]

``--model``: a verifier folder other than the shipped one (a ``train-verifier`` run's ``model/``); its
held-out figures go into that folder's model card and reliability diagram, not the shipped one's.
Only a run of every set is recorded (model card, its reliability diagram, and by default
bench/verify_external.json and bench/reliability.png); a run of some ``--sets`` writes its JSON and
diagram into ``--home`` unless ``--json`` / ``--plot`` say where, and leaves the card as it is.

Held-out sets (never used for training or fitting; the combiners are fitted on ``dev``):

- ``scifact``, ``healthver``, ``climate-fever``, ``wice``: the ``test`` split of
  synth.models.claim_data (SciFact: a split carved from ``claims_train``, each claim judged
  against every abstract its split cites). All verifiers judge the same candidates: the
  ``NLI_DEPTH`` pool sentences most similar to the claim.
- ``anli``: ANLI R1-R3 dev (CC BY-NC, evaluation only), a sample of ``ANLI_SAMPLE`` pairs,
  each context the one candidate (robustness).
- ``corpus``: tests/data/claims/labeled_claims.jsonl ``split == "test"`` over the generated
  corpus PDFs in reports/corpus, through ``verify_claims`` (hybrid search included).
- ``real-papers``: bench/data/real_paper_claims.jsonl ``split == "test"`` over the real
  papers in ``<data>/papers``, through ``verify_claims``; also scored per kind of claim
  (paraphrase, number, table cell, negation, swapped entity, ...: ``by_kind`` in the JSON).
- ``scifact-pdfs``: the same SciFact test claims as ``scifact``, unattributed, through
  ``verify_claims`` over one PDF per abstract cited by a dev or test claim
  (synth.models.library_claims.scifact_pdfs): SciFact as a user checks it, and the path the
  combiner is fitted on for SciFact. The pool set ``scifact`` is kept for comparison with earlier runs.

``simple`` is the ablation: a logistic combiner over embedding similarity and the structured
checks only (no cross-encoder feature), fitted here on the same dev rows with the same
grouped CV and per-source confidence maps as the shipped one. (Which candidates its checks
read is still ranked with the cross-encoder's probabilities.)

Next to each macro-F1 and refuted F1, ``interval``: its 95% bootstrap interval, resampling whole
groups (the paper a real-paper claim is about, the claim for the others; synth.models.calibration.f1_interval),
so a held-out figure is read with the sampling noise of a set of that size; and for the shipped verifier,
``lead_over``: the 95% interval of its macro-F1 minus each other verifier's on the same resampled sets
(synth.models.calibration.macro_f1_difference; above zero, it is ahead on that set).

Next to each ECE, ``ece_if_calibrated``: the ECE that confidences exactly equal to P(right) would show on
a set of that size (synth.models.calibration.calibrated_ece), the sampling noise an ECE target must clear.

Cross-encoder probabilities are kept per (passage, claim) pair in ``<home>/nli-memo-*.pkl``
(named by the weights' sha256), so a rerun reads each pair once. Timed without the memo:
cross-encoder pairs/s at 128 tokens (ours: int8 dynamic quantisation; baseline: the same
weights unquantised through sentence-transformers' ``CrossEncoder``), and ``verify_claims``
of 100 real-paper claims over the real-paper library.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(REPO))

from synth.models import nli_data  # noqa: E402
from synth.models.calibration import (  # noqa: E402
    calibrated_ece, f1_interval, macro_f1_difference, reliability_bins, summary)
from synth.models.claim_data import CLAIM_SETS, LIBRARY_SETS, ClaimExample  # noqa: E402
from synth.models.fit import fit_judge  # noqa: E402
from synth.models.judge import CHECK_FEATURES, VERDICTS, ClaimJudge  # noqa: E402
from synth.models.library_claims import (  # noqa: E402
    library_claims, library_evidence, library_pdfs, offline_settings, open_library)
from synth.models.nli import load_nli_model, shipped_model_dir  # noqa: E402
from synth.models.scope import PAPER_CHECKS  # noqa: E402
from synth.models.scoring import NLI_DEPTH, rank_by_similarity  # noqa: E402
from synth.models.store import CARD_FILE, RELIABILITY_FILE, load_state  # noqa: E402
from synth.models.train import TrainOptions, cached_embedder, dev_rows, example_features  # noqa: E402
from synth.text.mentions import entity_names  # noqa: E402
from synth.verify.calibration import confidence as rule_confidence  # noqa: E402
from synth.verify.candidates import Candidate  # noqa: E402
from synth.verify.nli import evidence_features, load_judge  # noqa: E402
from synth.verify.policy import TextPolicy  # noqa: E402
from synth.verify.run import verify_claims  # noqa: E402
from synth.verify.text import ENTITY_KINDS_SWAPPABLE, decide, judge_candidate  # noqa: E402

ANLI_SAMPLE = 600
SPEED_PAIRS = 256
SPEED_CLAIMS = 100
RULES = ["dataset", "reproduction", "text"]
LEARNED = ["dataset", "reproduction", "nli"]
SHIPPED = "nli"
"""The verifier under test, beside the old rules (``text``) and the ablation (``simple``)."""
SIMPLE_FEATURES = CHECK_FEATURES + PAPER_CHECKS
"""The ablation's features: similarity, overlap and the structured checks, no cross-encoder output."""


def anli_examples(data_dir: Path) -> list[ClaimExample]:
    mapping = {"entailment": "supported", "contradiction": "refuted", "neutral": "insufficient_evidence"}
    pairs = list(nli_data.load_anli(data_dir))
    sample = random.Random("anli").sample(pairs, min(ANLI_SAMPLE, len(pairs)))
    return [ClaimExample(p.hypothesis, mapping[p.label], p.source, p.group, [p.premise], True) for p in sample]


def rules_on_pool(examples: list[ClaimExample], embed) -> dict[str, list]:
    """The rule verifier on each example's most similar pool sentences."""
    rules, policy = {"verdict": [], "confidence": []}, TextPolicy()
    for example in examples:
        ranked = rank_by_similarity(example.claim, example.pool, embed)[:NLI_DEPTH]
        entities = entity_names(" ".join(example.pool), ENTITY_KINDS_SWAPPABLE)
        candidates = [Candidate(example.source, 1, "", example.pool[i], example.pool[i], similarity=s) for i, s in ranked]
        for candidate in candidates:
            judge_candidate(example.claim, candidate, entities, policy)
        judgement = decide(candidates, policy) if candidates else None
        rules["verdict"].append(judgement.verdict if judgement else "insufficient_evidence")
        rules["confidence"].append(rule_confidence(judgement) if judgement else 1.0)
    return rules


def combined(judge: ClaimJudge, rows: list[dict[str, float]], source: str) -> dict[str, list]:
    outputs = [judge.judge(row, source) for row in rows]
    return {"verdict": [o.verdict for o in outputs], "confidence": [o.confidence for o in outputs]}


def judge_pool(examples: list[ClaimExample], embed, nli, judges: dict[str, ClaimJudge], source: str) -> dict[str, dict]:
    """Rules, the shipped combiner and the ablation on the same candidates."""
    rows = example_features(examples, nli, embed)
    return {"text": rules_on_pool(examples, embed), **{name: combined(j, rows, source) for name, j in judges.items()}}


def judge_library(claims: list, library, data_dir: Path, simple: ClaimJudge, model_dir: str) -> dict[str, dict]:
    """Rules and the shipped verifier through ``verify_claims``; the ablation on the same scored evidence
    (claims another verifier takes, or with nothing to score, keep the shipped run's verdict)."""
    inputs = [{"text": c.text, "paper_id": c.paper_id} for c in claims]
    results = {}
    for verifier, order in (("text", RULES), (SHIPPED, LEARNED)):
        verified = verify_claims(inputs, library, offline_settings(library, order, model_dir), data_dir=data_dir)
        results[verifier] = {"verdict": [v.verdict for v in verified], "confidence": [v.confidence for v in verified]}
    results["simple"] = {key: list(values) for key, values in results[SHIPPED].items()}
    for index, found in enumerate(library_evidence(claims, library, data_dir, model_dir)):
        if found is not None:
            output = simple.judge(evidence_features(found))
            results["simple"]["verdict"][index], results["simple"]["confidence"][index] = output.verdict, output.confidence
    return results


def simple_judge(data_dir: Path, model_dir: Path, home: Path, fitted_on: list[str]) -> tuple[ClaimJudge, dict]:
    """The ablation combiner, fitted on the shipped combiner's dev rows (the sets it was fitted on)."""
    options = TrainOptions(claim_sets=[name for name in fitted_on if name in CLAIM_SETS],
                           library_sets=[name for name in fitted_on if name in LIBRARY_SETS], library_home=str(home))
    rows, labels, groups, sources = dev_rows(data_dir, model_dir, options)
    spec = fit_judge(rows, labels, groups, sources, features=SIMPLE_FEATURES)
    return ClaimJudge(spec), spec["cross_validation"]


def speed(nli, pairs: list[tuple[str, str]]) -> dict[str, float]:
    """pairs/s of our int8 model and of the unquantised weights through sentence-transformers."""
    from sentence_transformers.cross_encoder import CrossEncoder

    started = time.perf_counter()
    nli.predict(pairs)
    ours = len(pairs) / (time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as folder:
        from transformers import AutoModelForSequenceClassification

        baseline = AutoModelForSequenceClassification.from_config(nli.model.config)
        baseline.load_state_dict(load_state(nli.folder))  # the same weights, dequantised
        baseline.save_pretrained(folder)
        nli.tokenizer.save_pretrained(folder)
        cross_encoder = CrossEncoder(folder, max_length=128, device="cpu")
        started = time.perf_counter()
        cross_encoder.predict(pairs, batch_size=32, show_progress_bar=False)
        theirs = len(pairs) / (time.perf_counter() - started)
    return {"ours_pairs_per_s": round(ours, 1), "sentence_transformers_fp32_pairs_per_s": round(theirs, 1),
            "ratio": round(ours / theirs, 2)}


MARKER_AREA_PER_CLAIM = 4.0
"""Marker area (points squared) per claim in a bin: a bin of two claims at accuracy 0 must not look like one of fifty."""


def plot(results: dict, path: Path, size: float = 5, dpi: int = 120) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(size, size))
    axis.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect calibration")
    for name, result in results.items():
        bins = result[SHIPPED]["bins"]
        confidence, accuracy = [b["confidence"] for b in bins], [b["accuracy"] for b in bins]
        (line,) = axis.plot(confidence, accuracy, label=f"{name} (n={result['nli']['n']})")
        axis.scatter(confidence, accuracy, s=[MARKER_AREA_PER_CLAIM * b["count"] for b in bins], color=line.get_color(),
                     alpha=0.5)
        for b in bins:
            axis.annotate(str(b["count"]), (b["confidence"], b["accuracy"]), fontsize=6, xytext=(3, 3),
                          textcoords="offset points", color=line.get_color())
    axis.set_xlabel("confidence (P verdict is right)")
    axis.set_ylabel("observed accuracy")
    axis.set_title("Verifier reliability, held-out sets", fontsize=9)
    axis.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=dpi)
    plt.close(figure)


def scored(gold: list[str], predictions: dict[str, dict], groups: list[str]) -> dict:
    """Each verifier's figures, with 95% intervals resampling ``groups`` (the papers, for real-paper claims),
    and the shipped verifier's macro-F1 lead over each other verifier on the same resampled sets."""
    out = {}
    for name, p in predictions.items():
        result = summary(gold, p["verdict"], p["confidence"], VERDICTS)
        result["interval"] = f1_interval(gold, p["verdict"], VERDICTS, groups, "refuted")
        if name == SHIPPED:
            result["lead_over"] = {other: macro_f1_difference(gold, p["verdict"], q["verdict"], VERDICTS, groups)
                                   for other, q in predictions.items() if other != SHIPPED}
        result["bins"] = reliability_bins(p["confidence"], [g == v for g, v in zip(gold, p["verdict"])])
        result["ece_if_calibrated"] = calibrated_ece(p["confidence"])
        out[name] = result
    return out


def by_kind(claims: list, verdicts: list[str]) -> dict[str, dict]:
    """Right verdicts per kind of claim (negation, table_cell, ...), with what the wrong ones got."""
    table: dict[str, dict] = {}
    for claim, verdict in zip(claims, verdicts):
        entry = table.setdefault(claim.kind, {"n": 0, "right": 0, "wrong": {}})
        entry["n"] += 1
        if verdict == claim.label:
            entry["right"] += 1
        else:
            key = f"{claim.label} -> {verdict}"
            entry["wrong"][key] = entry["wrong"].get(key, 0) + 1
    return dict(sorted(table.items()))


def timed_runs(nli, data_dir: Path, home: Path) -> dict:
    """Cross-encoder pairs/s and 100 claims through ``verify_claims``, with the pair memo set aside."""
    remembered, nli.memo = nli.memo, {}
    pairs = [(e.pool[0], e.claim) for e in CLAIM_SETS["healthver"](data_dir, "test")][:SPEED_PAIRS]
    figures = {"cross_encoder_speed": speed(nli, pairs)}
    print("cross-encoder:", figures["cross_encoder_speed"], flush=True)
    nli.memo = {}
    library = open_library(home / "real-papers", library_pdfs("real-papers", data_dir, home))
    claims = (library_claims("real-papers", "dev", data_dir) + library_claims("real-papers", "test", data_dir))[:SPEED_CLAIMS]
    started = time.perf_counter()
    verify_claims([{"text": c.text, "paper_id": c.paper_id} for c in claims], library,
                  offline_settings(library, LEARNED, nli.folder.as_posix()))
    figures["verify_100_claims_s"] = round(time.perf_counter() - started, 1)
    print(f"verify {SPEED_CLAIMS} claims over {len(library.papers())} papers: {figures['verify_100_claims_s']} s")
    nli.memo = remembered | nli.memo
    return figures


HELD_OUT_NOTE = ("test splits, measured by bench/verify_external.py (bench/verify_external.json); real-papers, "
                 "corpus and scifact-pdfs are judged through a library of PDFs as synth verify judges them, the "
                 "others against a given pool of evidence sentences (scifact: the same claims as scifact-pdfs); "
                 "the intervals are 95% bootstrap intervals resampling whole papers (real-papers) or claims")
ALL_SETS = [*CLAIM_SETS, "anli", *LIBRARY_SETS]


def record_in_card(model_dir: Path, report: dict) -> None:
    """The held-out figures of the shipped verifier, next to its data and sha256 in the model card."""
    path = model_dir / CARD_FILE
    card = json.loads(path.read_text(encoding="utf-8"))
    card["held_out"] = {name: {key: round(value, 3) if isinstance(value, float) else value
                               for key, value in result[SHIPPED].items() if key in ("n", "macro_f1", "accuracy", "ece")}
                        | {"refuted_f1": round(result[SHIPPED]["f1"]["refuted"], 3),
                           "macro_f1_interval": result[SHIPPED]["interval"]["macro_f1"],
                           "refuted_f1_interval": result[SHIPPED]["interval"]["refuted_f1"],
                           "ece_if_calibrated": round(result[SHIPPED]["ece_if_calibrated"]["mean"], 3)}
                        for name, result in report["results"].items()}
    card["held_out_note"] = HELD_OUT_NOTE
    path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--sets", nargs="*", default=ALL_SETS)
    parser.add_argument("--home", type=Path, default=Path(tempfile.gettempdir()) / "synth-bench-verify")
    parser.add_argument("--json", type=Path, default=None,
                        help="default: bench/verify_external.json for a run of every set, else <home>/verify_external.json")
    parser.add_argument("--plot", type=Path, default=None,
                        help="default: bench/reliability.png for a run of every set, else <home>/reliability.png")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--model", type=Path, default=shipped_model_dir())
    args = parser.parse_args()
    model_dir, complete = args.model, set(args.sets) == set(ALL_SETS)
    recorded_in = REPO / "bench" if complete else args.home
    args.json = args.json or recorded_in / "verify_external.json"
    args.plot = args.plot or recorded_in / "reliability.png"
    nli, embed = load_nli_model(str(model_dir)), cached_embedder()
    nli.load_memo(args.home)
    shipped = load_judge(str(model_dir))
    simple, simple_cv = simple_judge(args.data, model_dir, args.home, list(shipped.spec["fitted_on"]))
    judges = {SHIPPED: shipped, "simple": simple}
    results, timings, kinds = {}, {}, {}
    for name in args.sets:
        started = time.perf_counter()
        if name in LIBRARY_SETS:
            library = open_library(args.home / name, library_pdfs(name, args.data, args.home))
            claims = library_claims(name, "test", args.data)
            gold, groups = [c.label for c in claims], [c.group for c in claims]
            predictions = judge_library(claims, library, args.data / "lareqa", simple, str(model_dir))
            if any(c.kind for c in claims):
                kinds[name] = by_kind(claims, predictions[SHIPPED]["verdict"])
                print(f"{name:>14} by kind (nli): " + "; ".join(
                    f"{kind} {e['right']}/{e['n']}" for kind, e in kinds[name].items()), flush=True)
        else:
            examples = anli_examples(args.data) if name == "anli" else CLAIM_SETS[name](args.data, "test")
            gold, groups = [e.label for e in examples], [e.group for e in examples]
            predictions = judge_pool(examples, embed, nli, judges, name)
        nli.save_memo(args.home)
        results[name] = scored(gold, predictions, groups)
        timings[name] = round(time.perf_counter() - started, 1)
        leads = "; ".join(f"{other} {lead}" for other, lead in results[name][SHIPPED]["lead_over"].items())
        line = "  ".join(f"{v}: macro-F1 {r['macro_f1']:.3f} {r['interval']['macro_f1']} acc {r['accuracy']:.3f} refuted-F1 {r['f1']['refuted']:.3f} "
                         f"ECE {r['ece']:.3f} (calibrated at this size: {r['ece_if_calibrated']['mean']:.3f})"
                         for v, r in results[name].items())
        print(f"{name:>14} (n={len(gold)}, {timings[name]:.0f} s)  {line}  {SHIPPED} ahead of: {leads}", flush=True)
    report = {"split": "test", "results": results, "by_kind": kinds, "seconds": timings, "simple_cross_validation": simple_cv,
              "machine": os.uname().nodename, "cpus": os.cpu_count(), "load_average": os.getloadavg()}
    if not args.no_speed:
        report |= timed_runs(nli, args.data, args.home)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    plot(results, args.plot)
    if not complete:
        print(f"some sets only: wrote {args.json} and {args.plot}; the model card in {model_dir} is left as it is")
        return
    record_in_card(model_dir, report)
    # the report's method appendix shows the sets judged the way `synth verify` judges
    plot({name: results[name] for name in LIBRARY_SETS}, model_dir / RELIABILITY_FILE, size=3.5, dpi=80)


if __name__ == "__main__":
    main()
