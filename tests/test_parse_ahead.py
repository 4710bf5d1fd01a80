"""Parsing ahead in worker processes (synth.ingest.ahead) reads exactly what parsing in process reads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from synth.errors import IngestError
from synth.index.library import Library
from synth.ingest.ahead import PARSE_AHEAD_MIN_PAPERS, ParseAhead, parse_logged
from synth.ingest.run import ingest_sources
from synth.records import Paper
from synth.settings import Settings
from bench.corpus.pdf import write_corpus_pdfs
from tests.support.bad_pdfs import write_corrupt_pdf


@pytest.fixture(scope="module")
def pdf_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ahead") / "pdfs"
    write_corpus_pdfs(folder)
    write_corrupt_pdf(folder)
    assert len(list(folder.glob("*.pdf"))) > PARSE_AHEAD_MIN_PAPERS
    return folder


def ingested(pdf_dir: Path, home: Path, workers: int) -> tuple[Library, dict]:
    settings = Settings(home=home, parse_workers=workers)
    library = Library(settings)
    summary = ingest_sources([str(pdf_dir)], settings, library, progress=False)
    return library, summary.model_dump()


def test_workers_give_the_records_chunks_and_failures_of_an_in_process_parse(pdf_dir, tmp_path):
    in_process, serial = ingested(pdf_dir, tmp_path / "serial", workers=0)
    ahead, parallel = ingested(pdf_dir, tmp_path / "parallel", workers=2)
    assert parallel == serial
    assert [outcome["source"] for outcome in parallel["failed"]] == [str(pdf_dir / "corrupt.pdf")]
    assert "corrupt.pdf" in parallel["failed"][0]["reason"]
    paper_ids = [outcome["paper_id"] for outcome in serial["ingested"]]
    assert len(paper_ids) >= PARSE_AHEAD_MIN_PAPERS
    for paper_id in paper_ids:
        assert ahead.paper(paper_id) == in_process.paper(paper_id)
        assert [chunk.text for chunk in ahead.chunks(paper_id)] == [chunk.text for chunk in in_process.chunks(paper_id)]


def test_a_second_run_with_workers_skips_the_unchanged_papers(pdf_dir, tmp_path):
    ingested(pdf_dir, tmp_path / "home", workers=2)
    _library, again = ingested(pdf_dir, tmp_path / "home", workers=2)
    assert again["ingested"] == []
    assert {outcome["reason"] for outcome in again["skipped"]} == {"unchanged since last ingest"}


def test_a_worker_hands_back_the_ingest_error_of_a_file_that_is_not_a_pdf(tmp_path):
    text_file = tmp_path / "notes.pdf"
    text_file.write_text("meeting notes, not a PDF")
    paper = Paper(paper_id="notes", title="notes", source="local", pdf_path=str(text_file), sha256="0" * 64)
    error, _problems = parse_logged(str(text_file), paper)
    assert isinstance(error, IngestError) and "notes.pdf" in str(error)
    with ParseAhead(workers=1) as ahead:
        ahead.submit(paper)
        with pytest.raises(IngestError, match="notes.pdf"):
            ahead.parsed(paper)
        assert ahead.parsed(paper) is None  # taken once


def test_a_script_without_a_main_guard_ingests_with_workers(pdf_dir, tmp_path):
    """multiprocessing's spawn would re-run this script in each worker, which then waits for the
    library lock its parent holds; synth's workers run ``python -m synth.ingest.ahead`` instead."""
    script = tmp_path / "ingest_folder.py"
    script.write_text(
        "from synth.index.library import Library\n"
        "from synth.ingest.run import ingest_sources\n"
        "from synth.settings import Settings\n"
        f"settings = Settings(home={str(tmp_path / 'home')!r}, parse_workers=2)\n"
        f"print(ingest_sources([{str(pdf_dir)!r}], settings, Library(settings), progress=False).line())\n")
    finished = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip().endswith("skipped, 1 failed")


def test_a_dead_worker_leaves_its_papers_to_the_main_process(pdf_dir, tmp_path):
    pdf = sorted(pdf_dir.glob("*.pdf"))[0]
    paper = Paper(paper_id="p", title="p", source="local", pdf_path=str(pdf), sha256="0" * 64)
    with ParseAhead(workers=1) as ahead:
        ahead.submit(paper)
        ahead._pool[0].process.kill()
        assert ahead.parsed(paper) is None


def test_a_worker_is_busy_from_its_request_until_its_answer(pdf_dir):
    papers = [Paper(paper_id=pdf.stem, title=pdf.stem, source="local", pdf_path=str(pdf), sha256="0" * 64)
              for pdf in sorted(pdf_dir.glob("*.pdf")) if pdf.name != "corrupt.pdf"][:2]
    with ParseAhead(workers=1) as ahead:
        assert ahead.busy_workers() == 0
        for paper in papers:
            ahead.submit(paper)
        assert ahead.busy_workers() == 1  # the worker is still starting: nothing can have been answered
        for paper in papers:
            assert ahead.parsed(paper) is not None
        assert ahead.busy_workers() == 0


def test_papers_are_embedded_on_the_cores_busy_workers_leave(pdf_dir, tmp_path, monkeypatch):
    """While a parse worker is busy the embedding runs on one thread fewer (torch's threads would
    otherwise share a core with the worker, bench/RESULTS.md issue 11); after the ingest, on all again."""
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    seen = []
    add = Library.add
    monkeypatch.setattr(Library, "add", lambda library, *args: seen.append(torch.get_num_threads()) or add(library, *args))
    monkeypatch.setattr(ParseAhead, "busy_workers", lambda ahead: 1)
    ingested(pdf_dir, tmp_path / "home", workers=1)
    assert seen and set(seen) == {max(1, threads - 1)}
    assert torch.get_num_threads() == threads

    seen.clear()
    monkeypatch.setattr(ParseAhead, "busy_workers", lambda ahead: 0)
    ingested(pdf_dir, tmp_path / "again", workers=1)
    assert set(seen) == {threads}
