"""Render a ``ReportDocument`` into Markdown, HTML, PDF, JSON and BibTeX.

One document in, every format out: the templates read only the document (and
the figure files it names), so ``report.json`` alone reproduces the others.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
import os
import re
import shutil
import secrets
import signal
from pathlib import Path
from typing import Callable, Iterable

import jinja2

from synth.errors import ConfigError
from synth.report.bib import render_bib
from synth.records import Check
from synth.report.document import ReportDocument, save_document
from synth.console import console
from synth.files import write_bytes_atomic, write_text_atomic, writing
from synth.report.files import prepare_output_dir
from synth.reproduce.result import Interval

FORMATS = ("md", "html", "pdf", "json")
"""Formats ``--format`` accepts; sources.bib is written with every report."""

OUTPUT_NAMES = {"md": "report.md", "html": "report.html", "pdf": "report.pdf", "json": "report.json"}
BIB_NAME = "sources.bib"
STAGING_PREFIX = ".synth-render-"
STAGING_TOKEN_BYTES = 8
"""Random bytes in a staging folder's name beside the process id: concurrent renders into one folder never share it."""
"""Staging folders inside --out; one left by a killed run is harmless and ignored."""

VERDICT_LABELS = {
    "supported": "supported",
    "refuted": "refuted",
    "insufficient_evidence": "insufficient evidence",
}

RATIONALE_CHARS = 300
"""Rationales longer than this are cut in the HTML/PDF claims table and printed in full below it."""
SHOWN_CHARS = 500
"""Question, title and command line are cut to this many characters in md/html/pdf (not in JSON)."""

STANDING_NOTES = {
    "claimed_only": "its paper's own statement; no independent check confirmed it",
    "retrieved": "a matching passage, not a checked claim",
}
"""How the answer marks a sentence that no check supported (synth.report.document.SummarySentence.standing)."""


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$&])")


