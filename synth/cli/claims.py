"""Claim commands: ``synth claims extract``, ``synth verify``, ``synth premises``.

Names, flags and JSON fields are interfaces (issue 4); keep them.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from synth.claims.extract import extract_claims
from synth.claims.llm import llm_extract_claims
from synth.claims.premises import check_premises
from synth.cli.app import LEDGER_HELP, app, console, fail, print_json, settings_of
from synth.index.library import Library
from synth.llm.chat import chat_model
from synth.report.ledger import record_verifications
from synth.verify.inputs import read_claims
from synth.verify.run import verify_claims

claims_app = typer.Typer(help="Claim extraction from ingested papers.", no_args_is_help=True)
app.add_typer(claims_app, name="claims")


def _library_with_papers(ctx: typer.Context) -> Library:
    library = Library(settings_of(ctx))
    if not library.papers():
        fail("no papers are ingested; add some first with `synth ingest PDF_OR_FOLDER_OR_ARXIV_ID`")
    return library


@claims_app.command("extract")
def extract(
    ctx: typer.Context,
    paper_ids: list[str] = typer.Argument(..., help="Ingested paper ids (see `synth papers`)."),
    question: str | None = typer.Option(None, "--question", help="Rank claims by relevance to this question too."),
    top: int | None = typer.Option(None, "--top", min=1, help="Keep the best N claims."),
    as_json: bool = typer.Option(False, "--json", help="JSON list of claims on stdout."),
) -> None:
    """Checkable claims of papers with a calibrated confidence, best first."""
    library = _library_with_papers(ctx)
    known = {summary.paper_id for summary in library.papers()}
    unknown = [paper_id for paper_id in paper_ids if paper_id not in known]
    if unknown:
        fail(f"unknown paper id(s) {', '.join(unknown)}; list the ingested ones with `synth papers`")
    model = chat_model(settings_of(ctx))
    if model is None:
        claims = extract_claims(library, paper_ids, question=question, top=top)
    else:
        claims = [claim for paper_id in paper_ids for claim in
                  llm_extract_claims(model, library.paper(paper_id), question, top or 20)]
    if as_json:
        print_json(claims)
        return
    for claim in claims:
        where = f"{claim.paper_id} p.{claim.location.page}" if claim.location else claim.paper_id
        typer.echo(f"{claim.confidence:.2f}  [{where}] {' '.join(claim.text.split())}")


def _progress() -> Progress:
    return Progress(TextColumn("verify"), BarColumn(), MofNCompleteColumn(), console=console, transient=True)


@app.command()
def verify(
    ctx: typer.Context,
    claims_file: Path = typer.Argument(..., help='JSONL: one {"text", "paper_id"?, "id"?} per line.'),
    data: Path | None = typer.Option(None, "--data", help="LAReQA folder (xquad-r/, mlqa-r/); default SYNTH_LAREQA_DIR."),
    results: Path | None = typer.Option(None, "--results", help="Reproduction results folder (*/result.json)."),
    ledger: Path | None = typer.Option(None, "--ledger", help=LEDGER_HELP),
    as_json: bool = typer.Option(False, "--json", help="JSON list of verifications on stdout."),
) -> None:
    """Verdict, calibrated confidence and quoted evidence for each claim; bad lines are reported and skipped."""
    settings = settings_of(ctx)
    claims, problems = read_claims(claims_file)
    for problem in problems:
        console.print(f"[red]skipped[/red] {escape(problem)}", highlight=False)
    with _progress() as bar:
        task = bar.add_task("verify", total=len(claims))
        verifications = verify_claims(claims, None, settings, data_dir=data, results_dir=results,
                                      on_done=lambda: bar.advance(task))
    record_verifications(ledger or settings.ledger_path, verifications, f"verify {claims_file.name}", claims)
    if as_json:
        print_json(verifications)
    else:
        for verification in verifications:
            typer.echo(f"{verification.verdict:<22} {verification.confidence:.2f} {verification.method:<12} "
                       f"{verification.claim}\n    {verification.rationale}")
            for evidence in verification.evidence[:1]:
                typer.echo(f"    [{evidence.paper_id} p.{evidence.page}] \"{' '.join(evidence.quote.split())}\"")
    if problems:
        raise typer.Exit(1)


@app.command()
def premises(
    ctx: typer.Context,
    question: str = typer.Option(..., "--question", help="The research question to check."),
    as_json: bool = typer.Option(False, "--json", help="JSON list of premise checks on stdout."),
) -> None:
    """The question's presuppositions and whether the ingested papers support each."""
    settings = settings_of(ctx)
    checks = check_premises(question, Library(settings), settings)
    if as_json:
        print_json(checks)
        return
    if not checks:
        typer.echo("the question names no dataset, benchmark, method, model, metric or language to check")
    for check in checks:
        typer.echo(f"{check.status:<14} {check.premise}\n    {check.rationale}")
