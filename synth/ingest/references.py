"""The References section as a list of entries, each with its arXiv id and DOI when it cites them."""

from __future__ import annotations

import re

from synth.ingest.sections import span_text
from synth.records import Page, Reference, SectionSpan
from synth.sources.ids import normalize_arxiv_id

_NEW_STYLE = r"\d{4}\.\d{4,5}(?:v\d+)?"
_OLD_STYLE = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?"
_ARXIV_MENTIONS = (
    re.compile(rf"arxiv\.org/(?:abs|pdf)/({_NEW_STYLE}|{_OLD_STYLE})", re.IGNORECASE),
    re.compile(rf"arxiv:\s*({_NEW_STYLE}|{_OLD_STYLE})", re.IGNORECASE),
)
_BARE_NEW_STYLE = re.compile(rf"(?<![\d.])({_NEW_STYLE})(?![\d.]\d)")

_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
_DOI_TRAILING = ".,;:)]}"

_BRACKET_MARKER = re.compile(r"^\[\d{1,3}\]\s*", re.MULTILINE)
_LABEL_MARKER = re.compile(r"^(?=\[[A-Z][^\]\n]{1,60}\d{4}[a-z]?\]\s)", re.MULTILINE)
"""``[Agirre et al.2014] Eneko Agirre, ...`` (the label is kept: it is how the body cites the entry)."""
_NUMBER_MARKER = re.compile(r"^\d{1,3}\.\s+(?=[A-Z])", re.MULTILINE)
_AUTHOR_START = re.compile(
    r"^(?:[A-Z][A-Za-z'\-]+,\s|[A-Z]\.\s?(?:[A-Z]\.\s?)*[A-Z][a-z]"
    r"|[A-Z][a-z]+(?:\s[A-Z]\.)*\s(?:[a-z]{1,3}\s)?[A-Z][A-Za-z'\-\u00c0-\u024f]+(?:,\s|\sand\s|\.\s))"
)
"""An entry opens with ``Lee, J.``, ``J. Lee`` or ``Jinhyuk Lee,`` / ``Jinhyuk Lee and`` (ICLR, NeurIPS)."""


def find_arxiv_id(text: str) -> str | None:
    """The arXiv id an entry cites (version kept when given), or None.

    Looks for an arxiv.org URL, then an ``arXiv:`` prefix, then, only in an
    entry that mentions arXiv at all, a bare new-style id (``CoRR abs/1911.02116``).
    """
    for pattern in _ARXIV_MENTIONS:
        match = pattern.search(text)
        if match and normalize_arxiv_id(match.group(1)):
            return match.group(1)
    bare = _BARE_NEW_STYLE.search(text) if "arxiv" in text.lower() else None
    return bare.group(1) if bare else None


def find_doi(text: str) -> str | None:
    """The DOI an entry cites (``10.18653/v1/N18-3011``), trailing punctuation dropped, or None."""
    match = _DOI.search(text)
    return match.group(1).rstrip(_DOI_TRAILING) if match else None


def references_text(pages: list[Page], sections: list[SectionSpan]) -> str:
    """Text of the last References section, without its heading line."""
    positions = [i for i, span in enumerate(sections) if span.name.lower().endswith(("references", "bibliography"))]
    if not positions:
        return ""
    return span_text(pages, sections, positions[-1]).partition("\n")[2]


def split_entries(text: str) -> list[str]:
    """One string per entry: ``[n]``, ``[Label2014]`` or ``n.`` markers, else author-led lines after a full stop."""
    for marker in (_BRACKET_MARKER, _LABEL_MARKER, _NUMBER_MARKER):
        if len(marker.findall(text)) >= 2:
            return [_one_line(entry) for entry in marker.split(text) if entry.strip()]
    entries: list[list[str]] = []
    for line in text.split("\n"):
        starts_entry = not entries or (entries[-1][-1].rstrip().endswith(".") and _AUTHOR_START.match(line))
        if starts_entry:
            entries.append([line])
        else:
            entries[-1].append(line)
    return [_one_line("\n".join(lines)) for lines in entries if "".join(lines).strip()]


def _one_line(entry: str) -> str:
    """An entry's lines joined by single spaces."""
    return re.sub(r"\s*\n\s*", " ", entry.strip())


def parse_references(pages: list[Page], sections: list[SectionSpan]) -> list[Reference]:
    return [Reference(text=entry, arxiv_id=find_arxiv_id(entry), doi=find_doi(entry))
            for entry in split_entries(references_text(pages, sections))]
