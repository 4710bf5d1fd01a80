"""`synth report`, `synth audit`, `synth reverify` and `synth ledger show|export`."""

from __future__ import annotations

import shlex
import sys
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from synth.cli.app import (
    EXIT_CHECK_FAILED, EXIT_NO_PAPERS, EXIT_OK, EXIT_SOURCE_UNREACHABLE, LEDGER_HELP, app, fail, print_json, print_line,
    settings_of, sub_app,
)
from synth.cli.inputs import checked_data_dir, checked_papers, checked_question, checked_results_dir
from synth.console import console, error, print_table

if TYPE_CHECKING:
    from synth.index.library import Library
    from synth.report.document import ReportDocument
    from synth.report.ledger import LedgerClaim
    from synth.report.reverify import ClaimChange

ledger_app = sub_app("Inspect the claims ledger.")
app.add_typer(ledger_app, name="ledger")

REPRODUCE_MODES = ("none", "cached", "cpu", "gpu")
DATA_HELP = "LAReQA folder for dataset-fact claims (default: SYNTH_LAREQA_DIR or ../shared/data/lareqa)."
FORMATS_HELP = "Comma-separated subset of md,html,pdf,json."
UNREACHABLE = "arXiv unreachable"
"""How an unreachable arXiv reads in a report limitation (synth.sources.arxiv.unreachable_message)."""
OFFLINE_FIX = "without internet, pass your PDFs with --papers DIR --no-arxiv"
DEFAULT_TOLERANCE = 0.05


def _command_line() -> str:
    return "synth " + shlex.join(sys.argv[1:])


def _summary_line(document: ReportDocument, paths: list[Path]) -> str:
    counts = document.verdict_counts()
    flagged = f", {document.disagreements()} disagreements with the original" if document.audited else ""
    return (f"{len(document.claims)} claims: {counts['supported']} supported, {counts['refuted']} refuted, "
            f"{counts['insufficient_evidence']} insufficient evidence{flagged}; {len(document.sources)} sources "
            f"searched, {len(document.sources_quoted())} quoted; wrote {', '.join(map(str, paths))}")


def unreachable_reason(document: ReportDocument) -> str | None:
    """The first limitation saying arXiv could not be reached, if any."""
    return next((item.why for item in document.limitations if UNREACHABLE in item.why), None)


def finish(document: ReportDocument, paths: list[Path], needs_sources: bool = True) -> None:
    """Summary on stdout; exit 4 when arXiv was unreachable, 3 when no paper matched."""
    print_line(_summary_line(document, paths))
    unreachable = unreachable_reason(document)
    if unreachable:
        error(f"{unreachable.split(';')[0]}; {OFFLINE_FIX}")
        raise typer.Exit(EXIT_SOURCE_UNREACHABLE)
    if needs_sources and not document.sources:
        error("no paper matched the question: none of the sources addresses it, so the report lists no claims; "
              "ask about what the papers study, or pass other papers with --papers DIR")
        raise typer.Exit(EXIT_NO_PAPERS)


@app.command("report")
def report(
    ctx: typer.Context,
    question: str = typer.Option(..., "--question", metavar="TEXT", help="The research question the report answers."),
    papers: list[Path] = typer.Option([], "--papers", metavar="PATH", help="Local PDF file or folder (repeatable)."),
    arxiv: bool = typer.Option(True, "--arxiv/--no-arxiv", help="Search arXiv and follow arXiv references (default: on)."),
    max_papers: int = typer.Option(8, "--max-papers", min=1, metavar="N", help="Papers taken from the arXiv search (and at most as many references)."),
    data: Path | None = typer.Option(None, "--data", metavar="DIR", help=DATA_HELP),
    reproduce: str = typer.Option("cached", "--reproduce", metavar="MODE", help="none, cached (the committed results), cpu or gpu (run it)."),
    formats: str = typer.Option("md,html,pdf,json", "--format", metavar="LIST", help=FORMATS_HELP),
    out: Path = typer.Option(Path("report"), "--out", metavar="DIR", help="Output folder."),
    ledger: Path | None = typer.Option(None, "--ledger", metavar="PATH", help=LEDGER_HELP),
) -> None:
    """Find papers, verify their claims, and render a verified-claims report."""
    from synth.report.files import prepare_output_dir
    from synth.report.pipeline import ReportRequest, build_report
    from synth.report.render import parse_formats, write_report

    settings = settings_of(ctx)
    if reproduce not in REPRODUCE_MODES:
        fail(f"--reproduce {reproduce!r}: use one of {', '.join(REPRODUCE_MODES)}")
    question = checked_question(question)
    data = checked_data_dir(data, settings)
    wanted = parse_formats(formats)
    out = prepare_output_dir(out)
    request = ReportRequest(question=question, out=out, papers=checked_papers(list(papers)), arxiv=arxiv,
                            max_papers=max_papers, data_dir=data, reproduce=reproduce,
                            ledger_path=ledger or settings.ledger_path, command=_command_line())
    document = build_report(request, settings)
    finish(document, write_report(document, out, settings.templates_dir, wanted))


