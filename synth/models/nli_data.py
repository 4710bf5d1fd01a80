"""Labelled (evidence, claim) pairs for training and evaluating the NLI cross-encoder.

Every source in ``../shared/data`` that may go into a shipped model is read here into one
record type, :class:`NliPair`, with labels mapped onto three classes (``LABELS``). Each pair
belongs to a split (``train`` / ``dev`` / ``test``) decided by a hash of its *group* (the claim,
or the premise for general NLI), so a claim never has pairs on both sides of a split and the
splits are the same on every machine.

Licences (see ``../shared/data/README.md``): ANLI is CC BY-NC and is read only by the
benchmark (:func:`load_anli`), never by :func:`load_pairs`; TaxiNLI (C-UDA), RTE (research use)
and COVID-Fact (no stated licence) are not used at all. ``ml-written`` is the project's own set
(``synth/models/data/ml_pairs.jsonl``, :func:`load_ml_written`).

References: SciFact (Wadden et al., 2020), HealthVer (Sarrouti et al., 2021), Climate-FEVER
(Diggelmann et al., 2020), WiCE (Kamoi et al., 2023), SNLI (Bowman et al., 2015), MultiNLI
(Williams et al., 2018), CAD (Kaushik et al., 2020), MED (Yanaka et al., 2019),
FEVER-Symmetric (Schuster et al., 2019).
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Iterator, Literal

ENTAILMENT, NEUTRAL, CONTRADICTION = "entailment", "neutral", "contradiction"
LABELS: tuple[str, ...] = (ENTAILMENT, NEUTRAL, CONTRADICTION)
Split = Literal["train", "dev", "test"]
SPLITS: tuple[Split, ...] = ("train", "dev", "test")
# Percent of groups in train and in train + dev; the rest is test.
TRAIN_PERCENT, TRAIN_DEV_PERCENT = 70, 85
# Caps on how many pairs one general-NLI source contributes, so the in-domain
# scientific pairs are not drowned out (and an epoch fits a CPU sitting).
GENERAL_CAPS = {"snli": 5000, "mnli": 5000, "cad-snli": 3000, "med": 1000, "fever-symmetric": 708}
# Non-rationale sentences of a cited abstract taken as "neutral" per SciFact claim.
SCIFACT_HARD_NEGATIVES = 2
# Climate-FEVER is mostly NOT_ENOUGH_INFO: keep at most this many neutral pairs per claim.
CLIMATE_NEUTRAL_PER_CLAIM = 1

csv.field_size_limit(1 << 24)


@dataclass(frozen=True)
class NliPair:
    """One (evidence, claim) pair: does ``premise`` entail, contradict or not decide ``hypothesis``."""

    premise: str
    hypothesis: str
    label: str
    source: str
    group: str

    @property
    def label_id(self) -> int:
        return LABELS.index(self.label)


def split_of(source: str, group: str) -> Split:
    """The split of a group: a stable hash, so splits agree across machines and runs."""
    bucket = int(hashlib.sha256(f"{source}:{group}".encode()).hexdigest(), 16) % 100
    if bucket < TRAIN_PERCENT:
        return "train"
    return "dev" if bucket < TRAIN_DEV_PERCENT else "test"


def _pair(premise: str, hypothesis: str, label: str, source: str, group: str) -> NliPair | None:
    premise, hypothesis = " ".join(premise.split()), " ".join(hypothesis.split())
    if not premise or not hypothesis or label not in LABELS:
        return None
    return NliPair(premise, hypothesis, label, source, group)


def _jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        yield from (json.loads(line) for line in handle if line.strip())


def _tsv(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)


# --- in-domain claim/evidence sets -------------------------------------------------


def scifact_corpus(data_dir: Path) -> dict[int, dict]:
    """SciFact abstracts by doc id: ``{"title", "abstract": [sentences]}``."""
    return {doc["doc_id"]: doc for doc in _jsonl(data_dir / "scifact" / "corpus.jsonl")}


def scifact_claims(data_dir: Path) -> list[dict]:
    return list(_jsonl(data_dir / "scifact" / "claims_train.jsonl"))


def _overlap_ranked(claim: str, sentences: list[str]) -> list[int]:
    words = set(claim.lower().split())
    return sorted(range(len(sentences)), key=lambda i: -len(words & set(sentences[i].lower().split())))


def load_scifact(data_dir: Path) -> Iterator[NliPair]:
    """Claim vs rationale sentences, plus hard "neutral" negatives from the same abstracts.

    A claim with evidence gives one pair per rationale (SUPPORT / CONTRADICT) and
    ``SCIFACT_HARD_NEGATIVES`` non-rationale sentences of the same abstract that share the
    most words with the claim; a claim without evidence gives its cited abstracts' most
    overlapping sentences as neutral.
    """
    corpus = scifact_corpus(data_dir)
    mapping = {"SUPPORT": ENTAILMENT, "CONTRADICT": CONTRADICTION}
    for claim in scifact_claims(data_dir):
        group, text = str(claim["id"]), claim["claim"]
        for doc_id in claim["cited_doc_ids"]:
            doc = corpus.get(int(doc_id))
            if doc is None:
                continue
            sentences = doc["abstract"]
            rationales = claim["evidence"].get(str(doc_id), [])
            used = {i for r in rationales for i in r["sentences"]}
            for rationale in rationales:
                evidence = " ".join(sentences[i] for i in rationale["sentences"] if i < len(sentences))
                yield from _some(_pair(evidence, text, mapping[rationale["label"]], "scifact", group))
            others = [i for i in _overlap_ranked(text, sentences) if i not in used]
            for index in others[:SCIFACT_HARD_NEGATIVES]:
                yield from _some(_pair(sentences[index], text, NEUTRAL, "scifact", group))


def _some(pair: NliPair | None) -> Iterator[NliPair]:
    if pair is not None:
        yield pair


def load_healthver(data_dir: Path) -> Iterator[NliPair]:
    mapping = {"Supports": ENTAILMENT, "Refutes": CONTRADICTION, "Neutral": NEUTRAL}
    path = data_dir / "claims" / "healthver" / "healthver_dev.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            label = mapping.get(row["label"].strip())
            if label:
                yield from _some(_pair(row["evidence"], row["claim"], label, "healthver", row["claim"].strip().lower()))


def load_climate_fever(data_dir: Path) -> Iterator[NliPair]:
    """Evidence-level labels; DISPUTED evidence labels do not exist, so all three map directly."""
    mapping = {"SUPPORTS": ENTAILMENT, "REFUTES": CONTRADICTION, "NOT_ENOUGH_INFO": NEUTRAL}
    for claim in _jsonl(data_dir / "claims" / "climate-fever" / "climate-fever.jsonl"):
        neutral_taken = 0
        for evidence in claim["evidences"]:
            label = mapping.get(evidence["evidence_label"])
            if label == NEUTRAL:
                neutral_taken += 1
                if neutral_taken > CLIMATE_NEUTRAL_PER_CLAIM:
                    continue
            if label:
                yield from _some(_pair(evidence["evidence"], claim["claim"], label, "climate-fever", claim["claim_id"]))


def load_wice(data_dir: Path) -> Iterator[NliPair]:
    """WiCE: supported claims vs their supporting sentences; partial or unsupported ones are neutral.

    WiCE's ``not_supported`` means the article does not support the claim, not that it
    contradicts it, so it maps to neutral.
    """
    for claim in _jsonl(data_dir / "claims" / "wice" / "dev.jsonl"):
        sentences, text = claim["evidence"], claim["claim"]
        group = text.strip().lower()
        support_sets = claim.get("supporting_sentences") or []
        if claim["label"] == "supported" and support_sets:
            indices = support_sets[0]
            yield from _some(_pair(" ".join(sentences[i] for i in indices if i < len(sentences)), text, ENTAILMENT, "wice", group))
        supporting = {i for indices in support_sets for i in indices}
        ranked = [i for i in _overlap_ranked(text, sentences) if i not in supporting]
        for index in ranked[:1]:
            yield from _some(_pair(sentences[index], text, NEUTRAL, "wice", group))
        if claim["label"] == "partially_supported" and support_sets:
            indices = support_sets[0]
            yield from _some(_pair(" ".join(sentences[i] for i in indices if i < len(sentences)), text, NEUTRAL, "wice", group))


WRITTEN_PAIRS = "data/ml_pairs.jsonl"
"""The project's own (passage, claim) pairs about ML papers, inside the package (synth.models)."""


