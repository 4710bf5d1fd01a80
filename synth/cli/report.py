"""`synth report`, `synth audit`, `synth reverify` and `synth ledger show|export`."""

from __future__ import annotations

import shlex
import sys
from contextlib import closing
from pathlib import Path

import typer
from rich.table import Table

from synth.cli.app import LEDGER_HELP, app, console, fail, print_json, settings_of
from synth.report.document import ReportDocument
from synth.report.files import prepare_output_dir
from synth.report.render import parse_formats, write_report

ledger_app = typer.Typer(no_args_is_help=True, help="Inspect the claims ledger.")
app.add_typer(ledger_app, name="ledger")

REPRODUCE_MODES = ("none", "cached", "cpu", "gpu")
DATA_HELP = "LAReQA folder for dataset-fact claims (default: SYNTH_LAREQA_DIR or ../shared/data/lareqa)."


def _command_line() -> str:
    return "synth " + shlex.join(sys.argv[1:])


def _summary_line(document: ReportDocument, paths: list[Path]) -> str:
    counts = document.verdict_counts()
    flagged = f", {document.disagreements()} disagreements with the original" if document.audited else ""
    return (f"{len(document.claims)} claims: {counts['supported']} supported, {counts['refuted']} refuted, "
            f"{counts['insufficient_evidence']} insufficient evidence{flagged}; wrote {', '.join(map(str, paths))}")


@app.command("report")
def report(
    ctx: typer.Context,
    question: str = typer.Option(..., "--question", help="The research question the report answers."),
    papers: list[Path] = typer.Option([], "--papers", help="Local PDF file or folder (repeatable)."),
    arxiv: bool = typer.Option(True, "--arxiv/--no-arxiv", help="Search arXiv and follow arXiv references."),
    max_papers: int = typer.Option(8, "--max-papers", min=1, help="Papers taken from the arXiv search (and at most as many references)."),
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
    reproduce: str = typer.Option("cached", "--reproduce", help="none | cached (committed results) | cpu | gpu (run it)."),
    formats: str = typer.Option("md,html,pdf,json", "--format", help="Comma-separated: md,html,pdf,json."),
    out: Path = typer.Option(Path("report"), "--out", help="Output folder."),
    ledger: Path | None = typer.Option(None, "--ledger", help=LEDGER_HELP),
) -> None:
    """Find papers, verify their claims, and render a verified-claims report."""
    from synth.report.pipeline import NO_PAPERS_EXIT, ReportRequest, build_report

    settings = settings_of(ctx)
    if reproduce not in REPRODUCE_MODES:
        fail(f"--reproduce {reproduce!r}: use one of {', '.join(REPRODUCE_MODES)}")
    if not question.strip():
        fail("--question is empty; pass the research question in quotes")
    wanted = parse_formats(formats)
    out = prepare_output_dir(out)
    request = ReportRequest(question=question.strip(), out=out, papers=list(papers), arxiv=arxiv,
                            max_papers=max_papers, data_dir=data, reproduce=reproduce,
                            ledger_path=ledger or settings.ledger_path, command=_command_line())
    document = build_report(request, settings)
    paths = write_report(document, out, settings.templates_dir, wanted)
    if not document.sources:
        console.print(f"no papers matched the question; wrote {', '.join(map(str, paths))}")
        raise typer.Exit(NO_PAPERS_EXIT)
    console.print(_summary_line(document, paths))


@app.command("audit")
def audit(
    ctx: typer.Context,
    report_path: Path = typer.Argument(..., metavar="REPORT", help="Synthesis report to audit (.txt or .pdf)."),
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
    out: Path = typer.Option(Path("audit"), "--out", help="Output folder."),
    papers: list[Path] = typer.Option([], "--papers", help="Local PDFs of the report's references (repeatable)."),
    arxiv: bool = typer.Option(True, "--arxiv/--no-arxiv", help="Fetch references missing from the library from arXiv."),
    formats: str = typer.Option("md,html,pdf,json", "--format", help="Comma-separated: md,html,pdf,json."),
    ledger: Path | None = typer.Option(None, "--ledger", help=LEDGER_HELP),
) -> None:
    """Re-verify an existing report's claims; show its verdicts next to ours."""
    from synth.report.audit import AuditRequest, audit_report

    settings = settings_of(ctx)
    wanted = parse_formats(formats)
    out = prepare_output_dir(out)
    request = AuditRequest(report=report_path, out=out, papers=list(papers), arxiv=arxiv, data_dir=data,
                           ledger_path=ledger or settings.ledger_path, command=_command_line())
    document = audit_report(request, settings)
    console.print(_summary_line(document, write_report(document, out, settings.templates_dir, wanted)))


