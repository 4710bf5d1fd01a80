"""Question premises: open-vocabulary typed extraction, category errors, and checks by meaning
against a real ingested PDF (a paper that calls hybrid batches "a mixture" and says it did not
evaluate BEIR or MIRACL), through the library API and the CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from synth.cli import app
from synth.index.library import Library
from synth.ingest.run import ingest_sources
from synth.premises import PremisePolicy, check_premises, extract_premises, nli_entailment
from synth.premises.scope import rescoping
from synth.report.sections.answer import answer_of
from synth.settings import Settings
from bench.corpus.content import CorpusReference, Section, corpus_paper
from bench.corpus.pdf import write_paper_pdf

MIXTURE_SECTIONS = (
    Section("1", "Introduction", (
        "Multilingual retrievers are trained with batches of one kind. Each of our batches is either "
        "monolingual or cross-lingual, chosen at random, so training sees a mixture of both kinds.",)),
    Section("2", "Related Work", ("Embedding benchmarks such as MTEB compare many retrievers on many tasks.",)),
    Section("3", "Experiments", (
        "We report mAP on XQuAD-R for XLM-R trained with mixed batches and with monolingual batches.",
        "BEIR and MIRACL were not evaluated; all our results are on XQuAD-R.")),
)
MIXTURE_ABSTRACT = ("We fine-tune XLM-R on a mixture of monolingual and cross-lingual batches of question-answer "
                    "pairs and evaluate it zero-shot on XQuAD-R, where it improves multilingual mAP over "
                    "monolingual batches.")
MTEB_REFERENCE = CorpusReference("N. Muennighoff et al. MTEB: Massive text embedding benchmark. 2023.", None)
MIXTURE_TITLE = "Mixed Batches for Multilingual Answer Retrieval"
MIXTURE_PAPER = replace(corpus_paper("hybrid_batch"), key="mixture_paper", arxiv_id="2501.00009",
                        title=MIXTURE_TITLE, short_title=MIXTURE_TITLE, abstract=MIXTURE_ABSTRACT,
                        sections=MIXTURE_SECTIONS, references=(MTEB_REFERENCE,))
"""A paper that never says "hybrid batch" (it calls them "a mixture") and says it did not evaluate BEIR or
MIRACL: the corpus's hybrid-batch paper with its text replaced."""
QUESTION = ("Does hybrid batch training of XLM-R improve mAP on XQuAD-R, BEIR and MIRACL compared with results "
            "on MTEB and FooBench-9?")


def _by_kind(question: str) -> dict[str, set[str]]:
    kinds: dict[str, set[str]] = {}
    for premise in extract_premises(question):
        kinds.setdefault(premise.kind, set()).add(premise.name)
    return kinds


def test_extraction_is_typed_and_open_vocabulary():
    kinds = _by_kind("Does hybrid batch training of mT5 and BLOOM models from 6B to 175B parameters improve "
                     "nDCG@10, MRR and recall@k on XTREME-R, TyDi QA and the ZetaQA-7 benchmark for African "
                     "languages in the legal domain under domain shift compared to knowledge distillation?")
    assert kinds["method"] == {"hybrid batch training"}
    assert {"mT5", "BLOOM", "models of 6B to 175B parameters"} <= kinds["model"]
    assert {"nDCG@10", "MRR", "Recall@k"} <= kinds["metric"]
    assert {"XTREME-R", "ZetaQA-7"} <= kinds["benchmark"] and "TyDi QA" in kinds["dataset"]
    assert kinds["language"] == {"African languages"}
    assert kinds["domain"] == {"legal domain", "domain shift"}
    assert kinds["comparison"] == {"knowledge distillation"}


def test_model_sizes_and_paraphrased_methods_are_premises():
    [size] = [p for p in extract_premises("How do LLMs from 6B to 175B parameters rank passages?") if p.size]
    assert size.size == "6B-175B" and size.kind == "model"
    described = extract_premises("Does a mixture of monolingual and cross-lingual batches help LaBSE?")
    assert described[0].kind == "method" and described[0].name == "mixture of monolingual and cross-lingual batches"


