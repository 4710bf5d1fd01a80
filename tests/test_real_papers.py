"""Real papers (../shared/data/papers): metadata from page 1's layout, garbage text layers refused.

The 36 PDFs and INDEX.tsv are shared read-only data; these tests skip with
the reason when the folder is absent (set SYNTH_PAPERS_DIR to point elsewhere).
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest

from synth.errors import IngestError
from synth.index.library import Library
from synth.ingest import parse_pdf
from synth.ingest.run import ingest_sources, local_paper
from synth.records import ParsedPaper

REPO_ROOT = Path(__file__).resolve().parent.parent
PAPERS_DIR = Path(os.environ.get("SYNTH_PAPERS_DIR", REPO_ROOT.parent / "shared" / "data" / "papers"))
GARBLED = "1908.10084.pdf"
MIN_RIGHT_TITLES = 34
TITLE_PREFIX_SHARE = 0.85
"""INDEX.tsv abbreviates one title (``... with NLP``); a title counts as right when it
equals the index's or shares this share of it as a prefix (letters and digits only)."""

pytestmark = pytest.mark.skipif(not (PAPERS_DIR / "INDEX.tsv").exists(),
                                reason=f"real papers not found at {PAPERS_DIR} (set SYNTH_PAPERS_DIR)")


def index_rows() -> dict[str, dict[str, str]]:
    with (PAPERS_DIR / "INDEX.tsv").open(encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}


def letters(title: str) -> str:
    """Lower-case letters and digits of a title, without INDEX.tsv's trailing notes ``(ICLR 2017)`` ``[distractor]``."""
    while (bare := re.sub(r"\s*(?:\([^()]*\)|\[[^\[\]]*\])\s*$", "", title)) != title:
        title = bare
    return re.sub(r"[^a-z0-9]", "", title.lower())


def same_title(found: str, expected: str) -> bool:
    found, expected = letters(found), letters(expected)
    shared = len(os.path.commonprefix([found, expected]))
    return found == expected or shared >= TITLE_PREFIX_SHARE * len(expected)


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedPaper | IngestError]:
    """Every PDF of the folder parsed once (about 30 s on two cores): its ParsedPaper or its IngestError."""
    results: dict[str, ParsedPaper | IngestError] = {}
    for pdf in sorted(PAPERS_DIR.glob("*.pdf")):
        try:
            results[pdf.name] = parse_pdf(pdf, local_paper(pdf, pdf.stem))
        except IngestError as error:
            results[pdf.name] = error
    return results


def test_titles_from_page_one_layout_match_the_index(parsed):
    rows = index_rows()
    titles = {name: result.paper.title if isinstance(result, ParsedPaper) else str(result)
              for name, result in parsed.items()}
    wrong = {name: title for name, title in titles.items() if not same_title(title, rows[name]["title"])}
    assert len(parsed) - len(wrong) >= MIN_RIGHT_TITLES, wrong


def test_arxiv_ids_and_years_come_from_the_stamp_or_file_name(parsed):
    rows = index_rows()
    for name, result in parsed.items():
        if not isinstance(result, ParsedPaper):
            continue
        expected = rows[name]["arxiv_id"]
        found = result.paper.arxiv_id
        assert (found.split("v")[0] if found else "-") == expected, name
        if found:  # an arXiv paper's year is never before its id's month of submission
            assert result.paper.year is not None and result.paper.year >= 2000 + int(expected[:2]), name
            assert result.paper.url == f"https://arxiv.org/abs/{found}"


def test_known_front_matter_is_split_into_title_and_authors(parsed):
    attention = parsed["1706.03762.pdf"].paper
    assert (attention.title, attention.year) == ("Attention Is All You Need", 2017)
    assert attention.authors[:3] == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]
    assert not any("Google" in author for author in attention.authors)
    small_caps = parsed["1703.03130.pdf"].paper
    assert small_caps.title == "A Structured Self-Attentive Sentence Embedding"
    assert small_caps.authors[0] == "Zhouhan Lin"


def test_garbled_text_layer_is_one_clear_error_and_the_rest_parse(parsed):
    errors = {name: result for name, result in parsed.items() if isinstance(result, IngestError)}
    assert list(errors) == [GARBLED]
    message = str(errors[GARBLED])
    assert "\n" not in message and GARBLED in message and "OCR it first" in message
    assert sum(isinstance(result, ParsedPaper) for result in parsed.values()) == len(parsed) - 1


def test_ingest_refuses_the_garbled_paper_and_indexes_the_others(settings):
    sources = [str(PAPERS_DIR / name) for name in (GARBLED, "1706.03762.pdf", "acl-p14-1059.pdf")]
    summary = ingest_sources(sources, settings, Library(settings), progress=False)
    assert [outcome.paper_id for outcome in summary.ingested] == ["1706-03762", "acl-p14-1059"]
    assert [outcome.source for outcome in summary.failed] == [sources[0]]
    assert "OCR it first" in summary.failed[0].reason
    library = Library(settings)
    assert [paper.paper_id for paper in library.papers()] == ["1706-03762", "acl-p14-1059"]
    hits = library.search("multi-head attention scaled dot-product", k=3)
    assert hits and hits[0].paper_id == "1706-03762"
