"""Claim commands: ``synth claims extract``, ``synth verify``, ``synth premises``.

Names, flags and JSON fields are interfaces (issue 4); keep them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from synth.cli.app import EXIT_CHECK_FAILED, LEDGER_HELP, app, fail, print_json, print_line, settings_of, sub_app
from synth.cli.inputs import checked_data_dir, checked_question, checked_results_dir
from synth.console import console, progress, styled

if TYPE_CHECKING:
    from synth.index.library import Library
    from synth.records import Evidence

claims_app = sub_app("Claim extraction from ingested papers.")
app.add_typer(claims_app, name="claims")
DEFAULT_LLM_TOP = 20


def _library_with_papers(ctx: typer.Context) -> Library:
    from synth.index.library import Library

    library = Library(settings_of(ctx))
    if not library.papers():
        fail("no papers are ingested; add some first with `synth ingest PDF_OR_FOLDER_OR_ARXIV_ID`")
    return library


def where(paper_id: str | None, page: int | None) -> str:
    """``paper p.3``, or just the paper (or data) when there is no page."""
    named = paper_id or "data"
    return named if page is None else f"{named} p.{page}"


@claims_app.command("extract")
def extract(
    ctx: typer.Context,
    paper_ids: list[str] = typer.Argument(..., metavar="PAPER_ID...", help="Ingested paper ids (the first column of `synth papers`)."),
    question: str | None = typer.Option(None, "--question", metavar="TEXT", help="Rank claims by relevance to this question too."),
    top: int | None = typer.Option(None, "--top", min=1, metavar="N", help="Keep the best N claims."),
    as_json: bool = typer.Option(False, "--json", help="JSON list of claims on stdout."),
) -> None:
    """Checkable claims of papers with a calibrated confidence, best first."""
    from synth.claims.extract import extract_claims
    from synth.claims.llm import llm_extract_claims
    from synth.llm.chat import chat_model

    question = checked_question(question) if question is not None else None
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
                  llm_extract_claims(model, library.paper(paper_id), question, top or DEFAULT_LLM_TOP)]
    if as_json:
        print_json(claims)
        return
    for claim in claims:
        located = where(claim.paper_id, claim.location.page) if claim.location else claim.paper_id
        print_line(f"{claim.confidence:.2f}  [{located}] {' '.join(claim.text.split())}")


def _evidence_line(evidence: Evidence) -> str:
    return f"    [{where(evidence.paper_id, evidence.page)}] \"{' '.join(evidence.quote.split())}\""


def _listed_claim(text: str, read_chars: int) -> str:
    """The claim as the listing shows it: the part the verifier read, and the length of a longer one
    (a 1 MB claim is not echoed whole; ``--json`` and the ledger keep every character)."""
    if len(text) <= read_chars:
        return text
    return f"{text[:read_chars]}... ({len(text):,} characters; only the first {read_chars:,} were read)"


@app.command()
def verify(
    ctx: typer.Context,
    claims_file: Path = typer.Argument(..., metavar="CLAIMS_JSONL", help='One {"text", "paper_id"?, "id"?} per line.'),
    data: Path | None = typer.Option(None, "--data", metavar="DIR", help="LAReQA folder (xquad-r/, mlqa-r/); default SYNTH_LAREQA_DIR."),
    results: Path | None = typer.Option(None, "--results", metavar="DIR", help="Reproduction results folder (*/result.json); default the committed ones."),
    ledger: Path | None = typer.Option(None, "--ledger", metavar="PATH", help=LEDGER_HELP),
    as_json: bool = typer.Option(False, "--json", help="JSON list of verifications on stdout."),
) -> None:
    """Verdict, calibrated confidence and quoted evidence for each claim; bad lines
    are reported and skipped (exit 1)."""
    from synth.report.ledger import record_verifications
    from synth.verify.inputs import read_claims
    from synth.verify.run import verify_claims

    settings = settings_of(ctx)
    data, results = checked_data_dir(data, settings), checked_results_dir(results)
    claims, problems = read_claims(claims_file)
    for problem in problems:
        console.print(styled("skipped", "red", problem))
    if not claims:
        fail(f"{claims_file}: no claims to verify; write one JSON object per line with a \"text\" field")
    with progress("verify", len(claims)) as advance:
        verifications = verify_claims(claims, None, settings, data_dir=data, results_dir=results, on_done=advance)
    record_verifications(ledger or settings.ledger_path, verifications, f"verify {claims_file.name}", claims)
    if as_json:
        print_json(verifications)
    else:
        for verification in verifications:
            print_line(f"{verification.verdict:<22} {verification.confidence:.2f} {verification.method:<12} "
                   f"{_listed_claim(verification.claim, settings.verify.nli.max_claim_chars)}\n    {verification.rationale}")
            for evidence in verification.evidence[:1]:
                print_line(_evidence_line(evidence))
    if problems:
        raise typer.Exit(EXIT_CHECK_FAILED)


@app.command()
def premises(
    ctx: typer.Context,
    question: str = typer.Option(..., "--question", metavar="TEXT", help="The research question to check."),
    as_json: bool = typer.Option(False, "--json", help="JSON list of premise checks on stdout."),
) -> None:
    """The question's presuppositions and whether the ingested papers support each."""
    from synth.claims.premises import check_premises
    from synth.index.library import Library

    settings = settings_of(ctx)
    checks = check_premises(checked_question(question), Library(settings), settings)
    if as_json:
        print_json(checks)
        return
    if not checks:
        console.print("the question names no dataset, benchmark, method, model, metric or language to check")
    for check in checks:
        print_line(f"{check.status:<14} {check.premise}\n    {check.rationale}")
