"""Layout of real two-column papers (../shared/data/papers): reading order, list items, footnotes,
equations and lost glyphs, checked on the parsed page text that chunk and quote offsets point into.

Skips with the reason when the folder is absent (set SYNTH_PAPERS_DIR to point elsewhere).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

import synth.ingest.pdf as pdf_text

from synth.claims.extract import paper_claims
from synth.ingest import parse_pdf
from synth.ingest.layout import page_lines
from synth.ingest.pdf import page_texts
from synth.ingest.tables import is_laid_out
from synth.ingest.run import local_paper
from synth.records import ParsedPaper
from synth.settings import Settings
from synth.text.segment import EQUATION, FOOTNOTE, FOOTNOTE_MARK, SENTENCE, locate, sentences
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


@lru_cache(maxsize=None)
def claim_texts(name: str) -> tuple[str, ...]:
    """The paper's extracted claims, whitespace-normalised."""
    return tuple(" ".join(claim.text.split()) for claim in paper_claims(parsed(name), Settings()))


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


def units(name: str, page: int) -> list:
    return sentences(parsed(name).page_texts[page - 1].text)


def unit_starting(name: str, page: int, opening: str):
    found = [unit for unit in units(name, page) if unit.text.startswith(opening)]
    assert len(found) == 1, (name, page, opening, [unit.text[:60] for unit in units(name, page)])
    return found[0]


def test_list_items_of_a_conclusion_are_sentences_without_bullets():
    """StarSpace's conclusion lists its results as bullet items after '... many tasks:'."""
    item = unit_starting("1709.03856.pdf", 8, "Text Classification / Sentiment Analysis: we show")
    assert item.kind == SENTENCE and "many tasks" not in item.text
    lead_in = unit_starting("1709.03856.pdf", 8, "In this paper, we propose StarSpace")
    assert lead_in.text.endswith("capable of working on many tasks:")
    contributions = unit_starting("shen2014-clsm.pdf", 2, "We propose a novel CLSM")  # a Symbol-font bullet
    assert "\uf0b7" not in contributions.text
    for name in ("1709.03856.pdf", "shen2014-clsm.pdf"):
        assert not [text for text in claim_texts(name) if text.startswith(("\u2022", "\uf0b7"))]
        assert not [text for text in claim_texts(name) if re.match(r"\d{1,2}\.\s", text)]


def test_a_table_number_ending_a_sentence_stays_with_it_and_lost_glyphs_leave_no_brackets():
    first = unit_starting("shen2014-clsm.pdf", 7, "First, we observe that the CLSM outperforms")
    page_text = parsed("shen2014-clsm.pdf").page_texts[6].text
    assert page_text[:first.start].rstrip().endswith("summarized in Table 5.")
    assert locate(first.text, page_text) == first.start
    assert not re.search(r"\(\s*\)", "\n".join(page.text for page in parsed("shen2014-clsm.pdf").page_texts))


def test_footnotes_are_not_merged_into_the_sentence_around_them():
    """CLSM p. 7: footnote 3 sits at the foot of the left column, inside a sentence that runs on
    into the right column; Transformer p. 4: footnote 4 at the page foot."""
    around = unit_starting("shen2014-clsm.pdf", 7, "We then further investigated the performance of CLSM")
    assert around.kind == SENTENCE
    assert " ".join(around.text.split()).startswith(
        "We then further investigated the performance of CLSM using different context window sizes")
    assert unit_starting("shen2014-clsm.pdf", 7, f"{FOOTNOTE_MARK}3 For comparison").kind == FOOTNOTE
    assert unit_starting("1706.03762.pdf", 4, f"{FOOTNOTE_MARK}4To illustrate why").kind == FOOTNOTE
    assert not [text for text in claim_texts("shen2014-clsm.pdf")
                if "personal communication" in text or text.startswith(FOOTNOTE_MARK)]


def test_display_equations_are_units_of_their_own_and_never_claims():
    equation = unit_starting("1706.03762.pdf", 5, "FFN(x) = max(0,xW1 + b1)W2 + b2")
    assert equation.kind == EQUATION
    assert unit_starting("1706.03762.pdf", 5, "This\nconsists of two linear transformations").text.endswith("in between.")
    assert not [text for text in claim_texts("1706.03762.pdf") if "FFN(x)" in text or "Concat(head1" in text]