@pytest.mark.parametrize(("question", "name", "error"), [
    ("How does the XLM-R benchmark rank retrievers?", "XLM-R", "is a model, not a benchmark"),
    ("Do dense retrievers do well on the XL-Sum subset of BEIR?", "XL-Sum", "is not a subset of BEIR"),
    ("Does MIRACL's hybrid batch training help?", "hybrid batch training", "it does not propose"),
])
def test_category_errors(question: str, name: str, error: str):
    premise = next(p for p in extract_premises(question) if p.name == name)
    assert premise.error and error in premise.error


def test_a_real_subset_is_no_category_error():
    assert not any(p.error for p in extract_premises("Does BM25 beat dense retrieval on the FEVER subset of BEIR?"))


@pytest.fixture(scope="module")
def mixture_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("premises-home")
    pdf = write_paper_pdf(MIXTURE_PAPER, home / "pdfs")
    settings = Settings(home=home)
    summary = ingest_sources([str(pdf)], settings, Library(settings), progress=False)
    assert [outcome.paper_id for outcome in summary.ingested] == ["mixture-paper"]
    return home


@pytest.fixture(scope="module")
def checks(mixture_home: Path) -> dict[str, object]:
    settings = Settings(home=mixture_home)
    return {check.name: check for check in check_premises(QUESTION, Library(settings), settings)}


def test_paraphrased_method_is_the_supported_subject(checks, mixture_home: Path):
    hybrid = checks["hybrid batch training"]
    assert hybrid.status == "supported" and hybrid.subject == "hybrid batch training"
    page_text = Library(Settings(home=mixture_home)).paper("mixture-paper").page_texts[hybrid.evidence[0].page - 1].text
    assert "mixture" in hybrid.evidence[0].quote and hybrid.evidence[0].quote in page_text
    assert checks["XLM-R"].status == checks["XQuAD-R"].status == checks["mAP"].status == "supported"


def test_not_evaluated_contradicts_and_names_what_is_studied_instead(checks):
    for name in ("BEIR", "MIRACL"):
        check = checks[name]
        assert (check.status, check.finding) == ("not_supported", "contradicted")
        assert "not evaluated" in check.evidence[0].quote
        assert "XQuAD-R" in check.sources_use_instead


def test_related_work_mention_and_unknown_names_are_not_evidence(checks):
    mteb = checks["MTEB"]
    assert (mteb.status, mteb.finding) == ("not_supported", "mentioned_only")
    unknown = checks["FooBench-9"]
    assert unknown.finding == "not_found" and "not found in any source" in unknown.rationale


def test_cli_premises_json_is_typed(mixture_home: Path):
    result = CliRunner().invoke(app, ["--home", str(mixture_home), "premises", "--question",
                                      "Is hybrid batch training of XLM-R evaluated on BEIR?", "--json"])
    assert result.exit_code == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["BEIR"]["kind"] == "benchmark" and rows["BEIR"]["status"] == "not_supported"
    assert rows["BEIR"]["evidence"][0]["quote"] and "XQuAD-R" in rows["BEIR"]["sources_use_instead"]
    assert rows["hybrid batch training"]["match"] == "meaning"


def test_unsupported_premises_are_rescoped_to_what_the_sources_study(checks):
    sentence = rescoping(list(checks.values()))
    assert sentence is not None and "they evaluate on XQuAD-R, not " in sentence
    assumed = sentence.split(", not ", 1)[1]
    assert all(name in assumed for name in ("BEIR", "MIRACL", "MTEB", "FooBench-9"))
    assert "XLM-R" not in sentence and "hybrid batch training" not in sentence


def test_answer_opens_with_what_the_sources_study_instead(mixture_home: Path):
    settings = Settings(home=mixture_home)
    library = Library(settings)
    question = "Does hybrid batch training of XLM-R improve mAP on BEIR?"
    checks = check_premises(question, library, settings)
    answer, method = answer_of(question, [], [], library.search(question), settings, checks)
    assert method == "extractive" and len(answer) > 1
    assert "they evaluate on XQuAD-R" in answer[0].text and "not BEIR" in answer[0].text
    assert answer[0].citations[0].paper_id == "mixture-paper"
    unscoped, _ = answer_of(question, [], [], library.search(question), settings)
    assert [s.text for s in unscoped] == [s.text for s in answer[1:]]


def test_empty_library_leaves_premises_unclear(tmp_path: Path):
    settings = Settings(home=tmp_path / "empty")
    [check] = check_premises("Is BEIR used?", Library(settings), settings)
    assert (check.status, check.finding, check.kind) == ("unclear", "no_sources", "benchmark")
