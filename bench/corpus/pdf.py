"""Render corpus papers to PDFs that look like papers.

A rendered paper has a full-width title block (title, authors, a synthetic-fixture
note, abstract), a two-column body with numbered section headings, a table,
words hyphenated across line ends (soft hyphens that reportlab really splits),
a running header (the short title) and a page number on every page, and a
References list. ``render_paper`` also records the page each heading landed on,
so tests can check section detection against the real layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, FrameBreak, NextPageTemplate, PageTemplate
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from .content import CORPUS, CorpusPaper, Section
from .content import Table as CorpusTable

PAGE_WIDTH, PAGE_HEIGHT = LETTER
MARGIN = 2.0 * cm
GUTTER = 0.7 * cm
COLUMN_WIDTH = (PAGE_WIDTH - 2 * MARGIN - GUTTER) / 2
BODY_TOP = PAGE_HEIGHT - MARGIN
BODY_BOTTOM = MARGIN
FIXTURE_NOTE = "Synthetic test fixture for the synth test suite; not a real paper."

_BODY = ParagraphStyle(
    "body", fontName="Times-Roman", fontSize=10, leading=12.2, alignment=TA_JUSTIFY,
    spaceAfter=4, embeddedHyphenation=1, hyphenationMinWordLength=6,
)
_STYLES = {
    "title": ParagraphStyle("title", fontName="Times-Bold", fontSize=16, leading=19, alignment=TA_CENTER),
    "authors": ParagraphStyle("authors", fontName="Times-Roman", fontSize=11, leading=14, alignment=TA_CENTER,
                              spaceBefore=6),
    "note": ParagraphStyle("note", fontName="Times-Italic", fontSize=8, leading=10, alignment=TA_CENTER,
                           spaceBefore=2, spaceAfter=8),
    "abstract_heading": ParagraphStyle("abstract_heading", fontName="Times-Bold", fontSize=11, leading=14,
                                       alignment=TA_CENTER, spaceAfter=3),
    "abstract": ParagraphStyle("abstract", parent=_BODY, leftIndent=1.2 * cm, rightIndent=1.2 * cm),
    "body": _BODY,
    "h1": ParagraphStyle("h1", fontName="Times-Bold", fontSize=12, leading=15, spaceBefore=8, spaceAfter=4),
    "h2": ParagraphStyle("h2", fontName="Times-Bold", fontSize=10.5, leading=13, spaceBefore=6, spaceAfter=3),
    "caption": ParagraphStyle("caption", parent=_BODY, fontSize=8.5, leading=10, spaceBefore=4),
    "reference": ParagraphStyle("reference", parent=_BODY, fontSize=8.5, leading=10.2, leftIndent=0.5 * cm,
                                firstLineIndent=-0.5 * cm, embeddedHyphenation=0),
}

_VOWELS = set("aeiouy")
_LONG_WORD = re.compile(r"\b[a-z]{8,}\b")


def _soft_hyphenate(word: str) -> str:
    """Offer a break after each vowel followed by a consonant, keeping 3+ letters each side."""
    breaks = [i for i in range(3, len(word) - 2) if word[i - 1] in _VOWELS and word[i] not in _VOWELS]
    pieces = [word[start:end] for start, end in zip([0, *breaks], [*breaks, len(word)])]
    return "\xad".join(pieces)


def _markup(text: str) -> str:
    """Escape for reportlab's paragraph markup and add soft hyphens to long words."""
    return _LONG_WORD.sub(lambda match: _soft_hyphenate(match.group()), escape(text))


class _Heading(Paragraph):
    """A section heading that reports the page it lands on."""

    def __init__(self, heading: str, style: ParagraphStyle):
        super().__init__(escape(heading), style)
        self.heading = heading


@dataclass(frozen=True)
class RenderedPaper:
    path: Path
    pages: int
    heading_pages: dict[str, int]
    """Page (1-based) on which each heading of ``CorpusPaper.headings`` was drawn."""


