"""Local PDFs with an arXiv id take their metadata from arXiv, through the real CLI and a local arXiv server.

The PDF's id comes from its file name (``2501.00003v1.pdf``) or its sideways
arXiv stamp; the "layout values" each test compares against are what the
parser reads from the same file's first page, so nothing here is hard-coded
but what the feed serves.
"""

from __future__ import annotations

import io
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas
from typer.testing import CliRunner

from bench.corpus.content import LANGUAGE_BIAS, LR_WARMUP
from bench.corpus.pdf import write_paper_pdf
from synth.cli import app
from synth.cli.app import EXIT_USAGE
from synth.index.library import Library
from synth.ingest import parse_pdf
from synth.ingest.run import ingest_sources, local_paper
from synth.settings import Settings
from tests.support.arxiv_server import ArxivServer, arxiv_server  # noqa: F401  (fixture)
from tests.test_retrieval_ingest import closed_port_url

NAMED_ID = "2501.00003v1"
STAMPED_ID = "2302.04567v2"
FEED_YEAR = 2019
FEED = {
    NAMED_ID: ("Warm-up Schedules Revisited: The Title arXiv Holds", ["Ada Feedwriter", "Bo Served"]),
    STAMPED_ID: ("Language Bias, as Titled in the arXiv Feed", ["Cy Atomson"]),
}


def stamped(source: Path, target: Path, arxiv_id: str) -> Path:
    """``source`` with arXiv's sideways stamp (``arXiv:<id> [cs.CL] 9 Feb 2023``) drawn on page 1's left edge."""
    overlay = io.BytesIO()
    canvas = Canvas(overlay, pagesize=LETTER)
    canvas.setFont("Times-Roman", 20)
    canvas.translate(30, 200)
    canvas.rotate(90)
    canvas.drawString(0, 0, f"arXiv:{arxiv_id} [cs.CL] 9 Feb 2023")
    canvas.save()
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.pages[0].merge_page(PdfReader(io.BytesIO(overlay.getvalue())).pages[0])
    with target.open("wb") as out:
        writer.write(out)
    return target


@pytest.fixture
def pdfs(tmp_path: Path) -> dict[str, Path]:
    """One PDF whose file name is an arXiv id, one whose stamp gives it (its name gives none)."""
    rendered = tmp_path / "rendered"
    folder = tmp_path / "pdfs"
    folder.mkdir()
    named = shutil.copy(write_paper_pdf(LR_WARMUP, rendered), folder / f"{NAMED_ID}.pdf")
    stamp = stamped(write_paper_pdf(LANGUAGE_BIAS, rendered), folder / "bias-paper.pdf", STAMPED_ID)
    return {NAMED_ID: Path(named), STAMPED_ID: stamp}


def layout_values(pdf: Path) -> tuple[str, list[str], int | None, str | None]:
    """(title, authors, year, arXiv id) as the parser reads them from the first page, offline."""
    paper = parse_pdf(pdf, local_paper(pdf, "layout")).paper
    return paper.title, paper.authors, paper.year, paper.arxiv_id


def serve_feed(server: ArxivServer) -> None:
    for arxiv_id, (title, authors) in FEED.items():
        server.add_paper(arxiv_id, title, f"The abstract arXiv holds for {arxiv_id}.", authors,
                         published=datetime(FEED_YEAR, 3, 1, tzinfo=timezone.utc))


def ingest(arxiv_url: str, *args: str):
    return CliRunner().invoke(app, ["ingest", *args], env={"SYNTH_ARXIV_URL": arxiv_url, "SYNTH_ARXIV_DELAY_S": "0",
                                                           "SYNTH_ARXIV_BACKOFF_S": "0.01"})


def listed(synth_home: Path) -> dict[str, tuple[str, list[str], int | None]]:
    """paper id -> (title, authors, year), as ``synth papers --json`` lists them."""
    done = CliRunner().invoke(app, ["--home", str(synth_home), "papers", "--json"])
    assert done.exit_code == 0, done.output
    return {row["paper_id"]: (row["title"], row["authors"], row["year"]) for row in json.loads(done.stdout)}


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning:")]


def test_the_stamp_and_file_name_ids_are_what_the_layout_reads(pdfs) -> None:
    for arxiv_id, pdf in pdfs.items():
        title, _authors, _year, read_id = layout_values(pdf)
        assert read_id == arxiv_id
        assert title != FEED[arxiv_id][0], "the feed's values must differ from the layout's to tell them apart"


