"""Parse an existing synthesis report (plain text or PDF) for ``synth audit``.

The expected shape is that of the example report: a title on the first line,
the research question after "Research question:", a claims table whose rows
are ``claim <TAB> mark <TAB> confidence`` (✓ verified, × not), and arXiv links
in the references. PDF text loses tabs, so a row is recognised by its trailing
mark and number rather than by the tabs, and a row may wrap over lines.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from synth.errors import DataError

_VERIFIED_MARKS = "✓✔☑"
_UNVERIFIED_MARKS = "×✗✘xX☒"
_ROW = re.compile(rf"^(?P<claim>.+?)\s+(?P<mark>[{_VERIFIED_MARKS}{_UNVERIFIED_MARKS}])\s+(?P<confidence>[01]?\.\d+|[01])\s*$")
_HEADER = re.compile(r"^\s*claims?\s+(verified|verdict)\s+confidence\s*$", re.IGNORECASE)
_TABLE_END = re.compile(r"^(\d+\s+)?(references|bibliography|sources)\b", re.IGNORECASE)
_MAX_ROW_LINES = 6
_QUESTION = re.compile(r"research question\s*:\s*(?P<question>.+?\?)", re.IGNORECASE | re.DOTALL)
_ARXIV_ID = re.compile(r"(?:arxiv\.org/(?:abs|pdf)/|arXiv:\s*)(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)")


class ReportedClaim(BaseModel):
    text: str
    verified: bool
    confidence: float
    mark: str
    truncated: bool = False


class ParsedReport(BaseModel):
    path: str
    title: str
    question: str
    claims: list[ReportedClaim]
    arxiv_ids: list[str]


def report_text(path: Path) -> str:
    """Text of a .pdf (pypdf) or of any text file."""
    if not path.is_file():
        raise DataError(f"report {path}: no such file; pass a .txt or .pdf synthesis report")
    if path.suffix.lower() == ".pdf":
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
        except (PdfReadError, ValueError, OSError) as error:
            raise DataError(f"report {path}: unreadable PDF ({error}); pass the report as text or a valid PDF") from error
    return path.read_text(encoding="utf-8", errors="replace")


def _claims_table(lines: list[str]) -> list[ReportedClaim]:
    start = next((i + 1 for i, line in enumerate(lines) if _HEADER.match(line.replace("\t", " "))), None)
    if start is None:
        return []
    claims: list[ReportedClaim] = []
    pending: list[str] = []  # a row wrapped over several lines (PDF text)
    for line in (line.strip() for line in lines[start:]):
        if _TABLE_END.match(line) or len(pending) > _MAX_ROW_LINES:
            break
        if not line:
            continue
        pending.append(line)
        match = _ROW.match(" ".join(pending))
        if match is None:
            continue
        pending = []
        text = match["claim"].strip()
        claims.append(
            ReportedClaim(
                text=text,
                verified=match["mark"] in _VERIFIED_MARKS,
                confidence=float(match["confidence"]),
                mark=match["mark"],
                truncated=text.endswith((",", ";", ":")) or not text.endswith((".", "!", "?", ")")),
            )
        )
    return claims


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def parse_report(path: Path) -> ParsedReport:
    """Title, question, claims and arXiv references of a report; a report
    without a claims table is refused, since there would be nothing to audit."""
    path = Path(path)
    text = report_text(path)
    lines = [line.rstrip() for line in text.splitlines()]
    claims = _claims_table(lines)
    if not claims:
        raise DataError(
            f"report {path}: no claims table found (expected a 'Claim  Verified  Confidence' header "
            "followed by rows 'claim <tab> ✓|× <tab> 0.42'); nothing to audit"
        )
    title = next((line.strip() for line in lines if line.strip()), path.stem)
    question = _QUESTION.search(text)
    return ParsedReport(
        path=str(path),
        title=title,
        question=" ".join(question["question"].split()) if question else title,
        claims=claims,
        arxiv_ids=_unique([match["id"] for match in _ARXIV_ID.finditer(text)]),
    )
