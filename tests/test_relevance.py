"""The relevance gate (synth.report.relevance) on the real PDFs of reports/corpus, and `synth report` with it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from synth.index.library import Library
from synth.ingest.run import ingest_sources
from synth.report.relevance import question_relevance
from synth.settings import Settings
from synth.verify.policy import RelevancePolicy

CORPUS = Path(__file__).resolve().parent.parent / "reports" / "corpus"
OFF_TOPIC = "What is the boiling point of liquid nitrogen at sea level?"
LANGUAGE_BIAS = "Does hybrid batch training reduce language bias in multilingual retrieval?"
WARMUP = "Does learning-rate warm-up prevent training divergence of language models?"


@pytest.fixture(scope="module")
def corpus_pdfs(tmp_path_factory) -> Path:
    """Copies of the corpus PDFs, so nothing is written next to reports/."""
    folder = tmp_path_factory.mktemp("relevance-corpus")
    for pdf in CORPUS.glob("*.pdf"):
        shutil.copy(pdf, folder / pdf.name)
    return folder


@pytest.fixture
def two_pdfs(tmp_path: Path) -> Path:
    """The hybrid-batch paper and the off-question warm-up paper: the smallest report that can show the gate."""
    folder = tmp_path / "two"
    folder.mkdir()
    for name in ("hybrid_batch.pdf", "lr_warmup.pdf"):
        shutil.copy(CORPUS / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def library(corpus_pdfs: Path, tmp_path_factory) -> Library:
    settings = Settings(home=tmp_path_factory.mktemp("relevance-home"))
    library = Library(settings)
    ingest_sources([str(corpus_pdfs)], settings, library, progress=False)
    return library


def paper_ids(library: Library) -> list[str]:
    return [summary.paper_id for summary in library.papers()]


def test_no_corpus_paper_addresses_an_off_topic_question(library: Library) -> None:
    relevance = question_relevance(library, OFF_TOPIC, paper_ids(library))

    assert len(relevance.scores) == 4
    assert not relevance.any_passes and relevance.passing == []
    assert max(relevance.scores.values()) < library.settings.verify.relevance.min_paper_score


def test_an_on_topic_question_keeps_its_papers_and_drops_the_warmup_paper(library: Library) -> None:
    relevance = question_relevance(library, LANGUAGE_BIAS, paper_ids(library))

    assert {"hybrid-batch", "language-bias"} <= set(relevance.passing)
    assert "lr-warmup" in relevance.dropped
    assert "lr-warmup" in relevance.limitation().why


def test_the_warmup_paper_passes_for_a_warmup_question(library: Library) -> None:
    relevance = question_relevance(library, WARMUP, paper_ids(library))

    assert "lr-warmup" in relevance.passing
    assert relevance.limitation() is None or "lr-warmup" not in relevance.limitation().why


def test_the_threshold_comes_from_the_policy(library: Library) -> None:
    everything = question_relevance(library, OFF_TOPIC, paper_ids(library), RelevancePolicy(min_paper_score=-1.0))

    assert everything.passing == paper_ids(library) and everything.limitation() is None


def synth(*arguments: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "from synth.cli import main; main()", *arguments]
    return subprocess.run(command, capture_output=True, text=True, env=dict(os.environ), timeout=850)


def report(question: str, pdfs: Path, out: Path, ledger: Path) -> subprocess.CompletedProcess:
    return synth("report", "--question", question, "--papers", str(pdfs), "--no-arxiv", "--reproduce", "none",
                 "--format", "md,json", "--out", str(out), "--ledger", str(ledger))


@pytest.mark.slow
def test_report_on_an_off_topic_question_exits_3_and_writes_no_claims(corpus_pdfs: Path, tmp_path: Path,
                                                                      synth_home: Path) -> None:
    out, ledger = tmp_path / "out", tmp_path / "ledger.sqlite"

    result = report(OFF_TOPIC, corpus_pdfs, out, ledger)

    assert result.returncode == 3, result.stderr
    assert "no paper matched the question" in result.stderr
    document = json.loads((out / "report.json").read_text())
    assert document["claims"] == [] and document["sources"] == []
    assert not ledger.exists() or "boiling" not in synth("ledger", "export", "--ledger", str(ledger)).stdout


@pytest.mark.slow
def test_report_on_an_on_topic_question_leaves_the_warmup_paper_out(two_pdfs: Path, tmp_path: Path,
                                                                    synth_home: Path) -> None:
    out = tmp_path / "out"

    result = report(LANGUAGE_BIAS, two_pdfs, out, tmp_path / "ledger.sqlite")

    assert result.returncode == 0, result.stderr
    document = json.loads((out / "report.json").read_text())
    assert document["claims"]
    assert "hybrid-batch" in {source["id"] for source in document["sources"]}
    assert "lr-warmup" not in {source["id"] for source in document["sources"]}
    assert "lr-warmup" not in {claim["paper_id"] for claim in document["claims"]}
    assert any("lr-warmup" in limitation["why"] for limitation in document["limitations"])
