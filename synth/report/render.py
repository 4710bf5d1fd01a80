"""Render a ``ReportDocument`` into Markdown, HTML, PDF, JSON and BibTeX.

One document in, every format out: the templates read only the document (and
the figure files it names), so ``report.json`` alone reproduces the others.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
import re
from pathlib import Path
from typing import Callable, Iterable

import jinja2

from synth.errors import ConfigError
from synth.report.bib import render_bib
from synth.report.document import ReportDocument, save_document
from synth.files import write_bytes_atomic, write_text_atomic
from synth.report.files import prepare_output_dir
from synth.reproduce.result import Interval

FORMATS = ("md", "html", "pdf", "json")
"""Formats ``--format`` accepts; sources.bib is written with every report."""

OUTPUT_NAMES = {"md": "report.md", "html": "report.html", "pdf": "report.pdf", "json": "report.json"}

VERDICT_LABELS = {
    "supported": "supported",
    "refuted": "refuted",
    "insufficient_evidence": "insufficient evidence",
}

RATIONALE_CHARS = 300
"""Rationales longer than this are cut in the HTML/PDF claims table and printed in full below it."""

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$&])")


def escape_markdown(text: object) -> str:
    """Backslash-escape Markdown control characters and fold newlines, so that
    paper text (titles, quotes) is shown literally and cannot open a link,
    emphasis, raw HTML, math or a table cell."""
    flat = " ".join(str(text).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def format_interval(interval: Interval, digits: int = 3) -> str:
    return f"{interval.mean:.{digits}f} [{interval.low:.{digits}f}, {interval.high:.{digits}f}]"


def format_citation(citation) -> str:
    return citation.paper_id if citation.page is None else f"{citation.paper_id}, p. {citation.page}"


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
        squash=lambda text: " ".join(str(text).split()),
    )
    environment.tests["longer_than"] = lambda text, limit: len(text) > limit
    environment.globals["RATIONALE_CHARS"] = RATIONALE_CHARS
    return environment


def _context(document: ReportDocument, templates_dir: Path, base_dir: Path) -> dict:
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

    report.json is always written (first): it is the single input of the rest.
    """
    out = prepare_output_dir(out)
    wanted = set(formats)
    save_document(document, out / "report.json")
    written = [out / "report.json"]
    html = render_html(document, templates_dir, out) if wanted & {"html", "pdf"} else ""
    if "md" in wanted:
        write_text_atomic(out / "report.md", render_markdown(document, templates_dir, out))
        written.append(out / "report.md")
    if "html" in wanted:
        write_text_atomic(out / "report.html", html)
        written.append(out / "report.html")
    if "pdf" in wanted:
        write_bytes_atomic(out / "report.pdf", render_pdf(html, out))
        written.append(out / "report.pdf")
    write_text_atomic(out / "sources.bib", render_bib(document.sources))
    written.append(out / "sources.bib")
    return written
