"""Claim-level examples (a claim, its gold verdict and the passages to judge it on).

These fit the verdict combiner (:mod:`synth.models.judge`) and drive the external
benchmark. Each set uses the split of :func:`synth.models.nli_data.split_of` on the same
group as the pair-level data, so the combiner is fitted on ``dev`` claims the
cross-encoder never saw and the benchmark reports ``test`` claims.

- SciFact: a claim is judged against all sentences of the abstracts cited by the claims of
  its split (the claim is not told which abstract is its own), as ``synth verify`` would over
  a library of those abstracts. Gold: SUPPORT / CONTRADICT when it has rationales, else NEI.
- HealthVer: one row = a claim and an evidence paragraph, split into sentences.
- Climate-FEVER: a claim and its five evidence sentences (DISPUTED claims are skipped).
- WiCE: a claim and the sentences of its cited article; partially or not supported means
  not enough evidence for the whole claim.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from synth.models import nli_data
from synth.models.nli_data import Split, split_of
from synth.records import Verdict
from synth.text.segment import sentences as segment


@dataclass
class ClaimExample:
    claim: str
    label: Verdict
    source: str
    group: str
    pool: list[str] = field(default_factory=list)
    """Candidate passages (sentences) the claim is judged on."""
    scoped: bool = False
    """True when the pool is the claim's own source (attributed claim), False for a search pool."""
    document_of: dict[str, str] = field(default_factory=dict)
    """A search pool's sentence -> the whole abstract it comes from (empty: the pool is one document)."""


def _split_sentences(text: str) -> list[str]:
    return [s.text for s in segment(text)] or [text]


def scifact_split(data_dir: Path, *splits: Split) -> list[dict]:
    """SciFact's ``claims_train`` claims of these splits of ours."""
    return [c for c in nli_data.scifact_claims(data_dir) if split_of("scifact", str(c["id"])) in splits]


def cited_abstracts(claims: list[dict], corpus: dict[int, dict]) -> list[int]:
    return sorted({int(d) for c in claims for d in c["cited_doc_ids"] if int(d) in corpus})


def scifact_label(claim: dict) -> Verdict:
    """SUPPORT / CONTRADICT by its first rationale; no rationale means not enough evidence."""
    labels = [r["label"] for rationales in claim["evidence"].values() for r in rationales]
    if not labels:
        return "insufficient_evidence"
    return "supported" if labels[0] == "SUPPORT" else "refuted"


def scifact_examples(data_dir: Path, split: Split) -> list[ClaimExample]:
    corpus = nli_data.scifact_corpus(data_dir)
    claims = scifact_split(data_dir, split)
    cited = cited_abstracts(claims, corpus)
    pool = [sentence for doc_id in cited for sentence in corpus[doc_id]["abstract"]]
    document_of = {sentence: " ".join(corpus[doc_id]["abstract"]) for doc_id in cited for sentence in corpus[doc_id]["abstract"]}
    return [ClaimExample(claim["claim"], scifact_label(claim), "scifact", str(claim["id"]), pool, document_of=document_of)
            for claim in claims]


def healthver_examples(data_dir: Path, split: Split) -> list[ClaimExample]:
    mapping: dict[str, Verdict] = {"Supports": "supported", "Refutes": "refuted", "Neutral": "insufficient_evidence"}
    path = data_dir / "claims" / "healthver" / "healthver_dev.csv"
    examples = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            group = row["claim"].strip().lower()
            label = mapping.get(row["label"].strip())
            if label and split_of("healthver", group) == split:
                examples.append(ClaimExample(row["claim"].strip(), label, "healthver", group, _split_sentences(row["evidence"]), True))
    return examples


def climate_fever_examples(data_dir: Path, split: Split) -> list[ClaimExample]:
    mapping: dict[str, Verdict] = {"SUPPORTS": "supported", "REFUTES": "refuted", "NOT_ENOUGH_INFO": "insufficient_evidence"}
    examples = []
    for claim in nli_data._jsonl(data_dir / "claims" / "climate-fever" / "climate-fever.jsonl"):
        label = mapping.get(claim["claim_label"])
        if label and split_of("climate-fever", claim["claim_id"]) == split:
            pool = [e["evidence"] for e in claim["evidences"]]
            examples.append(ClaimExample(claim["claim"], label, "climate-fever", claim["claim_id"], pool, True))
    return examples


def wice_examples(data_dir: Path, split: Split) -> list[ClaimExample]:
    examples = []
    for claim in nli_data._jsonl(data_dir / "claims" / "wice" / "dev.jsonl"):
        group = claim["claim"].strip().lower()
        if split_of("wice", group) != split:
            continue
        label: Verdict = "supported" if claim["label"] == "supported" else "insufficient_evidence"
        pool = [s for s in claim["evidence"] if len(s.split()) > 3]
        examples.append(ClaimExample(claim["claim"], label, "wice", group, pool, True))
    return examples


SCIFACT_PDFS = "scifact-pdfs"
LIBRARY_SETS = ("real-papers", "corpus", SCIFACT_PDFS)
"""Claim sets judged through a library of ingested PDFs (synth.models.library_claims), as ``synth verify`` does."""


CLAIM_SETS: dict[str, Callable[[Path, Split], list[ClaimExample]]] = {
    "scifact": scifact_examples,
    "healthver": healthver_examples,
    "climate-fever": climate_fever_examples,
    "wice": wice_examples,
}


FITTED_POOL_SETS = ("healthver", "climate-fever", "wice")
"""The pool sets the combiner is fitted on. SciFact's dev claims are fitted once, through the library
(``scifact-pdfs``): the same claim twice, under two sources, would sit in different folds."""


def claim_examples(data_dir: Path, split: Split, names: list[str] | None = None) -> Iterator[ClaimExample]:
    for name in names or list(CLAIM_SETS):
        yield from CLAIM_SETS[name](data_dir, split)