def load_ml_written(data_dir: Path) -> Iterator[NliPair]:
    """Pairs the project wrote itself: invented ML-paper passages (prose and table row units) with
    claims of the kinds the real-paper claims have (paraphrase, number, table cell, comparison;
    swapped entity, changed number, reversed comparison, negation; unstated detail, another
    dataset, overreach), so that the cross-encoder sees ML-paper wording and the project's
    convention that a fact about another dataset is neutral, not a contradiction. None of them
    is taken from a real paper (``data_dir`` is not read)."""
    path = resources.files("synth.models") / WRITTEN_PAIRS
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            yield from _some(_pair(row["premise"], row["hypothesis"], row["label"], "ml-written", row["group"]))


# --- general NLI ----------------------------------------------------------------


def load_snli(data_dir: Path) -> Iterator[NliPair]:
    folder = data_dir / "nli" / "e-SNLI"
    for part in ("dev", "test"):
        premises = (folder / f"s1.{part}").read_text(encoding="utf-8").splitlines()
        hypotheses = (folder / f"s2.{part}").read_text(encoding="utf-8").splitlines()
        labels = (folder / f"labels.{part}").read_text(encoding="utf-8").splitlines()
        for premise, hypothesis, label in zip(premises, hypotheses, labels):
            yield from _some(_pair(premise, hypothesis, label.strip(), "snli", premise.strip()))


