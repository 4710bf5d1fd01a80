"""`synth report` end to end against the local arXiv server, and its bad inputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from synth.cli import app
from synth.report.document import load_document
from synth.report.ledger import Ledger
from tests.support.arxiv_server import running_arxiv_server, serve_corpus

QUESTION = "Does hybrid batch training reduce language bias in multilingual retrieval?"


@pytest.fixture
def arxiv_env(monkeypatch: pytest.MonkeyPatch, synth_home: Path):
    """A running local arXiv server that synth talks to (no pacing)."""
    with running_arxiv_server() as server:
        monkeypatch.setenv("SYNTH_ARXIV_URL", server.url)
        monkeypatch.setenv("SYNTH_ARXIV_DELAY_S", "0")
        yield server


def _synth(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "from synth.cli import main; main()", *arguments]
    return subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=600)


@pytest.mark.slow
def test_report_end_to_end_against_local_arxiv(arxiv_env, tmp_path: Path) -> None:
    serve_corpus(arxiv_env, tmp_path / "served")
    out, ledger = tmp_path / "out", tmp_path / "ledger.sqlite"

    result = CliRunner().invoke(app, ["report", "--question", QUESTION, "--max-papers", "1", "--reproduce", "none",
                                      "--out", str(out), "--ledger", str(ledger)])

    assert result.exit_code == 0, result.output
    for name in ("report.md", "report.html", "report.pdf", "report.json", "sources.bib"):
        assert (out / name).stat().st_size > 0, name
    document = load_document(out / "report.json")
    found_by = {source.id: source.found_by for source in document.sources}
    searched = [pid for pid, how in found_by.items() if how.startswith("arXiv search")]
    followed = [pid for pid, how in found_by.items() if how.startswith("reference of ")]
    assert len(searched) == 1 and followed, found_by
    assert all(found_by[pid].removeprefix("reference of ") in found_by for pid in followed)
    assert document.claims and all(row.evidence or row.rationale for row in document.claims)
    assert all(sentence.citations[0].paper_id in found_by for sentence in document.answer)
    counts = document.verdict_counts()
    assert f"{counts['supported']} supported, {counts['refuted']} refuted" in " ".join(result.output.split())
    pdf_text = "".join("".join(page.extract_text() for page in PdfReader(out / "report.pdf").pages).split())
    assert all("".join(row.claim.split())[:60] in pdf_text for row in document.claims), "line breaks ignored"
    assert f"{searched[0]}" in (out / "sources.bib").read_text()
    with Ledger(ledger, create=False) as opened:
        assert {entry.id for entry in opened.claims()} == {row.id for row in document.claims}


def test_no_matching_papers_gives_a_report_saying_so_and_exit_3(arxiv_env, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["report", "--question", "lattice quantum chromodynamics", "--format", "md,json",
                                      "--out", str(out), "--ledger", str(tmp_path / "l.sqlite")])

    assert result.exit_code == 3, result.output
    assert "no paper matched the question" in result.output
    assert "No matching papers were found" in (out / "report.md").read_text()
    assert json.loads((out / "report.json").read_text())["sources"] == []


def test_unwritable_out_is_one_clear_line(tmp_path: Path, synth_home: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = _synth("report", "--question", QUESTION, "--no-arxiv", "--out", str(blocker / "out"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"error: --out {blocker / 'out'}: cannot write there (Not a directory); pass a writable folder"]


def test_unknown_format_is_refused_before_any_work(tmp_path: Path, synth_home: Path) -> None:
    result = _synth("report", "--question", QUESTION, "--no-arxiv", "--format", "md,docx", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "--format 'md,docx': unknown format docx" in result.stderr