def escape_markdown(text: object) -> str:
    """Backslash-escape Markdown control characters and fold newlines, so that
    paper text (titles, quotes) is shown literally and cannot open a link,
    emphasis, raw HTML, math or a table cell."""
    flat = " ".join(str(text).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


_LONG_DECIMAL = re.compile(r"-?\d+\.\d{5,}")
SETTING_DIGITS = 4
"""Significant digits a long decimal setting is shown with (the JSON keeps every digit)."""


def format_setting(value: str) -> str:
    """A recorded setting as a reader wants it: ``0.3333333333333333`` -> ``0.3333``; anything else as it is."""
    return f"{float(value):.{SETTING_DIGITS}g}" if _LONG_DECIMAL.fullmatch(value) else value


def format_interval(interval: Interval, digits: int = 3) -> str:
    return f"{interval.mean:.{digits}f} [{interval.low:.{digits}f}, {interval.high:.{digits}f}]"


def format_citation(citation) -> str:
    return citation.paper_id if citation.page is None else f"{citation.paper_id}, p. {citation.page}"


CHANNEL_LABELS = {"source_text": "source text", "other_sources": "other papers",
                  "internal_consistency": "own paper elsewhere", "dataset": "data files", "reproduction": "reproduction"}


def format_checks(checks: list[Check]) -> str:
    """The checks of one claim in a table cell: 'other papers: silent ×2; reproduction: contradicts
    (not counted)'; a provenance-only entry is left to the evidence cell ("claimed by")."""
    tally: dict[str, int] = {}
    for check in checks:
        if check.channel == "source_text" and check.outcome == "not_applicable" and "claimed by" in check.note:
            continue
        counted = "" if check.decides or check.outcome in ("silent", "not_applicable") else " (not counted)"
        entry = f"{CHANNEL_LABELS[check.channel]}: {check.outcome.replace('_', ' ')}{counted}"
        tally[entry] = tally.get(entry, 0) + 1
    return "; ".join(entry + (f" ×{count}" if count > 1 else "") for entry, count in tally.items()) or "none"


def parse_formats(spec: str) -> list[str]:
    """``"md,html"`` -> ``["md", "html"]``, naming any unknown format."""
    formats = [part.strip().lower() for part in spec.split(",") if part.strip()]
    unknown = [name for name in formats if name not in FORMATS]
    if unknown or not formats:
        raise ConfigError(f"--format {spec!r}: unknown format {', '.join(unknown) or '(none)'}; use any of {','.join(FORMATS)}")
    return formats


def _data_uri(base_dir: Path) -> Callable[[str], str]:
    """Figures go into the HTML as data URIs so the file is self-contained."""

    def encode(relative_path: str) -> str:
        path = base_dir / relative_path
        if not path.is_file():
            return ""
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"

    return encode


def template_environment(templates_dir: Path) -> jinja2.Environment:
    if not (templates_dir / "report.html.j2").is_file():
        raise ConfigError(f"templates folder {templates_dir} has no report.html.j2; set SYNTH_TEMPLATES_DIR to synth's templates/")
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=lambda name: bool(name) and name.endswith((".html.j2", ".html")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        md=escape_markdown,
        interval=format_interval,
        citation=format_citation,
        verdict=lambda verdict: VERDICT_LABELS.get(verdict, verdict),
        conf=lambda value: f"{value:.2f}",
        setting=format_setting,
        squash=lambda text: " ".join(str(text).split()),
        checks=format_checks,
        channels=lambda channels: ", ".join(CHANNEL_LABELS[c] for c in channels) or "no deciding check",
    )
    environment.tests["longer_than"] = lambda text, limit: len(text) > limit
    environment.globals["RATIONALE_CHARS"] = RATIONALE_CHARS
    environment.globals["STANDING_NOTES"] = STANDING_NOTES
    return environment


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying so and where the rest is."""
    if len(text) <= limit:
        return text
    return f"{text[:limit].rstrip()}… ({len(text):,} characters in all; the full text is in report.json)"


def displayed(document: ReportDocument) -> ReportDocument:
    """The document as md/html/pdf show it: the question (and the title and
    command line that repeat it) cut to SHOWN_CHARS, so a pasted 100 KB question
    cannot stall the PDF layout; report.json keeps the full text."""
    provenance = document.provenance.model_copy(update={"command": shorten(document.provenance.command)})
    return document.model_copy(
        update={"title": shorten(document.title), "question": shorten(document.question), "provenance": provenance}
    )


def _context(document: ReportDocument, templates_dir: Path, base_dir: Path) -> dict:
    document = displayed(document)
    return {
        "doc": document,
        "counts": document.verdict_counts(),
        "css": (templates_dir / "report.css").read_text(encoding="utf-8"),
        "figure_src": _data_uri(base_dir),
        "source_ids": {source.id for source in document.sources},
    }


def render_markdown(document: ReportDocument, templates_dir: Path, base_dir: Path) -> str:
    template = template_environment(templates_dir).get_template("report.md.j2")
    return template.render(_context(document, templates_dir, base_dir))


def render_html(document: ReportDocument, templates_dir: Path, base_dir: Path) -> str:
    template = template_environment(templates_dir).get_template("report.html.j2")
    return template.render(_context(document, templates_dir, base_dir))


def render_pdf(html: str, base_dir: Path) -> bytes:
    """The PDF is the HTML printed by WeasyPrint (A4, page counters in the CSS)."""
    import weasyprint  # imported late: loading it costs about a second

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return weasyprint.HTML(string=html, base_url=str(base_dir)).write_pdf()


def write_report(
    document: ReportDocument, out: Path, templates_dir: Path, formats: Iterable[str] = FORMATS
) -> list[Path]:
    """Write the chosen formats plus sources.bib into ``out``; return the paths.

    Every file is first rendered into a staging folder inside ``out``; only when
    all are done are they moved over the old ones, with SIGINT held back for
    that moment. An interrupted or failed render (the PDF takes the longest)
    leaves the previous set untouched instead of a new report.json beside old
    md/html/pdf files.
    """
    out = prepare_output_dir(out)
    staging = out / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(STAGING_TOKEN_BYTES)}"
    try:
        with writing(out):
            staging.mkdir()
        names = _render_into(document, staging, out, templates_dir, set(formats))
        _swap_in(staging, out, names)
    except KeyboardInterrupt:
        console.print(f"interrupted while rendering; the report files in {out} were left as they were")
        raise
    finally:  # named before it is made, so an interrupt at any point after mkdir leaves no folder behind
        shutil.rmtree(staging, ignore_errors=True)
    return [out / name for name in names]


def _render_into(document: ReportDocument, staging: Path, out: Path, templates_dir: Path, wanted: set[str]) -> list[str]:
    """Render the wanted formats into ``staging`` (figures are read from ``out``); report.json first."""
    save_document(document, staging / OUTPUT_NAMES["json"])
    names = [OUTPUT_NAMES["json"]]
    html = render_html(document, templates_dir, out) if wanted & {"html", "pdf"} else ""
    if "md" in wanted:
        write_text_atomic(staging / OUTPUT_NAMES["md"], render_markdown(document, templates_dir, out))
        names.append(OUTPUT_NAMES["md"])
    if "html" in wanted:
        write_text_atomic(staging / OUTPUT_NAMES["html"], html)
        names.append(OUTPUT_NAMES["html"])
    if "pdf" in wanted:
        write_bytes_atomic(staging / OUTPUT_NAMES["pdf"], render_pdf(html, out))
        names.append(OUTPUT_NAMES["pdf"])
    write_text_atomic(staging / BIB_NAME, render_bib(document.sources))
    names.append(BIB_NAME)
    return names


def _swap_in(staging: Path, out: Path, names: list[str]) -> None:
    """Move the rendered files over the old ones, all or (on a crash) as far as
    it got; Ctrl-C waits until the last one is in place."""
    blocked = hasattr(signal, "pthread_sigmask")
    if blocked:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        with writing(out):
            for name in names:
                os.replace(staging / name, out / name)
    finally:
        if blocked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