def load_mnli(data_dir: Path) -> Iterator[NliPair]:
    for row in _tsv(data_dir / "nli" / "MNLI" / "mnli_development_set_number_of_correct_responses.txt"):
        yield from _some(_pair(row["premise"], row["hypothesis"], row["gold_label"], "mnli", row["premise"]))


def load_cad_snli(data_dir: Path) -> Iterator[NliPair]:
    for row in _tsv(data_dir / "nli" / "CAD-SNLI" / "all_combined" / "train.tsv"):
        yield from _some(_pair(row["sentence1"], row["sentence2"], row["gold_label"], "cad-snli", row["sentence1"]))


def load_med(data_dir: Path) -> Iterator[NliPair]:
    for row in _tsv(data_dir / "nli" / "MED" / "MED.tsv"):
        yield from _some(_pair(row["sentence1"], row["sentence2"], row["gold_label"], "med", row["sentence1"]))


def load_fever_symmetric(data_dir: Path) -> Iterator[NliPair]:
    mapping = {"SUPPORTS": ENTAILMENT, "REFUTES": CONTRADICTION}
    for row in _jsonl(data_dir / "nli" / "FEVER-Symmetric" / "fever_symmetric_dev.jsonl"):
        label = mapping.get(row["gold_label"])
        if label:
            yield from _some(_pair(row["evidence"], row["claim"], label, "fever-symmetric", row["claim"]))


def load_anli(data_dir: Path) -> Iterator[NliPair]:
    """ANLI R1-R3 dev: CC BY-NC 4.0, for the robustness benchmark only (never training)."""
    mapping = {"e": ENTAILMENT, "n": NEUTRAL, "c": CONTRADICTION}
    for part in ("r1", "r2", "r3"):
        path = data_dir / "nli" / "ANLI" / f"ANLI_analysis_{part}_dev.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                label = mapping.get(row["gold_label"].strip())
                if label:
                    yield from _some(_pair(row["context"], row["statement"], label, f"anli-{part}", row["uid"]))


LICENCES = {
    "scifact": "claims CC BY 4.0, abstracts ODC-By 1.0",
    "healthver": "as distributed by its authors (sarrouti/HealthVer)",
    "climate-fever": "CC BY-SA 4.0",
    "wice": "as distributed by its authors (ryokamoi/wice; Wikipedia text CC BY-SA)",
    "snli": "CC BY-SA 4.0",
    "mnli": "OANC / CC-licensed fiction",
    "cad-snli": "Apache-2.0 (SNLI CC BY-SA 4.0)",
    "med": "CC BY-SA 4.0",
    "fever-symmetric": "CC BY-SA 3.0",
    "ml-written": "the project's own (written for synth, ships with it)",
}
"""Licence of each training source as its distribution states it (none is non-commercial)."""

IN_DOMAIN: dict[str, Callable[[Path], Iterable[NliPair]]] = {
    "scifact": load_scifact,
    "healthver": load_healthver,
    "climate-fever": load_climate_fever,
    "wice": load_wice,
}
WRITTEN: dict[str, Callable[[Path], Iterable[NliPair]]] = {"ml-written": load_ml_written}
"""The project's own pairs: not in the default mixture (the shipped model was trained without them,
``train-verifier --written`` adds them; bench/RESULTS.md, issue 15)."""
GENERAL: dict[str, Callable[[Path], Iterable[NliPair]]] = {
    "snli": load_snli,
    "mnli": load_mnli,
    "cad-snli": load_cad_snli,
    "med": load_med,
    "fever-symmetric": load_fever_symmetric,
}


def load_source(name: str, data_dir: Path, split: Split, cap_scale: float = 1.0) -> list[NliPair]:
    """All pairs of one source in one split (general sources capped at ``cap_scale`` x their
    :data:`GENERAL_CAPS` entry, seeded)."""
    loader = IN_DOMAIN.get(name) or WRITTEN.get(name) or GENERAL[name]
    pairs = [pair for pair in loader(data_dir) if split_of(pair.source, pair.group) == split]
    cap = int(GENERAL_CAPS[name] * cap_scale) if name in GENERAL_CAPS else None
    if cap is not None and len(pairs) > cap:
        pairs = random.Random(f"{name}:{split}").sample(pairs, cap)
    return pairs


def load_pairs(data_dir: Path, split: Split, sources: Iterable[str] | None = None,
               cap_scale: float = 1.0) -> list[NliPair]:
    """The pairs of ``sources`` (default: every source but ANLI) in one split, shuffled with a fixed seed."""
    names = list(sources) if sources is not None else [*IN_DOMAIN, *WRITTEN, *GENERAL]
    pairs = [pair for name in names for pair in load_source(name, data_dir, split, cap_scale)]
    random.Random(f"mixture:{split}").shuffle(pairs)
    return pairs
