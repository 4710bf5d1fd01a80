"""Ingest runs that change the library: changed files, bad inputs, arXiv sources, a killed run."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from synth.cli import app
from synth.files import file_sha256
from synth.index.library import Library
from synth.ingest.run import ingest_sources
from synth.settings import Settings
from tests.support.arxiv_server import ArxivServer, arxiv_server, serve_corpus  # noqa: F401  (fixture)
from bench.corpus.content import LANGUAGE_BIAS, LR_WARMUP
from bench.corpus.pdf import write_paper_pdf
from tests.support.bad_pdfs import write_bad_inputs

REPO_ROOT = Path(__file__).resolve().parent.parent
WARMUP_QUERY = "how many seeds diverge without warm-up"
BIAS_QUERY = "which multilingual model is the most biased towards the query language"


@pytest.fixture
def pdfs(tmp_path: Path) -> dict[str, Path]:
    """Two good corpus papers as PDFs, in their own folder."""
    folder = tmp_path / "pdfs"
    return {paper.key: write_paper_pdf(paper, folder) for paper in (LR_WARMUP, LANGUAGE_BIAS)}


def ingest(settings: Settings, *sources: str | Path):
    return ingest_sources([str(source) for source in sources], settings, Library(settings), progress=False)


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/query"  # released on exit: nothing listens there


def test_changed_file_replaces_the_papers_chunks(settings, tmp_path: Path, pdfs):
    target = tmp_path / "mine" / "notes.pdf"
    target.parent.mkdir()
    shutil.copy(pdfs["lr_warmup"], target)
    assert [outcome.paper_id for outcome in ingest(settings, target).ingested] == ["notes"]
    old_chunks = {chunk.chunk_id for chunk in Library(settings).chunks("notes")}

    shutil.copy(pdfs["language_bias"], target)
    summary = ingest(settings, target)
    assert [outcome.paper_id for outcome in summary.ingested] == ["notes"]

    library = Library(settings)
    assert [paper.paper_id for paper in library.papers()] == ["notes"]
    assert library.paper("notes").paper.title == LANGUAGE_BIAS.title
    new_chunks = {chunk.chunk_id for chunk in library.chunks("notes")}
    assert not old_chunks & new_chunks
    assert library.dense.count() == len(new_chunks)
    for search in (library.search, library.dense_search, library.lexical_search):
        assert {hit.chunk_id for hit in search(WARMUP_QUERY, 10)} <= new_chunks


def test_a_file_parsed_by_other_ingest_code_is_parsed_again(settings, pdfs, monkeypatch):
    """An upgrade that changes how pages are read must not leave the old page text in the library."""
    import synth.ingest.run as run
    from synth.ingest.version import parser_fingerprint

    assert [o.paper_id for o in ingest(settings, pdfs["lr_warmup"]).ingested] == ["lr-warmup"]
    assert Library(settings).paper("lr-warmup").paper.parsed_by == parser_fingerprint()
    assert ingest(settings, pdfs["lr_warmup"]).line() == "0 papers ingested, 1 skipped, 0 failed"

    monkeypatch.setattr(run, "parser_fingerprint", lambda: "another-version")  # the code of an upgrade
    assert [o.paper_id for o in ingest(settings, pdfs["lr_warmup"]).ingested] == ["lr-warmup"]
    library = Library(settings)
    assert library.paper("lr-warmup").paper.parsed_by == "another-version"
    assert library.dense.count() == sum(paper.chunks for paper in library.papers())
    assert ingest(settings, pdfs["lr_warmup"]).line() == "0 papers ingested, 1 skipped, 0 failed"


def test_two_files_with_the_same_name_get_distinct_stable_ids(settings, tmp_path: Path, pdfs):
    first, second = tmp_path / "a" / "paper.pdf", tmp_path / "b" / "paper.pdf"
    for target, source in ((first, pdfs["lr_warmup"]), (second, pdfs["language_bias"])):
        target.parent.mkdir()
        shutil.copy(source, target)
    second_id = f"paper-{file_sha256(second)[:8]}"
    assert [outcome.paper_id for outcome in ingest(settings, first, second).ingested] == ["paper", second_id]
    assert [outcome.paper_id for outcome in ingest(settings, second, first).skipped] == [second_id, "paper"]


def test_each_bad_input_gets_its_line_and_the_good_ones_are_ingested(settings, tmp_path: Path, pdfs, arxiv_server):
    serve_corpus(arxiv_server, tmp_path / "served", [LANGUAGE_BIAS])
    bad = write_bad_inputs(tmp_path / "bad")
    settings = settings.model_copy(update={"arxiv_url": arxiv_server.url, "arxiv_retries": 0})
    unknown_id = "2501.09999"
    summary = ingest(settings, *bad.values(), pdfs["lr_warmup"], unknown_id, LANGUAGE_BIAS.arxiv_id,
                     tmp_path / "missing.pdf")

    assert sorted(outcome.paper_id for outcome in summary.ingested) == [LANGUAGE_BIAS.versioned_id, "lr-warmup"]
    reasons = {outcome.source: outcome.reason for outcome in summary.failed}
    assert set(reasons) == {*map(str, bad.values()), unknown_id, str(tmp_path / "missing.pdf")}
    for source, reason in reasons.items():
        assert "\n" not in reason and (source in reason or Path(source).name in reason), reason
    assert "encrypted" in reasons[str(bad["encrypted"])] and "OCR" in reasons[str(bad["no_text"])]
    assert "0 bytes" in reasons[str(bad["empty"])] and "not a PDF" in reasons[str(bad["not_pdf"])]
    assert "not found" in reasons[unknown_id]

    hits = Library(settings).search(BIAS_QUERY, k=3)
    assert hits[0].paper_id == LANGUAGE_BIAS.versioned_id and hits[0].title == LANGUAGE_BIAS.title


def test_unreachable_arxiv_and_a_malformed_feed_do_not_stop_local_files(settings, pdfs, arxiv_server):
    offline = settings.model_copy(update={"arxiv_url": closed_port_url(), "arxiv_retries": 0})
    summary = ingest(offline, "2501.00003", pdfs["lr_warmup"])
    assert [outcome.paper_id for outcome in summary.ingested] == ["lr-warmup"]
    assert [outcome.reason for outcome in summary.failed] == [
        f"arXiv unreachable at {offline.arxiv_url}; ingest local PDFs or set SYNTH_ARXIV_URL"
    ]

    arxiv_server.send_malformed_next(times=1)
    garbled = settings.model_copy(update={"arxiv_url": arxiv_server.url, "arxiv_retries": 0})
    summary = ingest(garbled, "2501.00003", pdfs["language_bias"])
    assert [outcome.paper_id for outcome in summary.ingested] == ["language-bias"]
    assert len(summary.failed) == 1 and "malformed" in summary.failed[0].reason


def test_an_unforeseen_parser_crash_on_one_file_does_not_stop_the_others(settings, pdfs, monkeypatch):
    import synth.ingest.run as run

    parse_pdf = run.parse_pdf

    def crash_on_warmup(path, paper):
        if path.name == "lr_warmup.pdf":
            raise RuntimeError("pypdf exploded")
        return parse_pdf(path, paper)

    monkeypatch.setattr(run, "parse_pdf", crash_on_warmup)
    summary = ingest(settings, pdfs["lr_warmup"], pdfs["language_bias"])
    assert [outcome.paper_id for outcome in summary.ingested] == ["language-bias"]
    assert [outcome.reason for outcome in summary.failed] == [
        f"{pdfs['lr_warmup']}: unexpected RuntimeError (pypdf exploded); please report this file"
    ]


KILL_ON_SECOND_PAPER = textwrap.dedent(
    """
    import os, signal, sys
    from synth.index.dense import DenseIndex
    from synth.index.library import Library
    from synth.ingest.run import ingest_sources
    from synth.settings import Settings

    replace_paper = DenseIndex.replace_paper
    calls = []

    def replace_then_die_on_second(self, *args, **kwargs):
        replace_paper(self, *args, **kwargs)
        calls.append(1)
        if len(calls) == 2:  # chunks of paper 2 are in Chroma, its marker is not written yet
            os.kill(os.getpid(), signal.SIGKILL)

    DenseIndex.replace_paper = replace_then_die_on_second
    settings = Settings(home=sys.argv[1])
    ingest_sources(sys.argv[2:], settings, Library(settings), progress=False)
    """
)


def test_ingest_killed_half_way_is_finished_by_the_next_run(settings, pdfs):
    sources = [str(pdfs["lr_warmup"]), str(pdfs["language_bias"])]
    killed = subprocess.run(
        [sys.executable, "-c", KILL_ON_SECOND_PAPER, str(settings.home), *sources],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert killed.returncode == -9, killed.stderr

    interrupted = Library(settings)
    assert [paper.paper_id for paper in interrupted.papers()] == ["lr-warmup"]
    assert {hit.paper_id for hit in interrupted.search(BIAS_QUERY, 10)} == {"lr-warmup"}

    summary = ingest_sources(sources, settings, interrupted, progress=False)
    assert summary.line() == "1 papers ingested, 1 skipped, 0 failed"
    library = Library(settings)
    assert library.search(BIAS_QUERY, 3)[0].paper_id == "language-bias"
    assert library.dense.count() == sum(paper.chunks for paper in library.papers())


def test_cli_ingest_summary_and_exit_codes(settings, tmp_path: Path, pdfs):
    bad = write_bad_inputs(tmp_path / "bad")
    home = ["--home", str(settings.home)]
    mixed = CliRunner().invoke(app, [*home, "ingest", str(pdfs["lr_warmup"]), str(bad["corrupt"])])
    assert mixed.exit_code == 0, mixed.output
    assert "1 papers ingested, 0 skipped, 1 failed" in mixed.stdout  # the result; failures go to stderr
    assert f"{bad['corrupt']}:" in mixed.stderr and "corrupt" in mixed.stderr

    only_bad = CliRunner().invoke(app, [*home, "ingest", str(bad["empty"]), str(bad["not_pdf"])])
    assert only_bad.exit_code == 1
    assert "0 papers ingested, 0 skipped, 2 failed" in only_bad.stdout
    assert str(bad["empty"]) in only_bad.stderr and str(bad["not_pdf"]) in only_bad.stderr


def test_cli_arxiv_lists_results_and_ingests_them(settings, tmp_path: Path, arxiv_server: ArxivServer):
    serve_corpus(arxiv_server, tmp_path / "served", [LR_WARMUP, LANGUAGE_BIAS])
    env = {"SYNTH_ARXIV_URL": arxiv_server.url, "SYNTH_ARXIV_DELAY_S": "0"}
    result = CliRunner().invoke(
        app, ["--home", str(settings.home), "arxiv", "warm-up Adam", "--max", "5", "--ingest"], env=env
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith(f"{LR_WARMUP.versioned_id}\t{LR_WARMUP.year}\t{LR_WARMUP.title}")
    assert "1 papers ingested" in result.stdout
    paper = Library(settings).paper(LR_WARMUP.versioned_id).paper
    assert paper.source == "arxiv" and paper.found_by == "arXiv search 'warm-up Adam'"

    unversioned = CliRunner().invoke(app, ["--home", str(settings.home), "search", "warm-up", "--json",
                                           "--paper", LR_WARMUP.arxiv_id])
    assert unversioned.exit_code == 0, unversioned.output
    assert {hit["paper_id"] for hit in json.loads(unversioned.stdout)} == {LR_WARMUP.versioned_id}
