"""Claim extraction on real papers: precision@10 per paper and the ECE of its confidence.

    python bench/extraction_real.py [PAPERS_DIR]     # default ../shared/data/papers

Labels: tests/data/claims/worthiness_real.jsonl, 301 sentences (the top 10
extracted from each of 20 papers of ../shared/data/papers on 1 Dec, and on 4 Dec
the 98 sentences then in a top 10 without a label, 52 of them table row units;
on 7 Dec three sentences whose run-in heading was cut off, with their label
when the heading was still glued on),
labelled by hand:
1 = a self-contained statement of the paper's own result, comparison or
reported fact that evidence could confirm or refute; 0 = set-up and
procedure, table rows, equations, figure text, fragments, footnotes,
examples, motivation, and statements about cited work. Sentences are stored
as hashes of their whitespace-normalised text, not as text (the papers are
not ours to copy), and matched by re-extracting them here.

precision@10 counts only labelled sentences; a top 10 that changed since
labelling shows fewer labelled ones ("labelled" column). ECE: 10 equal-width
confidence bins over all labelled sentences found, weighted by bin size.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from synth.claims.extract import paper_claims  # noqa: E402
from synth.ingest import parse_pdf  # noqa: E402
from synth.ingest.run import local_paper  # noqa: E402
from synth.settings import Settings  # noqa: E402

LABELS = REPO_ROOT / "tests" / "data" / "claims" / "worthiness_real.jsonl"
DEFAULT_PAPERS = REPO_ROOT.parent / "shared" / "data" / "papers"
TOP = 10
ECE_BINS = 10


def sentence_sha(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def expected_calibration_error(pairs: list[tuple[float, int]]) -> float:
    bins: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for confidence, label in pairs:
        bins[min(int(confidence * ECE_BINS), ECE_BINS - 1)].append((confidence, label))
    return sum(abs(sum(c for c, _ in members) / len(members) - sum(l for _, l in members) / len(members))
               * len(members) / len(pairs) for members in bins.values())


def main(papers_dir: Path) -> None:
    labels: dict[str, dict[str, int]] = defaultdict(dict)
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        labels[row["file"]][row["sentence_sha"]] = row["label"]
    settings, pairs, precisions = Settings(), [], []
    print("| paper | labelled of top 10 | precision@10 |\n|---|---|---|")
    for name, known in labels.items():
        pdf = papers_dir / name
        claims = paper_claims(parse_pdf(pdf, local_paper(pdf, pdf.stem)), settings)
        found = [(claim.confidence, known[sha]) for claim in claims if (sha := sentence_sha(claim.text)) in known]
        pairs += found
        top = [known.get(sentence_sha(claim.text)) for claim in sorted(claims, key=lambda c: -c.confidence)[:TOP]]
        labelled = [label for label in top if label is not None]
        precision = sum(labelled) / len(labelled) if labelled else float("nan")
        precisions.append(precision)
        print(f"| {name} | {len(labelled)} | {precision:.2f} |", flush=True)
    mean = sum(p for p in precisions if p == p) / sum(p == p for p in precisions)
    print(f"\nmean precision@10 {mean:.3f} over {len(precisions)} papers; "
          f"ECE {expected_calibration_error(pairs):.3f} over {len(pairs)} labelled sentences "
          f"(mean confidence {sum(c for c, _ in pairs) / len(pairs):.3f}, positive share "
          f"{sum(l for _, l in pairs) / len(pairs):.3f})")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PAPERS)
