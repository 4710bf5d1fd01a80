"""SciFact as a library of PDFs: the claim set the combiner is fitted on and benchmarked with for SciFact.

A miniature SciFact folder (three abstracts, claims whose ids fall in our train, dev and test splits)
stands in for the shared data, so these run on any machine.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from synth.models.claim_data import LIBRARY_SETS, SCIFACT_PDFS
from synth.models.fit import calibration_source
from synth.models.judge import RUNTIME_SOURCE
from synth.models.library_claims import library_claims, library_examples, library_pdfs, scifact_pdfs
from synth.models.nli_data import split_of

ABSTRACTS = {
    11: ("Folate and homocysteine", ["Folate deficiency raised plasma homocysteine in 40 adults.",
                                     "Supplementation lowered it again within eight weeks."]),
    12: ("Macrophage renewal in adult tissue", ["Resident macrophages of adult mice renewed themselves locally.",
                                               "Circulating monocytes contributed little."]),
    13: ("An abstract only a training claim cites", ["Nothing here is cited by a dev or test claim."]),
}
CLAIMS = {  # id -> (claim, cited abstracts, rationale label or None)
    2: ("Folate deficiency increases homocysteine levels.", [11], "SUPPORT"),
    5: ("Adult tissue macrophages cannot renew themselves.", [12], "CONTRADICT"),
    7: ("Folate deficiency causes hair loss.", [11], None),
    3: ("Monocytes replace most adult tissue macrophages.", [12], "CONTRADICT"),
    1: ("A training claim.", [13], "SUPPORT"),
}


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data" / "scifact"
    folder.mkdir(parents=True)
    corpus = [{"doc_id": doc_id, "title": title, "abstract": sentences} for doc_id, (title, sentences) in ABSTRACTS.items()]
    claims = [{"id": claim_id, "claim": text, "cited_doc_ids": cited,
               "evidence": {str(cited[0]): [{"sentences": [0], "label": label}]} if label else {}}
              for claim_id, (text, cited, label) in CLAIMS.items()]
    (folder / "corpus.jsonl").write_text("".join(json.dumps(row) + "\n" for row in corpus), encoding="utf-8")
    (folder / "claims_train.jsonl").write_text("".join(json.dumps(row) + "\n" for row in claims), encoding="utf-8")
    return tmp_path / "data"


def test_the_fixture_claims_fall_in_the_splits_the_tests_assume() -> None:
    assert [split_of("scifact", str(i)) for i in (2, 5, 7, 3, 1)] == ["dev", "dev", "dev", "test", "train"]


def test_scifact_claims_are_unattributed_and_labelled_by_their_rationales(data_dir: Path) -> None:
    dev = library_claims(SCIFACT_PDFS, "dev", data_dir)
    assert [(claim.text, claim.label) for claim in dev] == [
        (CLAIMS[2][0], "supported"), (CLAIMS[5][0], "refuted"), (CLAIMS[7][0], "insufficient_evidence")]
    assert all(claim.paper_id is None and claim.source == SCIFACT_PDFS for claim in dev)
    assert [claim.group for claim in library_claims(SCIFACT_PDFS, "test", data_dir)] == ["3"]


def test_one_pdf_per_abstract_a_dev_or_test_claim_cites_with_its_title_and_text(data_dir: Path, tmp_path: Path) -> None:
    paths = library_pdfs(SCIFACT_PDFS, data_dir, tmp_path / "home")
    assert [path.name for path in paths] == ["scifact-11.pdf", "scifact-12.pdf"]
    text = " ".join(page.extract_text() for page in PdfReader(paths[0]).pages)
    assert "Folate and homocysteine" in text and "raised plasma homocysteine in 40 adults" in text
    written = paths[0].stat().st_mtime_ns
    assert scifact_pdfs(data_dir, paths[0].parent) == paths and paths[0].stat().st_mtime_ns == written


def test_scifact_claims_share_the_run_time_confidence_map_of_every_library_set() -> None:
    assert SCIFACT_PDFS in LIBRARY_SETS
    assert {calibration_source(name) for name in LIBRARY_SETS} == {RUNTIME_SOURCE}


def test_dev_claims_are_judged_through_the_library_as_synth_verify_judges_them(data_dir: Path, tmp_path: Path) -> None:
    judged = library_examples(SCIFACT_PDFS, "dev", data_dir, tmp_path / "home")
    assert [claim.label for claim, _ in judged] == ["supported", "refuted", "insufficient_evidence"]
    first = judged[0][1]
    assert first.chosen and all(candidate.paper_id.startswith("scifact-") for candidate in first.chosen)
    assert any("homocysteine" in candidate.quote for candidate in first.chosen)
    assert len(first.scored) == len(first.chosen)
