"""The whole retrieval chain on the four-paper test corpus: generated PDFs -> pypdf ->
sections -> chunks -> Chroma + BM25 -> search, through the API and the CLI.

One ingest per module (it is the slow part); every test here only reads it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from synth.cli import app
from synth.index.library import Library
from synth.ingest.run import IngestSummary, ingest_sources, slugify
from synth.records import SearchHit
from synth.settings import Settings
from bench.corpus.content import CORPUS, corpus_paper
from bench.corpus.pdf import write_corpus_pdfs

QUERIES = json.loads((Path(__file__).parent / "data" / "retrieval_queries.json").read_text())
MIN_HYBRID_HIT_AT_5 = 0.9
"""Floor for the fused ranking, so the comparison below cannot pass with all three at zero."""


@pytest.fixture(scope="module")
def corpus_home(tmp_path_factory) -> tuple[Settings, Path, IngestSummary]:
    root = tmp_path_factory.mktemp("retrieval-corpus")
    pdf_dir = root / "pdfs"
    write_corpus_pdfs(pdf_dir)
    settings = Settings(home=root / "home", arxiv_delay_s=0.0)
    summary = ingest_sources([str(pdf_dir)], settings, Library(settings), progress=False)
    return settings, pdf_dir, summary


@pytest.fixture(scope="module")
def library(corpus_home) -> Library:
    return Library(corpus_home[0])


def locate(library: Library, paper_id: str, passage: str) -> tuple[int, int]:
    """(page, offset) of ``passage`` in the stored page text, line breaks and spacing ignored."""
    pattern = re.compile(r"\s+".join(map(re.escape, passage.split())))
    for page in library.paper(paper_id).page_texts:
        if found := pattern.search(page.text):
            return page.number, found.start()
    raise AssertionError(f"{passage!r} is not in the parsed text of {paper_id}")


def is_answer(library: Library, hit: SearchHit, labeled: dict) -> bool:
    """The hit is the labeled paper, page and section, and its location spans the passage."""
    paper_id = slugify(labeled["paper_key"])
    if hit.paper_id != paper_id or hit.section != labeled["section"]:
        return False
    page, offset = locate(library, paper_id, labeled["passage"])
    return hit.page == page and hit.start <= offset < hit.end


def hit_at_5(library: Library, search) -> float:
    found = [any(is_answer(library, hit, labeled) for hit in search(labeled["query"], 5)) for labeled in QUERIES]
    return sum(found) / len(found)


def test_every_corpus_pdf_is_ingested_with_its_metadata(corpus_home, library: Library):
    summary = corpus_home[2]
    assert summary.line() == f"{len(CORPUS)} papers ingested, 0 skipped, 0 failed"
    listed = {summary.paper_id: summary for summary in library.papers()}
    assert set(listed) == {slugify(paper.key) for paper in CORPUS}
    for paper in CORPUS:
        record = listed[slugify(paper.key)]
        assert (record.title, record.authors, record.year) == (paper.title, list(paper.authors), paper.year)
        assert record.source == "local" and record.chunks > 0


def test_search_returns_the_passage_with_its_page_and_section(library: Library):
    labeled = next(query for query in QUERIES if query["passage"] == "The temperature is fixed at 0.05")
    best = library.search(labeled["query"], k=5)[0]
    assert is_answer(library, best, labeled)
    assert best.title == corpus_paper("hybrid_batch").title
    chunk = next(chunk for chunk in library.chunks(best.paper_id) if chunk.chunk_id == best.chunk_id)
    assert library.paper(best.paper_id).page_texts[chunk.page - 1].text[chunk.start : chunk.end] == best.text


def test_labeled_queries_hybrid_hit_at_5_is_at_least_each_single_ranking(library: Library):
    assert len(QUERIES) >= 15
    hybrid = hit_at_5(library, library.search)
    dense = hit_at_5(library, library.dense_search)
    lexical = hit_at_5(library, library.lexical_search)
    print(f"hit@5 over {len(QUERIES)} queries: hybrid {hybrid:.2f}, dense {dense:.2f}, BM25 {lexical:.2f}")
    assert hybrid >= dense and hybrid >= lexical
    assert hybrid >= MIN_HYBRID_HIT_AT_5


def test_reingesting_unchanged_files_does_nothing(corpus_home, library: Library):
    settings, pdf_dir, _ = corpus_home
    markers = {path.name: path.stat().st_mtime_ns for path in settings.papers_dir.glob("*.json")}
    chunk_count = library.dense.count()
    again = ingest_sources([str(pdf_dir)], settings, library, progress=False)
    assert again.line() == f"0 papers ingested, {len(CORPUS)} skipped, 0 failed"
    assert {outcome.reason for outcome in again.skipped} == {"unchanged since last ingest"}
    assert {path.name: path.stat().st_mtime_ns for path in settings.papers_dir.glob("*.json")} == markers
    assert library.dense.count() == chunk_count


# --- CLI ----------------------------------------------------------------------------


def run_cli(settings: Settings, *args: str):
    result = CliRunner().invoke(app, ["--home", str(settings.home), *args])
    return result


def test_cli_papers_json(corpus_home):
    result = run_cli(corpus_home[0], "papers", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {row["paper_id"] for row in rows} == {slugify(paper.key) for paper in CORPUS}
    assert all(set(row) == {"paper_id", "title", "authors", "year", "source", "pages", "chunks"} for row in rows)


def test_cli_search_json_with_k_and_paper_filter(corpus_home):
    result = run_cli(corpus_home[0], "search", "how many seeds diverge without warm-up", "--k", "3", "--json")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert len(hits) == 3
    assert all(set(hit) == {"paper_id", "title", "chunk_id", "page", "section", "start", "end", "score", "text"}
               for hit in hits)
    assert (hits[0]["paper_id"], hits[0]["section"]) == ("lr-warmup", "4 Results")

    filtered = run_cli(corpus_home[0], "search", "seeds diverge", "--paper", "hybrid-batch", "--json")
    assert {hit["paper_id"] for hit in json.loads(filtered.stdout)} == {"hybrid-batch"}


def test_cli_search_names_an_unknown_paper_id(corpus_home):
    result = run_cli(corpus_home[0], "search", "seeds", "--paper", "no-such-paper")
    assert result.exit_code == 2
    assert "no-such-paper" in result.stderr and "synth papers" in result.stderr
