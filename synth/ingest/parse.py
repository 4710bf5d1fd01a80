"""PDF file -> ParsedPaper (clean page text, sections, references) -> chunks."""

from __future__ import annotations

import re
from pathlib import Path

from synth.ingest.chunking import chunk_pages
from synth.ingest.clean import clean_pages
from synth.ingest.metadata import FrontMatter, read_front_matter
from synth.ingest.pdf import open_pdf, page_texts
from synth.ingest.quality import check_text_layer
from synth.ingest.references import parse_references
from synth.ingest.sections import INLINE_ABSTRACT, detect_sections, span_text
from synth.ingest.tables import is_laid_out, pages_with_row_units
from synth.records import Chunk, Page, Paper, ParsedPaper, SectionSpan
from synth.settings import Settings

_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_NAME_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "del", "la", "le", "du", "bin", "al"}
_TITLE_CONTINUES = {"a", "an", "and", "for", "from", "in", "of", "on", "or", "the", "to", "with", "via", "vs", "versus"}
_AFFILIATION_MARKS = re.compile(r"[\d*\u2020\u2021\u00a7\u00b6]+")
MAX_NAME_WORDS = 5


def parse_pdf(path: Path, paper: Paper) -> ParsedPaper:
    """Read, clean and structure ``path``; the returned paper record is ``paper`` completed.

    Table rows become row units in the page text (synth.ingest.tables). Fills ``pages``,
    ``references``, ``abstract`` when empty, and for local PDFs
    (whose record has the file stem as title) title, authors, year and arXiv id
    read from page 1's layout (synth.ingest.metadata). Raises IngestError for
    files that cannot be read as text, including text layers of non-words.
    """
    reader = open_pdf(path)
    raw = page_texts(path, reader, keep_parsed=lambda index, text: index == 0 or is_laid_out(text))
    check_text_layer(path, raw)
    texts = pages_with_row_units(list(reader.pages), raw, clean_pages(raw))
    pages = [Page(number=number, text=text) for number, text in enumerate(texts, start=1)]
    sections = detect_sections(pages)
    updates: dict = {"pages": len(pages), "references": parse_references(pages, sections)}
    if not paper.abstract:
        updates["abstract"] = section_text(pages, sections, "Abstract")
    if paper.source == "local":
        updates |= _local_fields(paper, read_front_matter(path, reader.pages[0], raw[0]), pages)
    return ParsedPaper(paper=paper.model_copy(update=updates), page_texts=pages, sections=sections)


def chunk_paper(parsed: ParsedPaper, settings: Settings) -> list[Chunk]:
    return chunk_pages(parsed.paper.paper_id, parsed.page_texts, parsed.sections,
                       settings.chunk_size, settings.chunk_overlap)


def section_text(pages: list[Page], sections: list[SectionSpan], name: str) -> str:
    """Body of the first section called ``name`` (heading excluded), lines joined by spaces."""
    for index, span in enumerate(sections):
        if span.name.lower() != name.lower():
            continue
        first_line, _, rest = span_text(pages, sections, index).partition("\n")
        inline = INLINE_ABSTRACT.match(first_line)
        body = f"{first_line[inline.end():]}\n{rest}" if inline else rest
        return " ".join(body.split())
    return ""


def _local_fields(paper: Paper, front: FrontMatter, pages: list[Page]) -> dict:
    """Fields of a local PDF's record that are still unset, from page 1's layout.

    When the layout finds no title (page 1 without text in a larger type) the
    title and authors fall back to ``guess_metadata`` on the page text; the
    year never does (a year found in the text is as likely a citation's).
    """
    title, authors = front.title, front.authors
    if not title:
        title, authors, _year = guess_metadata(pages)
    fields: dict = {}
    if title and paper.title in ("", Path(paper.pdf_path).stem):
        fields["title"] = title
    if authors and not paper.authors:
        fields["authors"] = authors
    if front.year and paper.year is None:
        fields["year"] = front.year
    if front.arxiv_id and not paper.arxiv_id:
        fields |= {"arxiv_id": front.arxiv_id, "url": paper.url or f"https://arxiv.org/abs/{front.arxiv_id}"}
    return fields


def guess_metadata(pages: list[Page]) -> tuple[str, list[str], int | None]:
    """(title, authors, year) read from the front matter of page 1, for PDFs without metadata.

    The title is the first line, continued while a line ends on a joining word
    (``... Cross-lingual and``); the authors are the first following line that
    reads as a list of names; the year is the first plausible year on page 1.
    Empty title / no authors / None when nothing fits.
    """
    if not pages:
        return "", [], None
    front = _front_matter_lines(pages[0])
    title_lines: list[str] = []
    authors: list[str] = []
    for line in front:
        if title_lines and not _continues(title_lines[-1]) and (names := _names_in(line)):
            authors = names
            break
        if not authors and len(title_lines) < 3:
            title_lines.append(line)
    year_match = _YEAR.search("\n".join(front)) or _YEAR.search(pages[0].text)
    return " ".join(title_lines), authors, int(year_match.group()) if year_match else None


def _front_matter_lines(page: Page) -> list[str]:
    sections = detect_sections([page])
    end = sections[0].start if sections else len(page.text)
    return [line.strip() for line in page.text[:end].split("\n") if line.strip()]


def _continues(line: str) -> bool:
    words = line.lower().split()
    return bool(words) and (words[-1] in _TITLE_CONTINUES or line.endswith((":", "-")))


def _names_in(line: str) -> list[str]:
    """The names if ``line`` reads as 'Ann Lee, Bo Chen and Cy Dow' (affiliation marks ignored), else []."""
    pieces = [piece.strip() for piece in re.split(r",|\band\b|&|;", _AFFILIATION_MARKS.sub("", line))]
    names = [piece for piece in pieces if piece]
    return names if names and all(_is_name(name) for name in names) else []


def _is_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= MAX_NAME_WORDS and all(
        word in _NAME_PARTICLES or re.fullmatch(r"[A-Z][A-Za-z'\-]*\.?|(?:[A-Z]\.-?)+[A-Z]?\.?", word)
        for word in words
    )
