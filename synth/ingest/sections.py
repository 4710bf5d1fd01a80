"""Heading-based section detection on cleaned page text.

A heading is a line of its own: a known name (``Abstract``, ``Introduction``,
``Methods``, ``Results``, ``References``, ``Appendix``...) or a numbered title
(``3 Experiments``, ``3.1 Setup``, ``A Appendix``, ``B.2 Details``); an
abstract may also run in (``Abstract. We study...``). Numbered
titles must follow the numbering so far (``4`` after ``3.x``, ``3.2`` inside
``3``), which keeps lines of body text that start with a number out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from synth.records import Page, SectionSpan

FRONT_MATTER = "Front matter"
"""Section name of text before the first heading (title, authors)."""

MAX_HEADING_WORDS = 12

_KNOWN_NAMES = (
    "abstract", "introduction", "background", "related work", "preliminaries", "method", "methods",
    "methodology", "experiments", "experimental setup", "experimental results", "results", "discussion",
    "limitations", "conclusion", "conclusions", "conclusion and future work", "acknowledgments",
    "acknowledgements", "references", "bibliography", "appendix", "appendices", "supplementary material",
)
_UNNUMBERED_IN_NUMBERED_PAPERS = {
    "abstract", "limitations", "acknowledgments", "acknowledgements", "references", "bibliography",
    "appendix", "appendices", "supplementary material",
}
"""Once a paper numbers its sections, a bare ``Results`` line is more likely a table cell than a heading."""
_KNOWN_HEADING = re.compile(rf"(?:{'|'.join(re.escape(name) for name in _KNOWN_NAMES)})[:.]?", re.IGNORECASE)
INLINE_ABSTRACT = re.compile(r"abstract\s*[.:\u2014\u2013-]\s*(?=\S)", re.IGNORECASE)
"""``Abstract. We study...`` / ``Abstract—We study...``: the heading and the first line share a line."""
_NUMBERED_HEADING = re.compile(r"(?P<number>\d{1,2}(?:\.\d{1,2}){0,2})\.?\s+(?P<title>[A-Z][^\n]*)")
_LETTERED_HEADING = re.compile(r"(?P<number>[A-H](?:\.\d{1,2}){0,2})\.?\s+(?P<title>[A-Z][^\n]*)")

CANONICAL_NAMES = {
    "abstract": "abstract", "introduction": "introduction", "background": "related work",
    "related work": "related work", "method": "method", "approach": "method", "model": "method",
    "experiment": "experiments", "setup": "experiments", "evaluation": "experiments", "dataset": "experiments",
    "result": "results", "analysis": "results", "discussion": "discussion", "limitation": "discussion",
    "conclusion": "conclusion", "reference": "references", "bibliography": "references", "appendix": "appendix",
}


@dataclass
class _Numbering:
    """The last accepted numbered heading, e.g. ``(3, 1)`` after ``3.1``; letters for appendices."""

    numbers: tuple[int, ...] = ()
    letters: tuple[str, ...] = ()
    in_references: bool = False

    def accepts_number(self, parts: tuple[int, ...]) -> bool:
        return not self.letters and _follows(self.numbers, parts)

    def accepts_known(self, name: str) -> bool:
        return not (self.numbers or self.letters) or name.lower() in _UNNUMBERED_IN_NUMBERED_PAPERS

    def accepts_letter(self, label: str, title: str) -> bool:
        """``A``, ``A.1``, ``B``... in order, after the numbered sections or titled Appendix;
        inside References only titles that say Appendix."""
        says_appendix = "appendix" in title.lower()
        if (self.in_references or not self.numbers) and not says_appendix:
            return False
        letter, *rest = label.split(".")
        ordinals = (ord(letter) - ord("A") + 1, *map(int, rest))
        previous = (ord(self.letters[0]) - ord("A") + 1, *map(int, self.letters[1:])) if self.letters else ()
        return _follows(previous, ordinals)


def _follows(previous: tuple[int, ...], parts: tuple[int, ...]) -> bool:
    """``parts`` is the next heading after ``previous``: a sibling + 1 at some level, or a first child."""
    if not previous:
        return len(parts) == 1 and parts[0] <= 2  # 0, 1, or 2 when the first heading was missed
    if len(parts) == len(previous) + 1:
        return parts[:-1] == previous and parts[-1] == 1
    depth = len(parts)
    return depth <= len(previous) and parts[:-1] == previous[: depth - 1] and parts[-1] == previous[depth - 1] + 1


def _looks_like_title(title: str) -> bool:
    words = title.split()
    return len(words) <= MAX_HEADING_WORDS and not title.rstrip().endswith((".", ",", ";")) and "  " not in title


def _heading_name(line: str, numbering: _Numbering) -> str | None:
    """The section name if ``line`` is a heading, updating ``numbering``; else None."""
    if INLINE_ABSTRACT.match(line) and not (numbering.numbers or numbering.letters):
        return "Abstract"
    if _KNOWN_HEADING.fullmatch(line) and numbering.accepts_known(line.rstrip(":.")):
        name = line.rstrip(":.")
        numbering.in_references = _is_references(name)
        return name
    numbered = _NUMBERED_HEADING.fullmatch(line)
    if numbered and _looks_like_title(numbered["title"]):
        parts = tuple(int(part) for part in numbered["number"].split("."))
        if numbering.accepts_number(parts):
            numbering.numbers = parts
            numbering.in_references = _is_references(numbered["title"])
            return f"{numbered['number']} {numbered['title'].strip()}"
    lettered = _LETTERED_HEADING.fullmatch(line)
    if lettered and _looks_like_title(lettered["title"]) and "," not in lettered["title"]:
        if numbering.accepts_letter(lettered["number"], lettered["title"]):
            numbering.letters = tuple(lettered["number"].split("."))
            numbering.in_references = False
            return f"{lettered['number']} {lettered['title'].strip()}"
    return None


def _is_references(title: str) -> bool:
    return title.strip().lower() in {"references", "bibliography"}


def in_reference_list(sections: list[SectionSpan], page: int, offset: int) -> bool:
    """Whether (page, offset) lies in the reference list (``References``, ``7 References``, ``Bibliography``)."""
    name = section_at(sections, page, offset)
    numbered = _NUMBERED_HEADING.fullmatch(name)
    return _is_references(numbered["title"] if numbered else name)


def detect_sections(pages: list[Page]) -> list[SectionSpan]:
    """Every heading in reading order, with its page and the offset of its line in that page's text."""
    numbering = _Numbering()
    spans: list[SectionSpan] = []
    for page in pages:
        offset = 0
        for line in page.text.split("\n"):
            name = _heading_name(line.strip(), numbering)
            if name is not None:
                spans.append(SectionSpan(name=name, page=page.number, start=offset))
            offset += len(line) + 1
    return spans


def section_at(sections: list[SectionSpan], page: int, offset: int) -> str:
    """Name of the section that (page, offset) falls in; ``FRONT_MATTER`` before the first heading."""
    current = FRONT_MATTER
    for span in sections:
        if (span.page, span.start) > (page, offset):
            break
        current = span.name
    return current


def canonical_section(name: str) -> str | None:
    """The kind of a section name: ``"3.1 Datasets"`` -> ``"experiments"``; None when unknown."""
    lowered = name.lower()
    for keyword, kind in CANONICAL_NAMES.items():
        if keyword in lowered:
            return kind
    return None


def span_text(pages: list[Page], sections: list[SectionSpan], index: int) -> str:
    """Text of ``sections[index]`` from its heading line up to the next heading (or the end), across pages."""
    span = sections[index]
    following = sections[index + 1] if index + 1 < len(sections) else None
    texts = []
    for page in pages[span.page - 1: following.page if following else len(pages)]:
        begin = span.start if page.number == span.page else 0
        end = following.start if following and page.number == following.page else len(page.text)
        texts.append(page.text[begin:end])
    return "\n".join(texts)
