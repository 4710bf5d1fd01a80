"""Parse quality over a folder of PDFs: speed, real-word share, sections, tables and references per paper.

    python bench/parse_quality.py [FOLDER]      # default ../shared/data/papers

Prints one Markdown row per paper and a total line. "tables" counts table
captions (``Table 3:``) found in the parsed text: tables are not yet parsed
into rows, so this measures what a reader could locate, not table structure.
Timings are wall-clock on whatever machine runs it (shared machines vary).
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from synth.errors import IngestError  # noqa: E402
from synth.ingest import parse_pdf  # noqa: E402
from synth.ingest.quality import real_word_share  # noqa: E402
from synth.ingest.run import local_paper  # noqa: E402

DEFAULT_FOLDER = REPO_ROOT.parent / "shared" / "data" / "papers"
_TABLE_CAPTION = re.compile(r"^Table\s+\d+[:.]", re.MULTILINE)
TITLE_WIDTH = 48


def row(pdf: Path) -> tuple[str, int, float]:
    """One Markdown table row for ``pdf``, its page count and parse seconds."""
    started = time.perf_counter()
    try:
        parsed = parse_pdf(pdf, local_paper(pdf, pdf.stem))
    except IngestError as error:
        seconds = time.perf_counter() - started
        return f"| {pdf.name} | - | {seconds:.2f} | - | refused: {str(error).split(': ', 1)[1][:70]} | | | | |", 0, seconds
    seconds = time.perf_counter() - started
    text = "\n".join(page.text for page in parsed.page_texts)
    paper = parsed.paper
    references = paper.references
    cells = [pdf.name, str(paper.pages), f"{seconds:.2f}", f"{real_word_share(text) or 0:.2f}",
             paper.title[:TITLE_WIDTH], str(len(parsed.sections)), str(len(set(_TABLE_CAPTION.findall(text)))),
             str(len(references)), f"{sum(r.arxiv_id is not None for r in references)}/"
             f"{sum(r.doi is not None for r in references)}"]
    return "| " + " | ".join(cells) + " |", paper.pages, seconds


def main(folder: Path) -> None:
    pdfs = sorted(folder.glob("*.pdf"))
    print("| file | pages | s | real words | title | sections | table captions | references | arXiv/DOI |")
    print("|---|---|---|---|---|---|---|---|---|")
    pages = seconds = 0.0
    for pdf in pdfs:
        line, page_count, took = row(pdf)
        print(line, flush=True)
        pages, seconds = pages + page_count, seconds + took
    print(f"\n{len(pdfs)} PDFs, {pages:.0f} pages parsed in {seconds:.1f} s ({pages / seconds:.1f} pages/s)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FOLDER)
