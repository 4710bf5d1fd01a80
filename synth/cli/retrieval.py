"""Retrieval commands: ``synth ingest``, ``synth search``, ``synth papers``, ``synth arxiv``.

Names, flags and JSON fields are interfaces (issue 2); keep them. The heavy
modules (index, ingest, sources) are imported inside the commands, so
``synth --help`` does not load torch or Chroma.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from synth.cli.app import app, fail, print_json, print_line, settings_of
from synth.console import console, print_table, styled

if TYPE_CHECKING:
    from synth.index.library import Library
    from synth.ingest.run import IngestSummary
    from synth.records import SearchHit

SNIPPET_CHARS = 300
AUTHORS_SHOWN = 3


def report_ingest(summary: IngestSummary) -> None:
    """Summary line on stdout, then one stderr line per skipped and failed input;
    exit 1 if nothing got in and something failed."""
    print_line(summary.line())
    for skipped in summary.skipped:
        console.print(f"skipped {skipped.paper_id or skipped.source}: {skipped.reason}")
    for failed in summary.failed:
        console.print(styled("failed", "red", _failure_line(failed.source, failed.reason)))
    if summary.failed and not summary.ingested:
        raise typer.Exit(1)


def _failure_line(source: str, reason: str) -> str:
    """The reason, led by the input it names; a reason that already names the file (in whatever form:
    as given, as reports name files, ``../shared/...``, or through a resolved link) is not led by it a
    second time."""
    return reason if Path(source).name in reason else f"{source}: {reason}"


def library_of(ctx: typer.Context) -> Library:
    from synth.index.library import Library

    return Library(settings_of(ctx))


@app.command()
def ingest(
    ctx: typer.Context,
    sources: list[str] = typer.Argument(..., metavar="SOURCE...",
                                        help="PDF files, folders of PDFs, or arXiv ids (2408.10536, hep-th/9901001)."),
    arxiv: bool = typer.Option(True, "--arxiv/--no-arxiv",
                               help="Take the title, authors and year of a PDF with an arXiv id (stamp or file "
                                    "name) from arXiv; --no-arxiv stays offline (default: on)."),
) -> None:
    """Parse, chunk and index papers; unchanged papers are skipped."""
    from synth.ingest.run import ingest_sources
    from synth.sources import source_kind

    if not arxiv and (ids := [source for source in sources if source_kind(source) == "arxiv"]):
        fail(f"{', '.join(ids)}: arXiv ids are downloaded from arXiv, which --no-arxiv turns off; "
             "drop --no-arxiv or pass the PDFs")
    settings = settings_of(ctx)
    report_ingest(ingest_sources(sources, settings, library_of(ctx), arxiv_metadata=arxiv))


@app.command()
def search(
    ctx: typer.Context,
    query: str = typer.Argument(..., metavar="QUERY", help="What to look for, in words."),
    k: int = typer.Option(5, "--k", min=1, metavar="N", help="Number of passages."),
    paper: list[str] = typer.Option([], "--paper", metavar="ID", help="Only this paper id (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="JSON list on stdout."),
) -> None:
    """Hybrid (dense + BM25) search over the ingested papers; passages below the
    minimum relevance (SYNTH_SEARCH_MIN_SIMILARITY) are not shown."""
    library = library_of(ctx)
    known = [summary.paper_id for summary in library.papers()]
    if not known:
        fail("the library is empty; add papers first with `synth ingest PDF_OR_FOLDER_OR_ARXIV_ID`")
    wanted = resolve_paper_ids(paper, known) or None
    hits = relevant_hits(library, query, k, wanted, settings_of(ctx).search_min_similarity)
    if as_json:
        print_json(hits)
    else:
        show_hits(hits)


def relevant_hits(library: Library, query: str, k: int, paper_ids: list[str] | None,
                  min_similarity: float) -> list[SearchHit]:
    """The fused hits that pass the minimum relevance rule: the passage shares a
    word with the query (a BM25 match) or its embedding is at least
    ``min_similarity`` (cosine) from the query's. RRF scores alone rank, they do
    not say whether anything matched, so a nonsense query would still get k hits."""
    hits = library.search(query, k=k, paper_ids=paper_ids)
    depth = max(k, len(hits))
    lexical = {hit.chunk_id for hit in library.lexical_search(query, k=depth, paper_ids=paper_ids) if hit.score > 0}
    dense = {hit.chunk_id for hit in library.dense_search(query, k=depth, paper_ids=paper_ids)
             if hit.score >= min_similarity}
    return [hit for hit in hits if hit.chunk_id in lexical | dense]


def resolve_paper_ids(requested: list[str], known: list[str]) -> list[str]:
    """Each --paper value as ingested ids: exact, or every version of an unversioned arXiv id."""
    resolved, unknown = [], []
    for wanted in requested:
        version_of_wanted = re.compile(rf"{re.escape(wanted)}v\d+")
        matches = [paper_id for paper_id in known if paper_id == wanted or version_of_wanted.fullmatch(paper_id)]
        resolved += matches
        if not matches:
            unknown.append(wanted)
    if unknown:
        fail(f"unknown paper id(s) {', '.join(unknown)}; list the ingested ones with `synth papers`")
    return resolved


def show_hits(hits: list[SearchHit]) -> None:
    if not hits:
        console.print("no passage matches; try other words or drop --paper")
    for rank, hit in enumerate(hits, start=1):
        snippet = " ".join(hit.text.split())[:SNIPPET_CHARS]
        print_line(f"{rank}. {hit.title} [{hit.paper_id}] p.{hit.page}, {hit.section} (score {hit.score:.4f})\n   {snippet}")


def authors_line(authors: list[str]) -> str:
    return ", ".join(authors[:AUTHORS_SHOWN]) + (" et al." if len(authors) > AUTHORS_SHOWN else "")


@app.command()
def papers(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="JSON list on stdout."),
) -> None:
    """List the ingested papers (a table, tab-separated when piped)."""
    summaries = library_of(ctx).papers()
    if as_json:
        print_json(summaries)
        return
    if not summaries:
        console.print("no papers yet; add some with `synth ingest`")
        return
    print_table(("paper_id", "title", "authors", "year", "source", "pages", "chunks"), [
        (s.paper_id, s.title, authors_line(s.authors), str(s.year or ""), s.source, str(s.pages), str(s.chunks))
        for s in summaries])


@app.command()
def arxiv(
    ctx: typer.Context,
    query: str = typer.Argument(..., metavar="QUERY", help="arXiv query, e.g. 'all:hybrid batch retrieval'."),
    max_results: int = typer.Option(10, "--max", min=1, metavar="N", help="Most results to list."),
    then_ingest: bool = typer.Option(False, "--ingest", help="Also download and ingest every result."),
) -> None:
    """Search arXiv and list the results (id, year, title, authors; tab-separated); with --ingest, ingest them too."""
    from synth.ingest.run import ingest_sources
    from synth.sources import ArxivClient

    settings = settings_of(ctx)
    with ArxivClient(settings) as client:
        entries = client.search(query, max_results=max_results)
    if not entries:
        console.print(f"arXiv has no results for {query!r}; try broader words")
    for entry in entries:
        print_line(f"{entry.arxiv_id}\t{entry.year}\t{entry.title}\t{authors_line(entry.authors)}")
    if then_ingest and entries:
        ids = [entry.arxiv_id for entry in entries]
        report_ingest(ingest_sources(ids, settings, library_of(ctx), found_by=f"arXiv search {query!r}"))