@app.command("reverify")
def reverify(
    ctx: typer.Context,
    ledger: Path | None = typer.Option(None, "--ledger", help=LEDGER_HELP),
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
    results: Path | None = typer.Option(None, "--results", help="Reproduction results folder (default: the committed ones)."),
    papers: list[Path] = typer.Option([], "--papers", help="PDFs to (re-)ingest first, e.g. the ledger's sources in CI."),
    tolerance: float = typer.Option(0.05, "--tolerance", min=0.0, help="Confidence moves up to this are not changes."),
    out: Path | None = typer.Option(None, "--out", help="Where to write reverify-diff.json/.md (default: beside the ledger)."),
    as_json: bool = typer.Option(False, "--json", help="Print the diff as JSON on stdout."),
) -> None:
    """Re-verify every ledger claim; exit 1 when any verdict changed."""
    from synth.index.library import Library
    from synth.report.reverify import reverify_ledger, write_diff
    from synth.report.stages import verify

    settings = settings_of(ctx)
    ledger_path = ledger or settings.ledger_path
    if not ledger_path.exists():
        fail(f"ledger {ledger_path} does not exist; run synth report/audit/verify first or pass --ledger")
    library = Library(settings)
    if papers:
        from synth.ingest.run import ingest_sources

        console.print(ingest_sources([str(p) for p in papers], settings, library).line())
    diff = reverify_ledger(ledger_path, lambda claims: verify(claims, library, settings, data, results), tolerance)
    paths = write_diff(diff, prepare_output_dir(out or ledger_path.parent))
    if as_json:
        print_json(diff)
    console.print(f"{diff.claims_checked} claims re-verified: {diff.verdict_changes} verdict changes, "
                  f"{diff.confidence_moves} confidence moves beyond {tolerance:.2f}; wrote {', '.join(map(str, paths))}")
    for change in diff.changes:
        console.print(f"  {change.before_verdict} -> {change.after_verdict} "
                      f"({change.before_confidence or 0:.2f} -> {change.after_confidence:.2f}): {change.claim[:90]}",
                      highlight=False, markup=False)
    raise typer.Exit(1 if diff.changed else 0)


def _ledger_claims(ctx: typer.Context, ledger: Path | None) -> list:
    """Every claim of an existing ledger (never creates one)."""
    from synth.report.ledger import Ledger

    with closing(Ledger(ledger or settings_of(ctx).ledger_path, create=False)) as opened:
        return opened.claims()


@ledger_app.command("show")
def ledger_show(
    ctx: typer.Context,
    ledger: Path | None = typer.Option(None, "--ledger", help=LEDGER_HELP),
    as_json: bool = typer.Option(False, "--json", help="Claims with their latest verdict as JSON on stdout."),
) -> None:
    """Each claim with its latest verdict and how many times it was checked."""
    entries = _ledger_claims(ctx, ledger)
    if as_json:
        print_json([{"id": e.id, "claim": e.text, "paper_id": e.paper_id, "checks": len(e.history),
                     **(e.latest.model_dump(include={"verdict", "confidence", "method", "recorded_at"}) if e.latest else {})}
                    for e in entries])
        return
    table = Table("claim", "verdict", "conf.", "method", "checks", "last checked", title=f"{len(entries)} claims")
    for entry in entries:
        latest = entry.latest
        table.add_row(entry.text[:80], latest.verdict if latest else "-", f"{latest.confidence:.2f}" if latest else "-",
                      latest.method if latest else "-", str(len(entry.history)), latest.recorded_at if latest else "-")
    console.print(table)


@ledger_app.command("export")
def ledger_export(
    ctx: typer.Context,
    ledger: Path | None = typer.Option(None, "--ledger", help=LEDGER_HELP),
    as_json: bool = typer.Option(True, "--json/--jsonl", help="One JSON document (default) or one claim per line."),
) -> None:
    """Every claim with its full verdict history, on stdout."""
    entries = _ledger_claims(ctx, ledger)
    if as_json:
        print_json(entries)
        return
    for entry in entries:
        sys.stdout.write(entry.model_dump_json() + "\n")

