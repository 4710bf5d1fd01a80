"""Sources section: the papers the report drew on and how each was found."""

from __future__ import annotations

from synth.index.library import Library
from synth.report.document import Source


def source_of(library: Library, paper_id: str, found_by: str) -> Source:
    paper = library.paper(paper_id).paper
    return Source(id=paper.paper_id, title=paper.title, authors=paper.authors, year=paper.year, found_by=found_by,
                  url=paper.url, origin=paper.source, pages=paper.pages)
