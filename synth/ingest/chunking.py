"""Split cleaned pages into chunks that know their paper, page, section and exact offsets.

Pages are first cut at section headings, so no chunk straddles two sections,
and around each table's row units, so table rows and prose never share a chunk,
then each piece goes through langchain's RecursiveCharacterTextSplitter.
Offsets point into ``Page.text``: ``page.text[chunk.start:chunk.end] == chunk.text``.
"""

from __future__ import annotations

import hashlib

from langchain_text_splitters import RecursiveCharacterTextSplitter

from synth.records import Chunk, Page, SectionSpan
from synth.ingest.sections import section_at
from synth.ingest.tables import table_spans


def chunk_id(paper_id: str, page: int, start: int, end: int, text: str) -> str:
    """Stable id: the same paper text always gives the same ids (re-ingest replaces, never duplicates)."""
    key = "\x1f".join([paper_id, str(page), str(start), str(end), text])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def section_pieces(page: Page, sections: list[SectionSpan]) -> list[tuple[int, int]]:
    """(start, end) offsets of the page cut at every heading that starts on it and around every
    table's row units, so that table rows and prose never share a chunk (``synth.ingest.tables``)."""
    rows = [offset for span in table_spans(page.text) for offset in span]
    cuts = sorted({0, len(page.text), *rows, *(span.start for span in sections if span.page == page.number)})
    return [(start, end) for start, end in zip(cuts, cuts[1:]) if page.text[start:end].strip()]


def chunk_pages(
    paper_id: str, pages: list[Page], sections: list[SectionSpan], chunk_size: int, chunk_overlap: int
) -> list[Chunk]:
    splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=min(chunk_overlap, chunk_size // 2))
    chunks: list[Chunk] = []
    for page in pages:
        for piece_start, piece_end in section_pieces(page, sections):
            section = section_at(sections, page.number, piece_start)
            for start, end in _split_offsets(splitter, page.text, piece_start, piece_end):
                text = page.text[start:end]
                chunks.append(Chunk(chunk_id=chunk_id(paper_id, page.number, start, end, text), paper_id=paper_id,
                                    page=page.number, section=section, start=start, end=end, text=text))
    return chunks


def _split_offsets(splitter: RecursiveCharacterTextSplitter, text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Offsets in ``text`` of the splitter's pieces of ``text[start:end]``.

    The splitter returns stripped substrings in order; each is found after the
    previous one's start, which is exact even when the same words repeat.
    """
    offsets: list[tuple[int, int]] = []
    search_from = start
    for piece in splitter.split_text(text[start:end]):
        found = text.find(piece, search_from, end)
        if found < 0:  # the splitter only ever returns substrings; guard against a future change
            raise RuntimeError(f"text splitter returned a piece not in the page: {piece[:40]!r}")
        offsets.append((found, found + len(piece)))
        search_from = found + 1
    return offsets