class _PaperTemplate(BaseDocTemplate):
    def __init__(self, path: Path, paper: CorpusPaper, title_block_height: float):
        super().__init__(str(path), pagesize=LETTER, title=paper.title, author=", ".join(paper.authors),
                         leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN)
        self.short_title = paper.short_title
        self.heading_pages: dict[str, int] = {}
        columns_top = BODY_TOP - title_block_height
        first_page = [Frame(MARGIN, columns_top, PAGE_WIDTH - 2 * MARGIN, title_block_height, id="title"),
                      *self._columns(columns_top)]
        self.addPageTemplates([
            PageTemplate("first", first_page, onPage=self._decorate),
            PageTemplate("body", self._columns(BODY_TOP), onPage=self._decorate),
        ])

    @staticmethod
    def _columns(top: float) -> list[Frame]:
        height = top - BODY_BOTTOM
        return [Frame(MARGIN, BODY_BOTTOM, COLUMN_WIDTH, height),
                Frame(MARGIN + COLUMN_WIDTH + GUTTER, BODY_BOTTOM, COLUMN_WIDTH, height)]

    def _decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """Running header and page-number footer, drawn on every page."""
        canvas.saveState()
        canvas.setFont("Times-Italic", 9)
        canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 1.2 * cm, self.short_title)
        canvas.setFont("Times-Roman", 9)
        canvas.drawCentredString(PAGE_WIDTH / 2, 1.0 * cm, str(doc.page))
        canvas.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Heading):
            self.heading_pages[flowable.heading] = self.page


def _title_block(paper: CorpusPaper) -> list[Flowable]:
    return [
        Paragraph(escape(paper.title), _STYLES["title"]),
        Paragraph(escape(", ".join(paper.authors)), _STYLES["authors"]),
        Paragraph(escape(f"{FIXTURE_NOTE} ({paper.versioned_id}, {paper.year})"), _STYLES["note"]),
        _Heading("Abstract", _STYLES["abstract_heading"]),
        Paragraph(_markup(paper.abstract), _STYLES["abstract"]),
    ]


def _table(table: CorpusTable) -> list[Flowable]:
    grid = Table([list(table.header), *map(list, table.rows)], hAlign="CENTER")
    grid.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Times-Roman", 7.5),
        ("FONT", (0, 0), (-1, 0), "Times-Bold", 7.5),
        ("LINEABOVE", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEBELOW", (0, 0), (-1, 0), 0.4, colors.black),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, colors.black),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    caption = Paragraph(f"<b>{escape(table.label)}:</b> {escape(table.caption)}", _STYLES["caption"])
    return [caption, Spacer(1, 3), grid, Spacer(1, 6)]


def _section(section: Section) -> list[Flowable]:
    flowables: list[Flowable] = [_Heading(section.heading, _STYLES["h1" if section.level == 1 else "h2"])]
    flowables += [Paragraph(_markup(text), _STYLES["body"]) for text in section.paragraphs]
    if section.table:
        flowables += _table(section.table)
    return flowables


def _references(paper: CorpusPaper) -> list[Flowable]:
    entries = [Paragraph(escape(f"[{n}] {reference.text}"), _STYLES["reference"])
               for n, reference in enumerate(paper.references, start=1)]
    return [_Heading("References", _STYLES["h1"]), *entries]


def _height(flowables: list[Flowable]) -> float:
    width = PAGE_WIDTH - 2 * MARGIN
    return sum(flowable.wrap(width, PAGE_HEIGHT)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()
               for flowable in flowables)


def render_paper(paper: CorpusPaper, directory: Path) -> RenderedPaper:
    """Write ``<directory>/<paper.key>.pdf`` and return where each heading landed."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{paper.key}.pdf"
    title_block = _title_block(paper)
    document = _PaperTemplate(path, paper, _height(title_block) + 0.8 * cm)
    story: list[Flowable] = [*title_block, NextPageTemplate("body"), FrameBreak()]
    for section in paper.sections:
        story += _section(section)
    story += _references(paper)
    document.build(story)
    return RenderedPaper(path, document.page, dict(document.heading_pages))


def write_paper_pdf(paper: CorpusPaper, directory: Path) -> Path:
    return render_paper(paper, directory).path


def write_corpus_pdfs(directory: Path) -> list[Path]:
    """All corpus papers as PDFs, in ``CORPUS`` order."""
    return [write_paper_pdf(paper, directory) for paper in CORPUS]
