"""Corpora beyond PDF: BEIR and SciFact jsonl, .txt and .md files, through the real CLI and library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from synth.cli import app
from synth.index.library import Library
from synth.ingest.corpus import read_documents, split_sentences
from synth.ingest.run import ingest_sources

REPO_ROOT = Path(__file__).resolve().parent.parent
SCIFACT_CORPUS = REPO_ROOT.parent / "shared" / "data" / "scifact" / "corpus.jsonl"
SCIFACT_SLICE = 12

BEIR_DOCS = [
    {"_id": "d1", "title": "Warm-up for sparse retrievers",
     "text": "Learning-rate warm-up stabilises training of sparse retrievers. Without it, 3 of 5 seeds diverge."},
    {"_id": "d2", "title": "Hard negatives", "text": "Mined hard negatives raise MRR@10 by 2.1 points on MS MARCO."},
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def ingest(settings, *sources: Path):
    return ingest_sources([str(source) for source in sources], settings, Library(settings), progress=False)


def test_beir_corpus_via_cli_gives_one_paper_per_document_located_by_sentence(settings, tmp_path: Path):
    corpus = write_jsonl(tmp_path / "corpus.jsonl", BEIR_DOCS)
    result = CliRunner().invoke(app, ["--home", str(settings.home), "ingest", str(corpus)])
    assert result.exit_code == 0, result.output
    library = Library(settings)
    assert [paper.paper_id for paper in library.papers()] == ["corpus-d1", "corpus-d2"]
    first = library.paper("corpus-d1")
    assert first.paper.locations == "sentence" and first.paper.title == "Warm-up for sparse retrievers"
    assert [page.text for page in first.page_texts] == [
        "Learning-rate warm-up stabilises training of sparse retrievers.", "Without it, 3 of 5 seeds diverge."]
    hit = library.search("how many seeds diverge without warm-up", k=1)[0]
    assert (hit.paper_id, hit.page, hit.text) == ("corpus-d1", 2, "Without it, 3 of 5 seeds diverge.")


def test_reingest_skips_unchanged_documents_and_replaces_a_changed_one(settings, tmp_path: Path):
    corpus = write_jsonl(tmp_path / "corpus.jsonl", BEIR_DOCS)
    assert len(ingest(settings, corpus).ingested) == 2
    changed = [BEIR_DOCS[0], {**BEIR_DOCS[1], "text": "Mined hard negatives raise MRR@10 by 3.4 points."}]
    summary = ingest(settings, write_jsonl(corpus, changed))
    assert [outcome.paper_id for outcome in summary.skipped] == ["corpus-d1"]
    assert [outcome.paper_id for outcome in summary.ingested] == ["corpus-d2"]
    assert Library(settings).paper("corpus-d2").page_texts[0].text.endswith("3.4 points.")


def test_scifact_lines_keep_their_sentence_lists(settings, tmp_path: Path):
    if not SCIFACT_CORPUS.exists():
        pytest.skip(f"SciFact corpus not found at {SCIFACT_CORPUS}")
    with SCIFACT_CORPUS.open(encoding="utf-8") as handle:
        rows = [json.loads(next(handle)) for _ in range(SCIFACT_SLICE)]
    corpus = write_jsonl(tmp_path / "scifact.jsonl", rows)
    summary = ingest(settings, corpus)
    assert len(summary.ingested) == SCIFACT_SLICE and not summary.failed
    first = Library(settings).paper(f"scifact-{rows[0]['doc_id']}")
    assert [page.text for page in first.page_texts] == [" ".join(s.split()) for s in rows[0]["abstract"]]
    assert first.paper.title == rows[0]["title"].rstrip() and first.paper.pages == len(rows[0]["abstract"])


def test_markdown_file_is_one_document_with_headings_apart(settings, tmp_path: Path):
    note = tmp_path / "Notes On Retrieval.md"
    note.write_text("# Notes on retrieval\n\n## Findings\nDense retrieval beats BM25 on NQ. It loses on BioASQ.\n",
                    encoding="utf-8")
    text = tmp_path / "plain.txt"
    text.write_text("Plain notes\nHybrid search fuses BM25 and dense ranks.\n", encoding="utf-8")
    summary = ingest(settings, note, text)
    assert [outcome.paper_id for outcome in summary.ingested] == ["notes-on-retrieval", "plain"]
    parsed = Library(settings).paper("notes-on-retrieval")
    assert parsed.paper.title == "Notes on retrieval"
    assert [page.text for page in parsed.page_texts] == [
        "Findings", "Dense retrieval beats BM25 on NQ.", "It loses on BioASQ."]


@pytest.mark.parametrize(("content", "expected"), [
    ('{"_id": "a", "title": "t", "text": "x."}\nnot json\n', "corpus.jsonl:2: not valid JSON"),
    ('{"title": "t", "text": "x."}\n', "corpus.jsonl:1: no document id"),
])
def test_bad_corpus_line_is_one_failure_naming_file_and_line(settings, tmp_path: Path, content, expected):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(content, encoding="utf-8")
    summary = ingest(settings, corpus)
    assert not summary.ingested and len(summary.failed) == 1
    assert expected in summary.failed[0].reason and "\n" not in summary.failed[0].reason


def test_sentence_split_keeps_numbers_and_abbreviated_decimals_together():
    assert split_sentences("MRR rose to 0.38. The gain held on 5 seeds! Why?") == [
        "MRR rose to 0.38.", "The gain held on 5 seeds!", "Why?"]


def test_empty_documents_are_dropped(tmp_path: Path):
    corpus = write_jsonl(tmp_path / "c.jsonl", [{"_id": "e", "title": "empty", "text": ""}, BEIR_DOCS[0]])
    assert [document.doc_id for document in read_documents(corpus)] == ["d1"]
