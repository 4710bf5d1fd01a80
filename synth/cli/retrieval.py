"""Retrieval commands: ``synth ingest``, ``synth search``, ``synth papers``, ``synth arxiv``.

Names, flags and JSON fields are interfaces (issue 2); keep them.
"""

from __future__ import annotations

import re

import typer
from rich.markup import escape
from rich.table import Column, Table

from synth.cli.app import app, console, fail, print_json, settings_of
from synth.index.library import Library
from synth.ingest.run import IngestSummary, ingest_sources
from synth.records import SearchHit
from synth.sources import ArxivClient

SNIPPET_CHARS = 300


def report_ingest(summary: IngestSummary) -> None:
    """Summary line, then one line per skipped and failed input; exit 1 if nothing got in and something failed."""
    console.print(summary.line(), highlight=False)
    for skipped in summary.skipped:
        console.print(f"skipped {escape(skipped.paper_id or skipped.source)}: {escape(skipped.reason)}", highlight=False)
    for failed in summary.failed:
        named = failed.reason if failed.source in failed.reason else f"{failed.source}: {failed.reason}"
        console.print(f"[red]failed[/red] {escape(named)}", highlight=False)
    if summary.failed and not summary.ingested:
        raise typer.Exit(1)


@app.command()
def ingest(
    ctx: typer.Context,
    sources: list[str] = typer.Argument(..., help="PDF files, folders of PDFs, or arXiv ids (2408.10536, hep-th/9901001)."),
) -> None:
    """Parse, chunk and index papers; unchanged papers are skipped."""
    settings = settings_of(ctx)
    report_ingest(ingest_sources(sources, settings, Library(settings)))


@app.command()
def search(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="What to look for, in words."),
    k: int = typer.Option(5, "--k", min=1, help="Number of passages."),
    paper: list[str] = typer.Option([], "--paper", help="Only this paper id (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="JSON list on stdout."),
) -> None:
    """Hybrid (dense + BM25) search over the ingested papers."""
    library = Library(settings_of(ctx))
    known = [summary.paper_id for summary in library.papers()]
    if not known:
        fail("the library is empty; add papers first with `synth ingest PDF_OR_FOLDER_OR_ARXIV_ID`")
    hits = library.search(query, k=k, paper_ids=resolve_paper_ids(paper, known) or None)
    if as_json:
        print_json(hits)
    else:
        show_hits(hits)


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
        console.print(
            f"[bold]{rank}. {escape(hit.title)}[/bold] {escape(f'[{hit.paper_id}]')} "
            f"p.{hit.page}, {escape(hit.section)} (score {hit.score:.4f})\n   {escape(snippet)}",
            highlight=False,
        )


@app.command()
def papers(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="JSON list on stdout."),
) -> None:
    """List the ingested papers."""
    summaries = Library(settings_of(ctx)).papers()
    if as_json:
        print_json(summaries)
        return
    table = Table("title", "authors", "year", "source", "pages", "chunks")
    table.columns.insert(0, Column("paper_id", no_wrap=True))
    for summary in summaries:
        authors = ", ".join(summary.authors[:3]) + (" et al." if len(summary.authors) > 3 else "")
        table.add_row(
            summary.paper_id, summary.title, authors, str(summary.year or ""), summary.source,
            str(summary.pages), str(summary.chunks),
        )
    console.print(table if summaries else "no papers yet; add some with `synth ingest`")


@app.command()
def arxiv(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="arXiv query, e.g. 'all:hybrid batch retrieval'."),
    max_results: int = typer.Option(10, "--max", min=1, help="Most results to list."),
    then_ingest: bool = typer.Option(False, "--ingest", help="Also download and ingest every result."),
) -> None:
    """Search arXiv and list the results; with --ingest, ingest them too."""
    settings = settings_of(ctx)
    with ArxivClient(settings) as client:
        entries = client.search(query, max_results=max_results)
    if not entries:
        console.print(f"arXiv has no results for {escape(query)!r}; try broader words")
    for entry in entries:
        authors = ", ".join(entry.authors[:3]) + (" et al." if len(entry.authors) > 3 else "")
        typer.echo(f"{entry.arxiv_id}\t{entry.year}\t{entry.title}\t{authors}")
    if then_ingest and entries:
        ids = [entry.arxiv_id for entry in entries]
        report_ingest(ingest_sources(ids, settings, Library(settings), found_by=f"arXiv search {query!r}"))
