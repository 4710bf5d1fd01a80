"""External verifier benchmark: the trained verifier (``nli``) next to the rule verifier (``text``).

    python bench/verify_external.py [--data ../shared/data] [--sets NAME ...] [--json OUT] [--plot PNG]

Held-out sets (never used for training or fitting; the combiner is fitted on ``dev``):

- ``scifact``, ``healthver``, ``climate-fever``, ``wice``: the ``test`` split of
  synth.models.claim_data (SciFact: a split carved from ``claims_train``, each claim judged
  against every abstract its split cites). Both verifiers judge the same candidates: the
  ``NLI_DEPTH`` pool sentences most similar to the claim.
- ``anli``: ANLI R1-R3 dev (CC BY-NC, evaluation only), a sample of ``ANLI_SAMPLE`` pairs,
  each context the one candidate (robustness).
- ``corpus``: tests/data/claims/labeled_claims.jsonl ``split == "test"`` over the generated
  corpus PDFs in reports/corpus, through ``verify_claims`` (hybrid search included).
- ``real-papers``: bench/data/real_paper_claims.jsonl ``split == "test"`` over the real
  papers in ``<data>/papers``, through ``verify_claims``.

Also timed: cross-encoder pairs/s at 128 tokens (ours: int8 dynamic quantisation; baseline:
the same weights unquantised through sentence-transformers' ``CrossEncoder``), and
``verify_claims`` of 100 real-paper claims over the real-paper library.
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

import numpy as np

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(REPO))

from synth.index.library import Library  # noqa: E402
from synth.ingest.run import ingest_sources  # noqa: E402
from synth.models import nli_data  # noqa: E402
from synth.models.calibration import reliability_bins, summary  # noqa: E402
from synth.models.claim_data import CLAIM_SETS, ClaimExample  # noqa: E402
from synth.models.judge import VERDICTS, claim_features  # noqa: E402
from synth.models.nli import load_nli_model, shipped_model_dir  # noqa: E402
from synth.models.store import load_state  # noqa: E402
from synth.models.scoring import NLI_DEPTH, rank_by_similarity, score_passages  # noqa: E402
from synth.models.train import cached_embedder  # noqa: E402
from synth.settings import Settings  # noqa: E402
from synth.text.mentions import entity_names  # noqa: E402
from synth.verify.calibration import confidence as rule_confidence  # noqa: E402
from synth.verify.candidates import Candidate  # noqa: E402
from synth.verify.nli import load_judge  # noqa: E402
from synth.verify.policy import TextPolicy  # noqa: E402
from synth.verify.run import verify_claims  # noqa: E402
from synth.verify.text import ENTITY_KINDS_SWAPPABLE, decide, judge_candidate  # noqa: E402

ANLI_SAMPLE = 600
SPEED_PAIRS = 256
SPEED_CLAIMS = 100
CORPUS_PDFS = REPO / "reports" / "corpus"
REAL_CLAIMS = REPO / "bench" / "data" / "real_paper_claims.jsonl"
LABELED_CORPUS = REPO / "tests" / "data" / "claims" / "labeled_claims.jsonl"
RULES = ["dataset", "reproduction", "text"]
LEARNED = ["dataset", "reproduction", "nli"]


def anli_examples(data_dir: Path) -> list[ClaimExample]:
    mapping = {"entailment": "supported", "contradiction": "refuted", "neutral": "insufficient_evidence"}
    pairs = list(nli_data.load_anli(data_dir))
    sample = random.Random("anli").sample(pairs, min(ANLI_SAMPLE, len(pairs)))
    return [ClaimExample(p.hypothesis, mapping[p.label], p.source, p.group, [p.premise], True) for p in sample]


def judge_pool(examples: list[ClaimExample], embed, nli, judge) -> dict[str, list]:
    """Both verifiers on each example's most similar pool sentences."""
    rules, policy = {"verdict": [], "confidence": []}, TextPolicy()
    learned = {"verdict": [], "confidence": []}
    for example in examples:
        ranked = rank_by_similarity(example.claim, example.pool, embed)[:NLI_DEPTH]
        passages, similarity = [example.pool[i] for i, _ in ranked], [s for _, s in ranked]
        output = judge.judge(claim_features(example.claim, score_passages(example.claim, passages, similarity, nli),
                                            example.scoped))
        learned["verdict"].append(output.verdict)
        learned["confidence"].append(output.confidence)
        entities = entity_names(" ".join(example.pool), ENTITY_KINDS_SWAPPABLE)
        candidates = [Candidate(example.source, 1, "", text, text, similarity=s) for text, s in zip(passages, similarity)]
        for candidate in candidates:
            judge_candidate(example.claim, candidate, entities, policy)
        judgement = decide(candidates, policy) if candidates else None
        rules["verdict"].append(judgement.verdict if judgement else "insufficient_evidence")
        rules["confidence"].append(rule_confidence(judgement) if judgement else 1.0)
    return {"text": rules, "nli": learned}