def test_a_pdf_with_an_arxiv_id_takes_the_feeds_title_authors_and_year(pdfs, synth_home, arxiv_server) -> None:
    serve_feed(arxiv_server)
    done = ingest(arxiv_server.url, *map(str, pdfs.values()))
    assert done.exit_code == 0, done.output
    assert done.stdout == "2 papers ingested, 0 skipped, 0 failed\n"
    assert warnings(done.stderr) == []

    papers = listed(synth_home)
    assert sorted(papers.values()) == sorted((title, authors, FEED_YEAR) for title, authors in FEED.values())
    record = Library(Settings(home=synth_home)).paper(NAMED_ID.replace(".", "-")).paper
    assert record.abstract == f"The abstract arXiv holds for {NAMED_ID}."
    assert record.url.endswith(f"/abs/{NAMED_ID}")
    assert record.arxiv_id == NAMED_ID and record.source == "local"


def test_an_unchanged_pdf_is_skipped_without_asking_arxiv_again(pdfs, synth_home, arxiv_server) -> None:
    serve_feed(arxiv_server)
    assert ingest(arxiv_server.url, str(pdfs[STAMPED_ID])).exit_code == 0
    asked = arxiv_server.request_count("api")
    again = ingest(arxiv_server.url, str(pdfs[STAMPED_ID]))
    assert again.stdout == "0 papers ingested, 1 skipped, 0 failed\n"
    assert arxiv_server.request_count("api") == asked == 1


def test_unreachable_arxiv_keeps_the_layout_values_with_one_warning(pdfs, synth_home) -> None:
    done = ingest(closed_port_url(), *map(str, pdfs.values()))
    assert done.exit_code == 0, done.output
    assert done.stdout == "2 papers ingested, 0 skipped, 0 failed\n"
    (warning,) = warnings(done.stderr)
    assert "arXiv unreachable" in warning and "first page" in warning
    assert sorted(listed(synth_home).values()) == sorted(layout_values(pdf)[:3] for pdf in pdfs.values())


def test_no_arxiv_keeps_the_layout_values_and_asks_nothing(pdfs, synth_home, arxiv_server) -> None:
    serve_feed(arxiv_server)
    done = ingest(arxiv_server.url, "--no-arxiv", *map(str, pdfs.values()))
    assert done.exit_code == 0, done.output
    assert warnings(done.stderr) == []
    assert arxiv_server.request_count() == 0
    assert sorted(listed(synth_home).values()) == sorted(layout_values(pdf)[:3] for pdf in pdfs.values())


def test_no_arxiv_refuses_arxiv_id_sources_before_ingesting_anything(pdfs, synth_home, arxiv_server) -> None:
    serve_feed(arxiv_server)
    done = ingest(arxiv_server.url, "--no-arxiv", str(pdfs[NAMED_ID]), STAMPED_ID)
    assert done.exit_code == EXIT_USAGE and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert STAMPED_ID in line and "--no-arxiv" in line
    assert arxiv_server.request_count() == 0
    assert not Library(Settings(home=synth_home)).papers()


def test_an_id_the_feed_does_not_know_keeps_the_layout_values(pdfs, synth_home, arxiv_server) -> None:
    done = ingest(arxiv_server.url, str(pdfs[NAMED_ID]))
    assert done.exit_code == 0, done.output
    assert warnings(done.stderr) == []
    assert arxiv_server.request_count("api") == 1, "arXiv was asked, and answered with no entry"
    assert list(listed(synth_home).values()) == [layout_values(pdfs[NAMED_ID])[:3]]


def test_library_callers_stay_offline_unless_they_allow_arxiv(pdfs, settings, arxiv_server) -> None:
    """``ingest_sources`` asks arXiv for local PDFs only when told to, so a caller
    that must stay offline (``synth report --no-arxiv``) never reaches it by default."""
    serve_feed(arxiv_server)
    online = settings.model_copy(update={"arxiv_url": arxiv_server.url})
    ingest_sources([str(pdfs[NAMED_ID])], online, Library(online), progress=False)
    assert arxiv_server.request_count() == 0
    assert Library(online).papers()[0].title == layout_values(pdfs[NAMED_ID])[0]


@pytest.mark.parametrize("arxiv", [True, False])
def test_report_stages_take_arxiv_metadata_only_when_the_report_may_ask_arxiv(
        pdfs, synth_home, arxiv_server, monkeypatch, arxiv: bool) -> None:
    """``synth report --arxiv`` (the default) enriches the user's PDFs; ``--no-arxiv`` asks nothing."""
    from synth.report.stages import Found, ingest_into

    serve_feed(arxiv_server)
    for name, value in {"SYNTH_ARXIV_URL": arxiv_server.url, "SYNTH_ARXIV_DELAY_S": "0"}.items():
        monkeypatch.setenv(name, value)
    settings = Settings(home=synth_home)
    found = Found()
    ingest_into(found, [str(pdfs[NAMED_ID])], settings, Library(settings), None, arxiv_metadata=arxiv)
    (paper_id,) = found.found_by
    title = Library(settings).paper(paper_id).paper.title
    assert title == (FEED[NAMED_ID][0] if arxiv else layout_values(pdfs[NAMED_ID])[0])
    assert (arxiv_server.request_count() > 0) == arxiv
