"""`synth audit` on the example report: original verdicts next to ours, disagreements flagged."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from synth.cli import app
from synth.errors import DataError
from synth.report.document import load_document
from synth.report.ledger import Ledger
from synth.report.parse import parse_report
from bench.corpus.pdf import write_corpus_pdfs
from tests.test_audit_parse import EXAMPLE


def _audit(tmp_path: Path, data: Path, *extra: str):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_corpus_pdfs(corpus)
    out = tmp_path / "audit"
    result = CliRunner().invoke(app, ["audit", str(EXAMPLE), "--no-arxiv", "--papers", str(corpus), "--data", str(data),
                                      "--out", str(out), "--ledger", str(tmp_path / "ledger.sqlite"), *extra])
    return result, out


@pytest.mark.slow
@pytest.mark.lareqa
def test_audit_of_the_example_report(tmp_path: Path, synth_home: Path, lareqa_dir: Path) -> None:
    result, out = _audit(tmp_path, lareqa_dir)

    assert result.exit_code == 0, result.output
    document = load_document(out / "report.json")
    original = parse_report(EXAMPLE)
    assert document.kind == "audit" and document.question == original.question
    assert [(row.claim, row.original.mark, row.original.confidence) for row in document.claims] == [
        (claim.text, claim.mark, claim.confidence) for claim in original.claims]
    for row in document.claims:
        assert row.disagreement == ((row.verdict != "supported") if row.original.verified else (row.verdict == "supported"))
    dataset_rows = [row for row in document.claims if "110 (42)" in row.claim or "11 languages and 7" in row.claim]
    assert [row.verdict for row in dataset_rows] == ["supported", "supported"]
    assert all(row.method == "dataset" and "computed 11" in row.rationale for row in dataset_rows)
    assert "computed 42" in dataset_rows[1].rationale
    assert any("2408.10536v1" in item.what for item in document.limitations), "unfetched references are reported"
    markdown = (out / "report.md").read_text()
    assert f"**{document.disagreements()} disagreements**" in markdown
    assert markdown.count(" ⚠ |") == document.disagreements()
    assert "disagreements with the original" in " ".join(result.output.split())
    with Ledger(tmp_path / "ledger.sqlite", create=False) as ledger:
        assert len(ledger.claims()) == len(original.claims)


def test_audit_of_a_report_without_claims_table_is_a_clear_error(tmp_path: Path, synth_home: Path) -> None:
    report = tmp_path / "summary.txt"
    report.write_text(EXAMPLE.read_text().split("5 Extracted Claims")[0])
    result = CliRunner().invoke(app, ["audit", str(report), "--no-arxiv", "--out", str(tmp_path / "out")])
    assert isinstance(result.exception, DataError)
    assert "summary.txt: no claims table found" in str(result.exception)
