"""Parsing reports to audit: the example report as text and as PDF, and bad input."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from synth.errors import DataError
from synth.report.parse import parse_report
from synth.settings import REPO_ROOT

EXAMPLE = REPO_ROOT / "reports" / "example" / "synthesis-report-hybrid-batch.txt"


def _as_pdf(text: str, path: Path) -> Path:
    """Print the text report to a PDF (as a user would), losing its tabs."""
    import weasyprint

    body = "".join(f"<p>{html.escape(line.replace(chr(9), '    '))}</p>" for line in text.splitlines() if line.strip())
    weasyprint.HTML(string=f"<html><body style='font-size:9pt'>{body}</body></html>").write_pdf(path)
    return path


def test_example_report_text_is_parsed() -> None:
    report = parse_report(EXAMPLE)
    assert report.title.startswith("Domain Adaptation Techniques in Zero-Shot")
    assert report.question.startswith("What is the impact of domain adaptation")
    assert report.question.endswith("across diverse language pairs?")
    assert len(report.claims) == 11
    assert [claim.mark for claim in report.claims].count("×") == 2
    assert report.claims[1].text == "Experiments are conducted on XQuAD-R, MLQA-R, and MIRACL Datasets."
    assert not report.claims[1].verified and report.claims[1].confidence == pytest.approx(0.07)
    assert report.claims[0].verified and report.claims[0].confidence == pytest.approx(0.42)
    assert report.claims[2].truncated and not report.claims[1].truncated
    assert report.arxiv_ids == ["2408.10536v1", "2305.19840v2", "2412.08329v1"]


def test_example_report_as_pdf_gives_the_same_claims(tmp_path: Path) -> None:
    from_text = parse_report(EXAMPLE)
    from_pdf = parse_report(_as_pdf(EXAMPLE.read_text(), tmp_path / "example.pdf"))
    assert [(c.text, c.verified, c.confidence) for c in from_pdf.claims] == [
        (c.text, c.verified, c.confidence) for c in from_text.claims]
    assert from_pdf.arxiv_ids == from_text.arxiv_ids


def test_a_report_without_claims_table_is_a_clear_error(tmp_path: Path) -> None:
    text = EXAMPLE.read_text().split("5 Extracted Claims")[0]
    path = tmp_path / "no-table.txt"
    path.write_text(text)
    with pytest.raises(DataError, match=r"no-table.txt: no claims table found"):
        parse_report(path)


def test_a_missing_report_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="absent.txt: no such file"):
        parse_report(tmp_path / "absent.txt")
