"""Layout of real two-column papers (../shared/data/papers): reading order, list items, footnotes,
equations and lost glyphs, checked on the parsed page text that chunk and quote offsets point into.

Skips with the reason when the folder is absent (set SYNTH_PAPERS_DIR to point elsewhere).
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import pytest
from pypdf import PdfReader

from synth.ingest import parse_pdf
from synth.ingest.layout import page_lines
from synth.ingest.run import local_paper
from synth.records import ParsedPaper
from tests.test_real_papers import PAPERS_DIR

pytestmark = pytest.mark.skipif(not (PAPERS_DIR / "INDEX.tsv").exists(),
                                reason=f"real papers not found at {PAPERS_DIR} (set SYNTH_PAPERS_DIR)")

TWO_COLUMN = ("acl-n18-3011.pdf", "2301.13298.pdf", "1911.02782.pdf", "shen2014-clsm.pdf", "dyer12-acl.pdf")
PROBE_CHARS = 25
"""A column line is found in the page text by its first characters (when they occur once there)."""
MIN_COLUMN_LINES = 5
MIN_CHECKED_PAGES = 4
MAX_SWITCHES = 3
"""Left column then right column is one switch; a float or footnote box printed after both
(a table at the page end, the ACM copyright box) adds one or two. Interleaved lines add one per line."""


@lru_cache(maxsize=None)
def parsed(name: str) -> ParsedPaper:
    pdf = PAPERS_DIR / name
    return parse_pdf(pdf, local_paper(pdf, pdf.stem))


def column_sequence(page, page_text: str) -> str:
    """'L'/'R' for every body-size line piece that lies in one column, in the order the page text holds them."""
    lines = page_lines(page)
    if not lines:
        return ""
    body_size = Counter(round(line.size) for line in lines).most_common(1)[0][0]
    middle = float(page.mediabox.width) / 2
    found = []
    for line in lines:
        for cell in line.cells if round(line.size) == body_size else []:
            probe = cell.text[:PROBE_CHARS]
            column = "L" if cell.x1 < middle else "R" if cell.x0 > middle else ""
            if len(cell.text) > PROBE_CHARS and column and page_text.count(probe) == 1:
                found.append((page_text.find(probe), column))
    return "".join(column for _position, column in sorted(found))


@pytest.mark.parametrize("name", TWO_COLUMN)
def test_two_column_pages_read_left_column_then_right(name):
    """pypdf's text follows the content stream, which LaTeX and Word write column by column:
    the parsed page text holds each column's lines together, not interleaved."""
    reader = PdfReader(PAPERS_DIR / name)
    checked = 0
    for page, text in zip(reader.pages, parsed(name).page_texts):
        sequence = column_sequence(page, text.text)
        if sequence.count("L") < MIN_COLUMN_LINES or sequence.count("R") < MIN_COLUMN_LINES:
            continue
        checked += 1
        switches = sum(first != second for first, second in zip(sequence, sequence[1:]))
        assert switches <= MAX_SWITCHES, (name, text.number, sequence)
    assert checked >= MIN_CHECKED_PAGES, (name, checked)