@app.command("audit")
def audit(
    ctx: typer.Context,
    report_path: Path = typer.Argument(..., metavar="REPORT", help="Synthesis report to audit (.txt or .pdf)."),
    data: Path | None = typer.Option(None, "--data", metavar="DIR", help=DATA_HELP),
    out: Path = typer.Option(Path("audit"), "--out", metavar="DIR", help="Output folder."),
    papers: list[Path] = typer.Option([], "--papers", metavar="PATH", help="Local PDFs of the report's references (repeatable)."),
    arxiv: bool = typer.Option(True, "--arxiv/--no-arxiv", help="Fetch references missing from the library from arXiv (default: on)."),
    formats: str = typer.Option("md,html,pdf,json", "--format", metavar="LIST", help=FORMATS_HELP),
    ledger: Path | None = typer.Option(None, "--ledger", metavar="PATH", help=LEDGER_HELP),
) -> None:
    """Re-verify an existing report's claims; show its verdicts next to ours."""
    from synth.report.audit import AuditRequest, audit_report
    from synth.report.files import prepare_output_dir
    from synth.report.render import parse_formats, write_report

    settings = settings_of(ctx)
    data = checked_data_dir(data, settings)
    wanted = parse_formats(formats)
    out = prepare_output_dir(out)
    request = AuditRequest(report=report_path, out=out, papers=checked_papers(list(papers)), arxiv=arxiv,
                           data_dir=data, ledger_path=ledger or settings.ledger_path, command=_command_line())
    document = audit_report(request, settings)
    finish(document, write_report(document, out, settings.templates_dir, wanted), needs_sources=False)


def uncheckable(entries: list[LedgerClaim], library: Library) -> str | None:
    """Why the ledger's text claims cannot be re-checked with this library, if they cannot:
    re-verifying them anyway would record 'no papers are ingested' as their new verdict."""
    text_claims = [entry for entry in entries if entry.latest and entry.latest.method == "text"]
    if not text_claims:
        return None
    held = {summary.paper_id for summary in library.papers()}
    if not held:
        return f"{len(text_claims)} of its claims are judged against papers and none is ingested"
    missing = sorted({entry.paper_id for entry in text_claims if entry.paper_id and entry.paper_id not in held})
    if missing:
        return f"its claims cite papers that are not ingested ({', '.join(missing)})"
    return None


def change_line(change: ClaimChange) -> str:
    """One changed claim: a verdict change, or what moved when the verdict stayed."""
    if change.verdict_changed:
        what = f"verdict {change.before_verdict} -> {change.after_verdict}"
    elif change.confidence_moved:
        what = f"confidence moved, still {change.after_verdict}"
    else:
        what = f"evidence changed, still {change.after_verdict}"
    return f"  {what} ({change.before_confidence or 0:.2f} -> {change.after_confidence:.2f}): {change.claim}"


