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

The ``dev`` split was used to tune the checker; ``test`` was not looked at
while tuning. Libraries are ingested once into --home-root (default
~/.cache/synth-bench/premises) and reused.

    python bench/bench_premises.py [--split dev|test|all] [--home-root DIR] [--json] [--show-errors]
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
from synth.premises import check_premises
from synth.records import PremiseCheck
from synth.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "bench" / "data" / "premise_questions.jsonl"
PAPERS_DIR = Path(os.environ.get("SYNTH_SHARED_PAPERS", ROOT.parent / "shared" / "data" / "papers"))
REAL_PAPERS = ("1706.03762", "1802.05365", "1906.08237", "1710.04087", "1702.03859", "1506.06726", "1804.09541",
               "shen2014-clsm", "1911.02782", "2501.10120", "coder-code-embedding", "1703.03130", "1905.03197",
               "jain08-denoising")
"""Real papers of the ``papers`` library: the ones the questions are about, plus others as distractors."""


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--home-root", type=Path, default=Path.home() / ".cache" / "synth-bench" / "premises")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    questions = [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]
    libraries = {name: open_library(name, args.home_root) for name in sorted({q["library"] for q in questions})}
    checks = {q["id"]: check_premises(q["question"], libraries[q["library"]]) for q in questions}
    splits = ("dev", "test") if args.split == "all" else (args.split,)
    results = {split: score([q for q in questions if q["split"] == split], checks) for split in splits}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for split, result in results.items():
        print(f"{split:<5} questions {result['questions']:>3}  premises {result['premises']:>4}  "
              f"recall(unsupported) {result['recall_unsupported']:.3f} of {result['unsupported']}  "
              f"false flags {result['false_flag_rate']:.3f} of {result['supported']}  listed {result['listed']:.3f}")
        if args.show_errors:
            for error in result["errors"]:
                print("   ", json.dumps(error))


if __name__ == "__main__":
    main()
