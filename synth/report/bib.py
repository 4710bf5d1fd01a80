"""sources.bib: one BibTeX entry per report source, LaTeX control text escaped."""

from __future__ import annotations

import re
from typing import Iterable

from synth.report.document import Source

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}
_LATEX_PATTERN = re.compile("|".join(re.escape(char) for char in _LATEX_SPECIAL))
_ARXIV_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")


def escape_latex(text: str) -> str:
    """Paper text is data: a title with ``$x$`` or ``\\cite`` must print as written."""
    flat = " ".join(str(text).split())
    return _LATEX_PATTERN.sub(lambda match: _LATEX_SPECIAL[match.group()], flat)


def citation_key(source_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9:.-]", "-", source_id)


def _entry(source: Source) -> str:
    fields = {
        "title": "{" + escape_latex(source.title) + "}",
        "author": " and ".join(escape_latex(name) for name in source.authors),
        "year": str(source.year) if source.year else "",
        "url": source.url or "",
        "note": escape_latex(f"Found by: {source.found_by}") if source.found_by else "",
    }
    if _ARXIV_ID.match(source.id):
        fields.update(eprint=source.id, archiveprefix="arXiv")
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@misc{{{citation_key(source.id)},\n{body}\n}}\n"


def render_bib(sources: Iterable[Source]) -> str:
    return "\n".join(_entry(source) for source in sources)