@pytest.mark.parametrize(("name", "heading", "opening"), [
    ("1804.07983.pdf", "Coverage", "One of the main problems with NLP systems"),
    ("1710.04087.pdf", "Impact of the monolingual embeddings", "For the word translation task, we obtained"),
    ("1710.04087.pdf", "Adversarial approach", "Table 1 shows that the adversarial approach"),
    ("1602.03483.pdf", "FastSent", "The performance of SkipThought vectors"),
])
def test_run_in_headings_are_not_glued_to_the_sentence_after_them(name, heading, opening):
    """Bold paragraph headings (LaTeX's \\paragraph) share a line with the paragraph's first sentence."""
    texts = [" ".join(unit.text.split()) for page in parsed(name).page_texts for unit in sentences(page.text)]
    assert any(text.startswith(opening) for text in texts), opening
    assert not [text for text in texts + list(claim_texts(name)) if text.startswith(f"{heading} {opening[:12]}")]


@pytest.mark.parametrize(("name", "opening"), [
    ("1709.03856.pdf", "In that work, the Tagspace model was shown"),
    ("1709.03856.pdf", "In the domain of recommendation, embedding models"),
    ("1709.03856.pdf", "TransE was shown to outperform RESCAL"),
    ("shen2014-clsm.pdf", "Extended from our previous work"),
    ("1602.03483.pdf", "They experimented with BOW and RNN"),
    ("1706.03762.pdf", "While for small values of dk the two mechanisms perform similarly"),
])
def test_sentences_about_cited_work_are_not_extracted_as_the_papers_claims(name, opening):
    texts = [" ".join(unit.text.split()) for page in parsed(name).page_texts for unit in sentences(page.text)]
    assert any(text.startswith(opening) for text in texts), opening  # the sentence is there ...
    assert not [text for text in claim_texts(name) if text.startswith(opening)]  # ... and is not a claim
    assert claim_texts(name)  # the paper's own findings still are


def read_counting_parses(pdf, monkeypatch) -> tuple[list[str], list, int, int]:
    """Page texts and table lines of ``pdf`` as ``parse_pdf`` reads them, with the content-stream parses
    counted before and after the layout walk of its pages with a table caption."""
    parses = []
    parse = ContentStream._parse_content_stream
    monkeypatch.setattr(ContentStream, "_parse_content_stream",
                        lambda stream, data: parses.append(1) or parse(stream, data))
    reader = PdfReader(pdf)
    texts = page_texts(pdf, reader, keep_parsed=lambda index, text: is_laid_out(text))
    parsed_by_extraction = len(parses)
    lines = [page_lines(page) if is_laid_out(text) else [] for page, text in zip(reader.pages, texts)]
    return texts, lines, parsed_by_extraction, len(parses)


def test_the_layout_walk_reuses_the_content_streams_the_text_extraction_parsed(monkeypatch):
    """Each page's content stream (and each form XObject's, which this paper draws) is parsed once, for
    pypdf's extraction; the layout walk of the pages with a table caption parses nothing more, and
    reads what it read before. The other pages get their streams back, so their parse can be freed."""
    pdf = PAPERS_DIR / "acl-n18-3011.pdf"
    texts, lines, by_extraction, in_all = read_counting_parses(pdf, monkeypatch)
    assert by_extraction > 0 and in_all == by_extraction
    assert any(lines) and not all(lines)

    monkeypatch.setattr(pdf_text, "parse_streams_once", lambda page: [])
    unshared_texts, unshared_lines, _, unshared_in_all = read_counting_parses(pdf, monkeypatch)
    assert unshared_in_all > in_all
    assert (texts, lines) == (unshared_texts, unshared_lines)


def test_pages_read_only_once_get_their_content_streams_back():
    reader = PdfReader(PAPERS_DIR / "acl-n18-3011.pdf")
    texts = page_texts(PAPERS_DIR / "acl-n18-3011.pdf", reader, keep_parsed=lambda index, text: index == 0)
    kept = [isinstance(page["/Contents"], ContentStream) for page in reader.pages]
    assert kept == [True] + [False] * (len(texts) - 1)
