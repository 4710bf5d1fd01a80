"""Verification, extraction and premise checks over the ingested synthetic corpus (real PDFs,
real Chroma and BM25), the labeled-claims floor, and the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from synth.claims.extract import extract_claims
from synth.claims.premises import check_premises
from synth.cli import app
from synth.index.library import Library
from synth.ingest.sections import in_reference_list
from synth.index.embeddings import Embedder
from synth.ingest.run import ingest_sources
from synth.records import Location
from synth.settings import Settings
from synth.verify.evaluate import judge_labeled, read_labeled, scores
from synth.verify.policy import ReproductionPolicy
from synth.verify.candidates import candidates_for
from synth.verify import run as verify_run
from synth.verify.inputs import ClaimInput
from synth.verify.run import verify_claims
from bench.corpus.pdf import write_corpus_pdfs

CLAIMS_DIR = Path(__file__).parent / "data" / "claims"
BEIR_QUESTION = ("What is the impact of domain adaptation techniques on the zero-shot cross-lingual retrieval of "
                 "models trained with the proposed hybrid batch strategy, as measured by BEIR benchmarks?")


@pytest.fixture(scope="module")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    home = tmp_path_factory.mktemp("corpus-home")
    settings = Settings(home=home)
    pdfs = write_corpus_pdfs(home / "pdfs")
    summary = ingest_sources([str(path) for path in pdfs], settings, Library(settings), progress=False)
    assert sorted(o.paper_id for o in summary.ingested) == ["hybrid-batch", "language-bias", "lexical-dense", "lr-warmup"]
    return settings


@pytest.fixture(scope="module")
def library(corpus_settings: Settings) -> Library:
    return Library(corpus_settings)


RULE_VERIFIERS = ["dataset", "reproduction", "text"]
READING_ONLY = ReproductionPolicy(min_seeds=1, min_train_steps=1)
"""The labeled claims judge how the verifiers read evidence; their reproduction labels follow the fixture
run's intervals (one seed, 100 steps), which the default strength rule would not let decide (that rule is
tested in tests/test_verify_reproduction.py)."""


def with_verifiers(settings: Settings, order: list[str], reproduction: ReproductionPolicy | None = None) -> Settings:
    """The same home with another verifier order (the rule verifier stays available as ``text``)."""
    copy = settings.model_copy()
    copy.verify = settings.verify.model_copy(
        update={"verifiers": order, "reproduction": reproduction or settings.verify.reproduction})
    return copy


def _page_text(library: Library, paper_id: str, page: int) -> str:
    return library.paper(paper_id).page_texts[page - 1].text


SAMPLE_CLAIMS = [
    {"text": "BM25 beats the dense retriever on six of the eight BEIR datasets.", "paper_id": "lexical-dense"},
    {"text": "The dense retriever outperforms BM25 on six of the eight BEIR datasets.", "paper_id": "lexical-dense"},
    {"text": "The InfoNCE temperature is 0.1 in all runs.", "paper_id": "hybrid-batch"},
    {"text": "The authors release their code under an MIT license.", "paper_id": "hybrid-batch"},
]


def test_rule_verdicts_quote_the_parsed_paper_exactly(library: Library, corpus_settings: Settings):
    claims = SAMPLE_CLAIMS
    verdicts = verify_claims(claims, library, with_verifiers(corpus_settings, RULE_VERIFIERS))
    assert [v.verdict for v in verdicts] == ["supported", "refuted", "refuted", "insufficient_evidence"]
    assert "direction" in verdicts[1].rationale and "0.1" in verdicts[2].rationale
    for verification in verdicts:
        evidence = verification.evidence[0]
        assert evidence.quote in _page_text(library, evidence.paper_id, evidence.page)
        assert 0.0 <= verification.confidence <= 1.0


def test_unknown_paper_and_empty_library_give_insufficient_evidence(library: Library, corpus_settings: Settings,
                                                                     tmp_path: Path):
    [unknown] = verify_claims([{"text": "Hybrid batches help.", "paper_id": "2408.10536v1"}], library, corpus_settings)
    assert unknown.verdict == "insufficient_evidence" and "not in the library" in unknown.rationale
    empty = Settings(home=tmp_path / "empty-home")
    [nothing] = verify_claims([{"text": "BM25 is strong on BEIR."}], Library(empty), empty)
    assert nothing.verdict == "insufficient_evidence" and "no papers are ingested" in nothing.rationale


@pytest.mark.lareqa
def test_rule_verifier_holds_its_floor_on_the_labeled_held_out_split(library: Library, corpus_settings: Settings,
                                                                     lareqa_dir: Path):
    """Calibration was fitted on split=dev only (bench/verify_eval.py --fit); the floor is checked on split=test."""
    rules = Library(with_verifiers(corpus_settings, RULE_VERIFIERS, READING_ONLY))
    judged = judge_labeled(read_labeled(CLAIMS_DIR / "labeled_claims.jsonl"), rules, lareqa_dir, CLAIMS_DIR / "results")
    held_out = scores([item for item in judged if item.split == "test"])
    assert held_out["n"] >= 40
    assert held_out["macro_f1"] >= 0.8, held_out
    assert held_out["ece"] <= 0.1, held_out


def test_trained_verifier_quotes_exactly_and_its_confidence_varies(library: Library, corpus_settings: Settings):
    verdicts = verify_claims(SAMPLE_CLAIMS, library, corpus_settings)
    assert {v.method for v in verdicts} == {"text"}
    assert len({v.confidence for v in verdicts}) > 1, "confidence must depend on the evidence"
    for verification in verdicts:
        assert "combined P(" in verification.rationale
        evidence = verification.evidence[0]
        assert evidence.quote in _page_text(library, evidence.paper_id, evidence.page)
        assert 1 / 3 - 1e-6 <= verification.confidence <= 1.0


def test_the_cell_checks_read_the_whole_table_that_states_the_claims_number(library: Library,
                                                                            corpus_settings: Settings):
    """LaBSE's rank distance is 6.9 in Table 1 of language-bias; 12.8 is mContriever's. The claim's own
    candidates need not hold either row: the table comes in whole because one of its cells states 12.8."""
    from synth.models.library_claims import LibraryClaim, library_evidence
    from synth.verify.nli import evidence_features

    claims = [LibraryClaim(text, "language-bias", "refuted", "corpus", "language-bias") for text in (
        "LaBSE has a mean rank distance of 12.8 on XQuAD-R.", "LaBSE is trained with a translation ranking loss.")]
    with_number, without = library_evidence(claims, library, None)
    assert {row.label for row in with_number.table_rows} >= {"LaBSE", "mContriever"}
    assert {row.table for row in with_number.table_rows} == {"1"}
    assert without.table_rows == []
    features = evidence_features(with_number)
    assert (features["cell_match"], features["cell_conflict"]) == (0.0, 1.0)


def test_reading_ahead_embeds_the_claims_candidates_in_one_call_and_changes_no_verdict(
        corpus_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """synth.verify.run.read_ahead: what the nli verifier reads for a window of claims (their own
    papers', other papers' and, for a number, the claim's paper away from its sentence) is embedded
    at once, so verifying them embeds nothing more."""
    extracted = ClaimInput("The InfoNCE temperature is 0.05 in all runs.", "hybrid-batch", "extracted",
                           Location(page=1, section="Abstract", start=0, end=40))
    claims = [*SAMPLE_CLAIMS, extracted]
    settings = Settings(home=tmp_path / "home")
    shutil.copytree(corpus_settings.home, settings.home, ignore=shutil.ignore_patterns("embeddings.sqlite*"))
    assert settings.index_dir != corpus_settings.index_dir  # every vector is computed afresh, in the copy
    calls: list[int] = []
    encode = Embedder._encode
    monkeypatch.setattr(Embedder, "_encode", lambda self, texts: calls.append(len(texts)) or encode(self, texts))
    ahead = verify_claims(claims, Library(settings), settings)
    batched = [count for count in calls if count > 1]  # the rest are search queries, one text each
    assert len(batched) == 1 and batched[0] > 50, calls
    monkeypatch.setattr(verify_run, "read_ahead", lambda *_args: None)
    assert verify_claims(claims, Library(settings), settings) == ahead


def test_trained_verifier_truncates_huge_claims_and_declines_non_english(library: Library, corpus_settings: Settings):
    huge = "The InfoNCE temperature is 0.05 in all runs. " * 25_000  # about 1.1 MB
    long_claim, foreign, german = verify_claims([
        {"text": huge, "paper_id": "hybrid-batch"},
        {"text": "混合批次在多语言检索中取得了最好的平均精度。"},
        {"text": "Das hybride Training erreicht auf XQuAD-R die beste mehrsprachige mAP von 0.62.", "paper_id": "hybrid-batch"},
    ], library, corpus_settings)
    assert "claim truncated to its first 2,000 of" in long_claim.rationale
    for declined in (foreign, german):
        assert declined.verdict == "insufficient_evidence" and "not in English" in declined.rationale


def test_cli_verify_lists_a_huge_claim_as_far_as_it_was_read(corpus_settings: Settings, tmp_path: Path):
    claims_file = tmp_path / "claims.jsonl"
    huge = "The InfoNCE temperature is 0.05 in all runs. " * 25_000
    claims_file.write_text(json.dumps({"text": huge, "paper_id": "hybrid-batch"}) + "\n")
    result = CliRunner().invoke(app, ["--home", str(corpus_settings.home), "verify", str(claims_file),
                                      "--ledger", str(tmp_path / "ledger.sqlite")])
    assert result.exit_code == 0, result.output
    read = corpus_settings.verify.nli.max_claim_chars
    assert len(result.stdout) < 2 * read + 2_000
    assert f"({len(huge.strip()):,} characters; only the first {read:,} were read)" in result.stdout


def test_reference_list_entries_are_never_candidates(library: Library, corpus_settings: Settings):
    """A cited title is no statement ("Vector space models of lexical meaning." was quoted as evidence from
    1804.07983's reference list in the real-paper report); the reference list is still searched."""
    claim = "Dense passage retrieval for open-domain question answering."
    hits = library.search(claim, k=corpus_settings.verify.text.search_depth)
    parsed = {hit.paper_id: library.paper(hit.paper_id) for hit in hits}
    assert any(in_reference_list(parsed[hit.paper_id].sections, hit.page, hit.start) for hit in hits)
    found = candidates_for(claim, library, None, corpus_settings.verify.text)
    assert found
    for candidate in found:
        offset = _page_text(library, candidate.paper_id, candidate.page).find(candidate.quote)
        assert not in_reference_list(parsed[candidate.paper_id].sections, candidate.page, offset), candidate.quote


def test_extracted_claims_point_into_the_page_text(library: Library):
    claims = extract_claims(library, ["hybrid-batch"], question="Does hybrid batch training reduce language bias?", top=5)
    assert len(claims) == 5
    for claim in claims:
        page_text = _page_text(library, claim.paper_id, claim.location.page)
        assert page_text[claim.location.start : claim.location.end] == claim.text
        assert 0.5 <= claim.confidence <= 1.0
    assert any("bias" in claim.text for claim in claims[:3])
    assert len({claim.id for claim in claims}) == 5


def test_beir_premise_is_not_supported_and_names_what_the_sources_use(library: Library, corpus_settings: Settings):
    checks = {check.premise: check for check in check_premises(BEIR_QUESTION, library, corpus_settings)}
    beir = next(check for premise, check in checks.items() if "BEIR" in premise)
    assert beir.status == "not_supported" and beir.supported is False
    assert {"XQuAD-R", "MLQA-R", "MIRACL"} <= set(beir.sources_use_instead)
    assert "not supported by the sources" in beir.rationale
    hybrid = next(check for premise, check in checks.items() if premise.endswith("study hybrid batch training"))
    assert hybrid.status == "supported"
    assert hybrid.evidence[0].quote in _page_text(library, hybrid.evidence[0].paper_id, hybrid.evidence[0].page)


def test_cli_verify_reports_bad_lines_and_verifies_the_rest(corpus_settings: Settings, tmp_path: Path):
    claims_file = tmp_path / "claims.jsonl"
    claims_file.write_text('{"text": "The InfoNCE temperature is 0.05 in all runs.", "paper_id": "hybrid-batch"}\n'
                           "not json\n"
                           '{"text": "MLQA-R covers 7 languages."}\n')
    result = CliRunner().invoke(app, ["--home", str(corpus_settings.home), "verify", str(claims_file), "--json"],
                                env={"SYNTH_LAREQA_DIR": str(tmp_path / "no-data"),  # no data at all: unchecked
                                     "SYNTH_VERIFY__VERIFIERS": json.dumps(RULE_VERIFIERS)})
    assert result.exit_code == 1
    assert f"{claims_file} line 2" in result.stderr
    output = json.loads(result.stdout)
    assert [(v["verdict"], v["decided_by"]) for v in output] == [("supported", ["source_text"]),
                                                                  ("supported", ["source_text"])]
    assert set(output[0]) == {"id", "claim", "verdict", "confidence", "method", "evidence", "rationale", "checks",
                              "decided_by", "claimed_by"}
    [data_check] = [c for c in output[1]["checks"] if c["channel"] == "dataset"]
    assert data_check["outcome"] == "silent" and "--data" in data_check["note"], "no data: that check is silent"


def test_cli_extract_and_premises(corpus_settings: Settings):
    runner = CliRunner()
    home = ["--home", str(corpus_settings.home)]
    extracted = runner.invoke(app, [*home, "claims", "extract", "lexical-dense", "--top", "3", "--json"])
    assert extracted.exit_code == 0, extracted.stderr
    assert [claim["paper_id"] for claim in json.loads(extracted.stdout)] == ["lexical-dense"] * 3
    unknown = runner.invoke(app, [*home, "claims", "extract", "no-such-paper"])
    assert unknown.exit_code == 2 and "no-such-paper" in unknown.stderr
    premises = runner.invoke(app, [*home, "premises", "--question", BEIR_QUESTION, "--json"])
    assert premises.exit_code == 0
    assert any(check["status"] == "not_supported" for check in json.loads(premises.stdout))
