"""Independent checks (issue 9): no self-support, the combining rule, one verdict per finding,
multi-part claims, and ``--reproduce none`` through the real CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from synth.cli import app
from synth.index.embeddings import Embedder
from synth.records import Check, Evidence, Verification
from synth.report.document import load_document
from synth.report.findings import contradictions, merge_same_findings
from synth.report.ledger import Ledger
from synth.report.sections.claims import claim_rows
from synth.settings import REPO_ROOT, Settings
from synth.verify.checks import claim_parts, combine
from synth.verify.policy import ChecksPolicy

CORPUS = REPO_ROOT / "reports" / "corpus"
POLICY = ChecksPolicy()


def _check(channel: str, outcome: str, decides: bool = True, confidence: float = 0.8) -> Check:
    return Check(channel=channel, outcome=outcome, decides=decides, confidence=confidence, note=f"{channel} {outcome}")


def test_agreeing_deciding_checks_support_and_disagreeing_ones_decide_nothing():
    assert combine([_check("other_sources", "agrees"), _check("other_sources", "silent")], POLICY).verdict == "supported"
    refuted = combine([_check("reproduction", "contradicts"), _check("internal_consistency", "agrees", decides=False)],
                      POLICY)
    assert refuted.verdict == "refuted" and refuted.decided_by == ["reproduction"]
    split = combine([_check("other_sources", "agrees"), _check("reproduction", "contradicts")], POLICY)
    assert split.verdict == "insufficient_evidence" and "disagree" in split.rationale and not split.decided_by


def test_a_check_that_may_not_decide_leaves_the_claim_undecided():
    provenance = Check(channel="source_text", outcome="not_applicable", decides=False, note="claimed by p1, p. 2")
    small_run = _check("reproduction", "contradicts", decides=False)
    combined = combine([provenance, small_run], POLICY)
    assert combined.verdict == "insufficient_evidence" and combined.decided_by == []


def test_an_undecided_verdict_is_no_surer_than_the_checks_leaning_against_it_allow():
    provenance = Check(channel="source_text", outcome="not_applicable", decides=False, note="claimed by p1, p. 2")
    leaning = combine([provenance, _check("other_sources", "agrees", decides=False, confidence=0.45)], POLICY)
    assert leaning.verdict == "insufficient_evidence" and leaning.confidence == pytest.approx(0.55)
    silent = combine([_check("other_sources", "silent", confidence=0.7),
                      _check("other_sources", "contradicts", decides=False, confidence=0.2)], POLICY)
    assert silent.confidence == pytest.approx(0.7)
    split = combine([_check("other_sources", "agrees", confidence=0.9), _check("reproduction", "contradicts")], POLICY)
    assert split.verdict == "insufficient_evidence" and split.confidence == pytest.approx(0.1)


def test_data_facts_outrank_text():
    combined = combine([_check("dataset", "agrees", confidence=0.97), _check("other_sources", "contradicts")], POLICY)
    assert combined.verdict == "supported" and combined.decided_by == ["dataset"]


def test_multi_part_claims_split_only_into_parts_that_stand_alone():
    assert claim_parts("Hybrid batches give the best multilingual mAP on XQuAD-R; cross-lingual batches "
                       "remain slightly ahead on cross-lingual retrieval.", POLICY) == [
        "Hybrid batches give the best multilingual mAP on XQuAD-R",
        "cross-lingual batches remain slightly ahead on cross-lingual retrieval"]
    assert claim_parts("BM25 wins on six datasets; dense wins on two.", POLICY) == [
        "BM25 wins on six datasets; dense wins on two."], "parts too short to stand alone stay one claim"


def _verification(text: str, checks: list[Check], verdict: str = "insufficient_evidence") -> Verification:
    return Verification(id=text[:12], claim=text, verdict=verdict, confidence=0.5, method="text",
                        rationale="own", checks=checks)


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder(Settings(), cache=False)


def test_two_claims_stating_the_same_finding_get_one_verdict(embedder: Embedder):
    measured = Check(channel="reproduction", outcome="contradicts", decides=True, confidence=0.9, note="run",
                     evidence=[Evidence(paper_id="reproduction:gpu", quote="hybrid - cross_lingual ... (contradicted)")])
    pair = [
        _verification("Hybrid batches give the best multilingual retrieval for both encoders and both LAReQA "
                      "datasets, reaching 0.578 mAP on XQuAD-R with LaBSE.", [_check("other_sources", "silent")]),
        _verification("Hybrid batches give the best multilingual mAP in all four combinations of encoder and dataset.",
                      [measured], verdict="refuted"),
        _verification("Replacing the data-proportional choice by a fixed ratio of one monolingual batch for every "
                      "cross-lingual batch lowers multilingual mAP of LaBSE on XQuAD-R from 0.578 to 0.571.",
                      [_check("other_sources", "silent")]),
    ]
    merged, same_as = merge_same_findings(pair, embedder.embed([item.claim for item in pair]), POLICY)
    assert [item.verdict for item in merged[:2]] == ["refuted", "refuted"]
    assert merged[0].decided_by == ["reproduction"] and "row(s) 2" in merged[0].rationale
    assert same_as == {0: [1], 1: [0]}, "a different result of the same paper is not merged"
    assert merged[2].verdict == "insufficient_evidence"
    listed = contradictions(claim_rows(merged, [], same_as))
    assert [(item.row, item.channel) for item in listed] == [(2, "reproduction")]


@pytest.mark.slow
def test_report_claims_are_never_their_own_support_and_reproduce_none_reads_no_result(synth_home: Path,
                                                                                      tmp_path: Path):
    papers = tmp_path / "papers"
    papers.mkdir()
    for name in ("hybrid_batch.pdf", "language_bias.pdf"):
        shutil.copy(CORPUS / name, papers / name)
    out, ledger = tmp_path / "out", tmp_path / "ledger.sqlite"
    result = CliRunner().invoke(app, [
        "report", "--question", "Does hybrid batch training reduce language bias in multilingual retrieval?",
        "--papers", str(papers), "--no-arxiv", "--reproduce", "none", "--format", "json,md",
        "--out", str(out), "--ledger", str(ledger)])
    assert result.exit_code == 0, result.output
    document = load_document(out / "report.json")
    assert document.claims
    for row in document.claims:
        assert row.claimed_by and row.claimed_by.startswith(f"{row.paper_id}, p. ")
        own = [c for c in row.checks if c.channel == "source_text"]
        assert own and {(c.outcome, c.decides) for c in own} == {("not_applicable", False)}, row.claim
        assert all(" ".join(e.quote.split()) != " ".join(row.claim.split()) for e in row.evidence), \
            "a claim's own sentence is never its evidence"
        assert not any(e.paper_id.startswith("reproduction:") for e in row.evidence)
        assert all(c.outcome == "not_applicable" for c in row.checks if c.channel == "reproduction")
        assert all(c.channel != "source_text" for c in row.checks if c.decides), "decided by independent checks only"
    assert any(c.channel == "reproduction" for row in document.claims for c in row.checks), \
        "hybrid-batch claims reach the reproduction verifier, which reads nothing"
    assert "never as its support" in document.verdict_rule and "Checks (decided by)" in (out / "report.md").read_text()
    with Ledger(ledger, create=False) as opened:
        recorded = opened.claims()
    assert recorded and all(entry.location is not None and entry.latest.checks for entry in recorded)


def test_the_source_check_decides_above_chance_and_other_papers_above_even_odds():
    from synth.verify.checks import may_decide

    def check(channel: str, confidence: float) -> Check:
        return _check(channel, "agrees", decides=False, confidence=confidence)

    assert may_decide(check("source_text", 0.4), POLICY) and not may_decide(check("source_text", 0.3), POLICY)
    assert not may_decide(check("other_sources", 0.45), POLICY) and may_decide(check("other_sources", 0.55), POLICY)
    assert may_decide(_check("other_sources", "silent", confidence=0.1), POLICY)


@pytest.mark.parametrize("claim, quote, decides", [
    # the part of "Tagspace ... superior to word2vec, and we observe the same result here" that names nothing
    ("we observe the same result here", "Table 1 shows the results.", False),
    ("BM25 beats the dense retriever on FiQA.", "The dense retriever beats BM25 on FiQA by 0.05 nDCG@10.", True),
    ("BM25 beats the dense retriever on FiQA.", "The dense retriever is better on most datasets.", False),
])
def test_another_paper_decides_only_a_claim_whose_names_its_passage_shares(claim: str, quote: str, decides: bool):
    from synth.verify.checks import _other_source_check
    from synth.verify.inputs import ClaimInput
    from synth.verify.judgement import Judgement

    refutation = Judgement("refuted", "text", 0.9, "combined P(refuted) = 0.9", [Evidence(paper_id="other", page=4,
                           section="Results", quote=quote)], {"ent_max": 0.1, "con_max": 0.8}, confidence=0.9)
    check = _other_source_check(ClaimInput.of(claim, "own"), "other", refutation, POLICY)
    assert (check.outcome, check.decides) == ("contradicts", decides)