def library_for(home: Path, pdfs: list[Path]) -> Library:
    settings = Settings(home=home)
    library = Library(settings)
    ingest_sources([str(p) for p in pdfs], settings, library, progress=False)
    return library


def judge_library(rows: list[dict], library: Library, data_dir: Path | None) -> dict[str, dict]:
    claims = [{"text": r["text"], "paper_id": r.get("paper_id") if r.get("attributed", True) else None} for r in rows]
    results = {}
    for name, order in (("text", RULES), ("nli", LEARNED)):
        settings = library.settings.model_copy(update={"llm_model": None})
        settings.verify = settings.verify.model_copy(update={"verifiers": order})
        verified = verify_claims(claims, library, settings, data_dir=data_dir)
        results[name] = {"verdict": [v.verdict for v in verified], "confidence": [v.confidence for v in verified]}
    return results


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def real_rows(split: str) -> list[dict]:
    return [{"text": r["claim"], "paper_id": r["paper_id"], "label": r["label"], "attributed": r["attributed"]}
            for r in _jsonl(REAL_CLAIMS) if r["split"] == split]


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


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(5, 5))
    axis.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect calibration")
    for name, result in results.items():
        bins = result["nli"]["bins"]
        axis.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], marker="o", label=name)
    axis.set_xlabel("confidence (P verdict is right)")
    axis.set_ylabel("observed accuracy")
    axis.set_title("Trained verifier: reliability on held-out sets")
    axis.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def scored(gold: list[str], predictions: dict[str, dict]) -> dict:
    out = {}
    for name, p in predictions.items():
        result = summary(gold, p["verdict"], p["confidence"], VERDICTS)
        result["bins"] = reliability_bins(p["confidence"], [g == v for g, v in zip(gold, p["verdict"])])
        out[name] = result
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--sets", nargs="*", default=[*CLAIM_SETS, "anli", "corpus", "real-papers"])
    parser.add_argument("--split", default="test", choices=["dev", "test"])
    parser.add_argument("--home", type=Path, default=Path(tempfile.gettempdir()) / "synth-bench-verify")
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "verify_external.json")
    parser.add_argument("--plot", type=Path, default=REPO / "bench" / "reliability.png")
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    nli, judge, embed = load_nli_model(), load_judge(str(shipped_model_dir())), cached_embedder()
    results, timings = {}, {}
    for name in args.sets:
        started = time.perf_counter()
        if name in CLAIM_SETS or name == "anli":
            examples = anli_examples(args.data) if name == "anli" else CLAIM_SETS[name](args.data, args.split)
            gold, predictions = [e.label for e in examples], judge_pool(examples, embed, nli, judge)
        elif name == "corpus":
            rows = [r for r in _jsonl(LABELED_CORPUS) if r.get("split") == args.split]
            library = library_for(args.home / "corpus", sorted(CORPUS_PDFS.glob("*.pdf")))
            gold, predictions = [r["label"] for r in rows], judge_library(rows, library, args.data / "lareqa")
        else:
            rows = real_rows(args.split)
            library = library_for(args.home / "real", sorted((args.data / "papers").glob("*.pdf")))
            gold, predictions = [r["label"] for r in rows], judge_library(rows, library, args.data / "lareqa")
        results[name] = scored(gold, predictions)
        timings[name] = round(time.perf_counter() - started, 1)
        line = "  ".join(f"{v}: macro-F1 {r['macro_f1']:.3f} acc {r['accuracy']:.3f} refuted-F1 {r['f1']['refuted']:.3f} "
                         f"ECE {r['ece']:.3f}" for v, r in results[name].items())
        print(f"{name:>14} (n={len(gold)}, {timings[name]:.0f} s)  {line}", flush=True)
    report = {"split": args.split, "results": results, "seconds": timings, "machine": os.uname().nodename,
              "cpus": os.cpu_count()}
    if not args.no_speed:
        pairs = [(e.pool[0], e.claim) for e in CLAIM_SETS["healthver"](args.data, "test")][:SPEED_PAIRS]
        report["cross_encoder_speed"] = speed(nli, pairs)
        print("cross-encoder:", report["cross_encoder_speed"], flush=True)
        rows = real_rows("dev") + real_rows("test")
        library = library_for(args.home / "real", sorted((args.data / "papers").glob("*.pdf")))
        started = time.perf_counter()
        verify_claims([{"text": r["text"], "paper_id": r["paper_id"]} for r in rows[:SPEED_CLAIMS]], library,
                      library.settings)
        report["verify_100_claims_s"] = round(time.perf_counter() - started, 1)
        print(f"verify {SPEED_CLAIMS} claims over {len(library.papers())} papers: {report['verify_100_claims_s']} s")
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.split == "test":
        plot(results, args.plot)


if __name__ == "__main__":
    main()
