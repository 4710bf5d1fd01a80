"""Premise checks against gold labels: recall of unsupported premises, false flags on supported ones.

Questions (bench/data/premise_questions.jsonl, written by hand) are asked over
two libraries: ``corpus`` (the four generated PDFs in reports/corpus) and
``papers`` (real PDFs from ../shared/data/papers, list below). Each gold
premise is ``supported`` (a source that studies the question's main subject
studies it too) or ``unsupported``. A gold premise is matched to the check
whose name or question words contain it (or the reverse). Figures:

- recall: unsupported gold premises checked ``not_supported`` / all unsupported
  (one the checker does not list counts as missed);
- false-flag rate: supported gold premises checked ``not_supported`` / all supported;
- listed: gold premises the checker lists at all.

Each split is scored in two configurations in one run: ``baseline`` (the
embedding match alone: ``PremisePolicy(entailment=False)``) and
``entailment`` (the default policy: the trained verifier's NLI model decides
weak meaning matches). ``--fit`` instead scores the dev split at several
``entailment_min`` values (NLI outputs are computed once and reused).

The ``dev`` split was used to tune the checker and fit the policy; ``test``
was not looked at while tuning, and ``--show-errors`` lists dev errors only.
Libraries are ingested once into --home-root (default
~/.cache/synth-bench/premises) and reused.

    python bench/bench_premises.py [--split dev|test|all] [--home-root DIR] [--json] [--show-errors] [--fit]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from synth.index.library import Library
from synth.ingest.run import ingest_sources
from synth.premises import EntailmentFn, PremisePolicy, check_premises, nli_entailment
from synth.records import PremiseCheck
from synth.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "bench" / "data" / "premise_questions.jsonl"
PAPERS_DIR = Path(os.environ.get("SYNTH_SHARED_PAPERS", ROOT.parent / "shared" / "data" / "papers"))
REAL_PAPERS = ("1706.03762", "1802.05365", "1906.08237", "1710.04087", "1702.03859", "1506.06726", "1804.09541",
               "shen2014-clsm", "1911.02782", "2501.10120", "coder-code-embedding", "1703.03130", "1905.03197",
               "jain08-denoising")
"""Real papers of the ``papers`` library: the ones the questions are about, plus others as distractors."""
FIT_THRESHOLDS = (0.3, 0.5, 0.7, 0.9)
"""entailment_min values --fit tries on the dev split."""


def library_sources(name: str) -> list[Path]:
    if name == "corpus":
        return sorted((ROOT / "reports" / "corpus").glob("*.pdf"))
    missing = [stem for stem in REAL_PAPERS if not (PAPERS_DIR / f"{stem}.pdf").is_file()]
    if missing:
        sys.exit(f"real papers not found in {PAPERS_DIR} ({', '.join(missing[:3])}...): "
                 "set SYNTH_SHARED_PAPERS to the folder of ../shared/data/papers")
    return [PAPERS_DIR / f"{stem}.pdf" for stem in REAL_PAPERS]


def open_library(name: str, home_root: Path) -> Library:
    """The library, ingested on first use (later runs skip unchanged papers)."""
    settings = Settings(home=home_root / name)
    library = Library(settings)
    sources = library_sources(name)
    if len(library.papers()) < len(sources):
        ingest_sources([str(path) for path in sources], settings, library, progress=False)
    return library


def matches(gold: str, check: PremiseCheck) -> bool:
    wanted = gold.lower()
    names = [check.name.lower(), check.mention.lower()]
    return any(wanted == name or wanted in name or (len(name) > 2 and name in wanted) for name in names if name)


def score(questions: list[dict], checks: dict[str, list[PremiseCheck]]) -> dict:
    counts = {"unsupported": 0, "caught": 0, "supported": 0, "flagged": 0, "listed": 0, "premises": 0}
    errors = []
    for question in questions:
        for gold in question["premises"]:
            found = next((c for c in checks[question["id"]] if matches(gold["name"], c)), None)
            flagged = found is not None and found.status == "not_supported"
            counts["premises"] += 1
            counts["listed"] += found is not None
            if gold["gold"] == "unsupported":
                counts["unsupported"] += 1
                counts["caught"] += flagged
            else:
                counts["supported"] += 1
                counts["flagged"] += flagged
            if flagged != (gold["gold"] == "unsupported"):
                errors.append({"id": question["id"], "premise": gold["name"], "gold": gold["gold"],
                               "got": found.model_dump(include={"status", "finding", "name", "rationale"})
                               if found else "not listed"})
    return {
        "questions": len(questions),
        "premises": counts["premises"],
        "recall_unsupported": round(counts["caught"] / max(counts["unsupported"], 1), 3),
        "false_flag_rate": round(counts["flagged"] / max(counts["supported"], 1), 3),
        "listed": round(counts["listed"] / max(counts["premises"], 1), 3),
        "unsupported": counts["unsupported"],
        "supported": counts["supported"],
        "errors": errors,
    }


class RememberedEntailment:
    """The entailment function with its answers kept, so configurations that differ only in thresholds
    run the NLI model once per (sentence, hypothesis) pair; ``answers`` holds what it was asked."""

    def __init__(self, entailment: EntailmentFn) -> None:
        self.entailment = entailment
        self.answers: dict[tuple[str, str], float] = {}

    def __call__(self, pairs: list[tuple[str, str]]) -> list[float]:
        missing = [pair for pair in dict.fromkeys(pairs) if pair not in self.answers]
        if missing:
            self.answers.update(zip(missing, self.entailment(missing)))
        return [self.answers[pair] for pair in pairs]


def configurations(fit: bool) -> dict[str, PremisePolicy]:
    if fit:
        return {f"entailment_min={value}": PremisePolicy(entailment_min=value) for value in FIT_THRESHOLDS}
    return {"baseline": PremisePolicy(entailment=False), "entailment": PremisePolicy()}


def run(questions: list[dict], libraries: dict[str, Library], policy: PremisePolicy,
        entailment: EntailmentFn | None) -> dict[str, list[PremiseCheck]]:
    return {q["id"]: check_premises(q["question"], libraries[q["library"]], entailment=entailment, policy=policy)
            for q in questions}


def print_result(split: str, name: str, result: dict, show_errors: bool) -> None:
    print(f"{split:<5} {name:<20} questions {result['questions']:>3}  premises {result['premises']:>4}  "
          f"recall(unsupported) {result['recall_unsupported']:.3f} of {result['unsupported']}  "
          f"false flags {result['false_flag_rate']:.3f} of {result['supported']}  listed {result['listed']:.3f}")
    if show_errors and split == "dev":
        for error in result["errors"]:
            print("   ", json.dumps(error))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--home-root", type=Path, default=Path.home() / ".cache" / "synth-bench" / "premises")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show-errors", action="store_true", help="list the dev split's errors")
    parser.add_argument("--fit", action="store_true", help="dev split only, at several entailment_min values")
    args = parser.parse_args()
    questions = [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]
    splits = ("dev",) if args.fit else ("dev", "test") if args.split == "all" else (args.split,)
    questions = [q for q in questions if q["split"] in splits]
    libraries = {name: open_library(name, args.home_root) for name in sorted({q["library"] for q in questions})}
    entailment = RememberedEntailment(nli_entailment(next(iter(libraries.values())).settings))
    results: dict[str, dict[str, dict]] = {split: {} for split in splits}
    for name, policy in configurations(args.fit).items():
        checks = run(questions, libraries, policy, entailment if policy.entailment else None)
        for split in splits:
            results[split][name] = score([q for q in questions if q["split"] == split], checks)
    if args.json:
        print(json.dumps({**results, "entailment_pairs": len(entailment.answers)}, indent=2))
        return
    for split, by_config in results.items():
        for name, result in by_config.items():
            print_result(split, name, result, args.show_errors)
    print(f"entailment model asked about {len(entailment.answers)} (sentence, premise) pairs")


if __name__ == "__main__":
    main()