@app.command("reverify")
def reverify(
    ctx: typer.Context,
    ledger: Path | None = typer.Option(None, "--ledger", metavar="PATH", help=LEDGER_HELP),
    data: Path | None = typer.Option(None, "--data", metavar="DIR", help=DATA_HELP),
    results: Path | None = typer.Option(None, "--results", metavar="DIR", help="Reproduction results folder (default: the committed ones)."),
    papers: list[Path] = typer.Option([], "--papers", metavar="PATH", help="PDFs to (re-)ingest first, e.g. the ledger's sources in CI (repeatable)."),
    tolerance: float = typer.Option(DEFAULT_TOLERANCE, "--tolerance", min=0.0, metavar="X", help="Confidence moves up to X are not changes."),
    out: Path | None = typer.Option(None, "--out", metavar="DIR", help="Where to write reverify-diff.json/.md (default: beside the ledger)."),
    as_json: bool = typer.Option(False, "--json", help="Print the diff as JSON on stdout."),
) -> None:
    """Re-verify every ledger claim; exit 1 when any verdict changed."""
    from synth.index.library import Library
    from synth.report.files import prepare_output_dir
    from synth.report.reverify import reverify_ledger, write_diff
    from synth.report.stages import verify

    settings = settings_of(ctx)
    ledger_path = ledger or settings.ledger_path
    if not ledger_path.exists():
        fail(f"ledger {ledger_path} does not exist; run synth report/audit/verify first or pass --ledger")
    data, results = checked_data_dir(data, settings), checked_results_dir(results)
    library = Library(settings)
    if papers:
        from synth.ingest.run import ingest_sources

        console.print(ingest_sources([str(p) for p in checked_papers(list(papers))], settings, library).line())
    why = uncheckable(_ledger_claims(ctx, ledger_path), library)
    if why:
        fail(f"ledger {ledger_path} cannot be re-checked: {why}; pass them with --papers DIR "
             "(e.g. reports/corpus) or `synth ingest` them first")
    diff = reverify_ledger(ledger_path, lambda claims: verify(claims, library, settings, data, results), tolerance)
    paths = write_diff(diff, prepare_output_dir(out or ledger_path.parent))
    summary = (f"{diff.claims_checked} claims re-verified: {diff.verdict_changes} verdict changes, "
               f"{diff.confidence_moves} confidence moves beyond {tolerance:.2f}; wrote {', '.join(map(str, paths))}")
    if as_json:
        print_json(diff)
        console.print(summary)
    else:
        print_line(summary)
        for change in diff.changes:
            print_line(change_line(change))
    raise typer.Exit(EXIT_CHECK_FAILED if diff.changed else EXIT_OK)


def _ledger_claims(ctx: typer.Context, ledger: Path | None) -> list[LedgerClaim]:
    """Every claim of an existing ledger (never creates one)."""
    from synth.report.ledger import Ledger

    with closing(Ledger(ledger or settings_of(ctx).ledger_path, create=False)) as opened:
        return opened.claims()


def exported(entry: LedgerClaim) -> dict:
    """A ledger claim as JSON, its text under ``claim`` as in every other command's output."""
    data = entry.model_dump(mode="json")
    return {"id": data.pop("id"), "claim": data.pop("text"), **data}


@ledger_app.command("show")
def ledger_show(
    ctx: typer.Context,
    ledger: Path | None = typer.Option(None, "--ledger", metavar="PATH", help=LEDGER_HELP),
    as_json: bool = typer.Option(False, "--json", help="Claims with their latest verdict as JSON on stdout."),
) -> None:
    """Each claim with its latest verdict and how many times it was checked (a table, tab-separated when piped)."""
    entries = _ledger_claims(ctx, ledger)
    if as_json:
        print_json([{"id": e.id, "claim": e.text, "paper_id": e.paper_id, "checks": len(e.history),
                     **(e.latest.model_dump(include={"verdict", "confidence", "method", "recorded_at"}) if e.latest else {})}
                    for e in entries])
        return
    rows = []
    for entry in entries:
        latest = entry.latest
        rows.append((entry.id, entry.text, latest.verdict if latest else "-", f"{latest.confidence:.2f}" if latest else "-",
                     latest.method if latest else "-", str(len(entry.history)), latest.recorded_at if latest else "-"))
    print_table(("id", "claim", "verdict", "confidence", "method", "checks", "recorded_at"), rows,
                title=f"{len(entries)} claims")


@ledger_app.command("export")
def ledger_export(
    ctx: typer.Context,
    ledger: Path | None = typer.Option(None, "--ledger", metavar="PATH", help=LEDGER_HELP),
    as_json: bool = typer.Option(True, "--json/--jsonl", help="One JSON document (default) or one claim per line."),
) -> None:
    """Every claim with its full verdict history, on stdout."""
    import json

    entries = [exported(entry) for entry in _ledger_claims(ctx, ledger)]
    if as_json:
        print_json(entries)
        return
    for entry in entries:
        print_line(json.dumps(entry, ensure_ascii=False))
