"""Title, authors, year and arXiv id of a local PDF, read from page 1's layout.

Plain page text cannot tell a title from the author line below it (``Attention
Is All You Need Ashish Vaswani*``) or keep a small-caps title in one piece
(``A STRUCTURED SELF-ATTENTIVE`` / ``SENTENCE EMBEDDING``). Page 1's text
spans with their font size and position (pypdf's text visitor) can: the title
is the run of lines set in the largest type near the top of the page; the
authors are the name-like pieces of the lines between it and the abstract.

The year comes from a venue line (``Published as a conference paper at ICLR
2017``, ``Proceedings of ... 2020``, the arXiv stamp's date) or from the arXiv
id (``1706.03762`` -> 2017); never from a number that merely appears in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PageObject, mult

from synth.ingest.clean import ARXIV_STAMP, CHARACTER_FIXES
from synth.sources.ids import normalize_arxiv_id, split_version

TOP_ZONE = 0.45
"""The title and authors lie in the top part of page 1: above this share of the page height from the bottom."""

LINE_TOLERANCE = 0.5
"""Spans whose baselines differ by less than this share of their type size share a line (superscripts)."""

TITLE_SIZE_SHARE = 0.95
"""A line continues the title when its type is at least this share of the title's size..."""

SMALL_CAPS_SHARE = 0.75
"""...or, in an all-capitals title (small caps), at least this share."""

MARK_SIZE_SHARE = 0.6
"""Spans smaller than this share of their line's type are footnote marks (``*``, ``1``, ``\u2020``)."""

MAX_TITLE_GAP = 2.2
"""Title lines are at most this many type sizes apart; the author block starts further down."""

VENUE_EDGE_LINES = 8
"""Venue lines are looked for among this many first and last lines of page 1."""

MAX_TITLE_LINES = 4
MIN_TITLE_LETTERS = 8
MAX_NAME_WORDS = 5

_ARXIV_IN_STAMP = re.compile(r"arXiv:(\S+)")
_STAMP_YEAR = re.compile(r"\d{1,2}\s+[A-Z][a-z]{2}\s+((?:19|20)\d{2})\s*$")
_YEAR = r"((?:19[5-9]|20[0-4])\d)"
_VENUE_YEAR = (
    re.compile(rf"(?:conference paper at|proceedings of|conference on|workshop on|symposium on)[^\n]*?\b{_YEAR}\b",
               re.IGNORECASE),
    re.compile(rf"\b(?:ICLR|NeurIPS|NIPS|ICML|ACL|EMNLP|NAACL|EACL|COLING|AAAI|IJCAI|CVPR|SIGIR|KDD|CIKM|VLDB|CHI)"
               rf"(?:[-\s]HLT)?\s*'?{_YEAR}\b"),
    re.compile(rf"(?:\u00a9|c\u00a9|\(c\)|copyright)\s*{_YEAR}\b", re.IGNORECASE),
)
_NAME_WORD = re.compile(r"[A-Z][A-Za-z'\-\u00c0-\u024f]*\.?|(?:[A-Z]\.-?)+[A-Z]?\.?")
_NAME_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "del", "dos", "la", "le", "du", "bin", "al"}
_NOT_NAMES = re.compile(
    r"universit|institut|research|laborator|\blab\b|college|school|department|dept|google|microsoft|facebook|"
    r"meta\b|amazon|brain|deepmind|\bai\b|center|centre|academy|inc\b|corp|ltd|science|engineering|"
    r"\busa\b|\buk\b|china|canada|germany|france|allen|health|abstract|ibm|nvidia|openai|bytedance|tencent|baidu|"
    r"linguistic|scholar|group|\broad\b|street|avenue|santa|\buc\b|city|state|processing|language|comput|"
    r"technolog|foundation|labs|national|\bkey\b|faculty|studies|\bcifar\b",
    re.IGNORECASE,
)
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "via", "with"}


@dataclass
class Span:
    """One piece of text shown by the page's content stream, with its type size and baseline."""

    text: str
    size: float
    x: float
    y: float


@dataclass
class Line:
    spans: list[Span] = field(default_factory=list)

    @property
    def size(self) -> float:
        return max(span.size for span in self.spans)

    @property
    def y(self) -> float:
        return max(self.spans, key=lambda span: span.size).y

    def text(self, min_size: float = 0.0) -> str:
        """The line's text without spans smaller than ``min_size`` (footnote marks)."""
        kept = sorted((span for span in self.spans if span.size >= min_size), key=lambda span: span.x)
        return " ".join("".join(span.text for span in kept).split())


@dataclass
class FrontMatter:
    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    arxiv_id: str | None = None


def read_front_matter(path: Path, page: PageObject, raw_text: str) -> FrontMatter:
    """Title, authors, year and arXiv id of the paper whose page 1 is ``page`` (raw text ``raw_text``)."""
    lines = top_lines(page)
    title_lines = _title_lines(lines)
    laid_out = " ".join(line.text(MARK_SIZE_SHARE * line.size) for line in title_lines)
    title = tidy_title(spaced_as_in(laid_out, raw_text.translate(CHARACTER_FIXES)))
    block = _author_block(lines[lines.index(title_lines[-1]) + 1:]) if title_lines else []
    arxiv_id = arxiv_id_of(path, raw_text)
    year = year_of(raw_text, " ".join(line.text() for line in block), arxiv_id)
    return FrontMatter(title=title, authors=_authors(block), year=year, arxiv_id=arxiv_id)


# --- page 1 layout ------------------------------------------------------------------


def page_spans(page: PageObject) -> list[Span]:
    """Upright text spans of ``page`` (the sideways arXiv stamp is left out)."""
    spans: list[Span] = []

    def visit(text: str, cm: list, tm: list, _font: object, font_size: float) -> None:
        matrix = mult(tm, cm)
        if text.strip() and matrix[1] == 0 and matrix[2] == 0:
            spans.append(Span(text.translate(CHARACTER_FIXES).replace("\n", " "),
                              abs(font_size * matrix[3]), matrix[4], matrix[5]))

    try:
        page.extract_text(visitor_text=visit)
    except Exception:  # noqa: BLE001 - a content stream pypdf cannot walk (found by bench/fuzz_pdf.py): no layout to read
        return []
    return spans


def top_lines(page: PageObject) -> list[Line]:
    """Lines of the top zone of ``page``, top to bottom; a line gathers spans on one baseline."""
    try:
        floor = float(page.mediabox.bottom) + (1 - TOP_ZONE) * float(page.mediabox.height)
    except (ValueError, TypeError, KeyError):  # a broken /MediaBox (found by bench/fuzz_pdf.py): no layout to read
        return []
    lines: list[Line] = []
    for span in sorted((s for s in page_spans(page) if s.y >= floor), key=lambda s: -s.y):
        if lines and abs(lines[-1].y - span.y) < LINE_TOLERANCE * max(lines[-1].size, span.size):
            lines[-1].spans.append(span)
        else:
            lines.append(Line([span]))
    return lines


def _title_lines(lines: list[Line]) -> list[Line]:
    """The first line in the largest type and the lines that continue it."""
    candidates = [line for line in lines if sum(ch.isalpha() for ch in line.text()) >= MIN_TITLE_LETTERS]
    if not candidates:
        return []
    size = max(line.size for line in candidates)
    start = next(line for line in candidates if line.size == size)
    title = [start]
    for line in lines[lines.index(start) + 1:]:
        if len(title) == MAX_TITLE_LINES or title[-1].y - line.y > MAX_TITLE_GAP * size:
            break
        all_caps = title[-1].text().isupper() and line.text().isupper()
        if line.size < (SMALL_CAPS_SHARE if all_caps else TITLE_SIZE_SHARE) * size:
            break
        title.append(line)
    return title


def spaced_as_in(laid_out: str, raw_text: str) -> str:
    """``laid_out`` with the word spacing of the same characters in ``raw_text``.

    Spans carry no widths, so the layout cannot tell ``Model`` + ``with``
    (two words) from ``Ra`` + ``tes`` (one word split by kerning); pypdf's
    plain extraction can. Unchanged when the characters are not found in a row.
    """
    characters = [re.escape(ch) for ch in laid_out if not ch.isspace()]
    if not characters:
        return laid_out
    found = re.search(r"\s*".join(characters), raw_text)
    return found.group() if found else laid_out


def tidy_title(title: str) -> str:
    """One line: spaces collapsed, a hyphen at a line break undone when the joined word is a word,
    and an all-capitals title (small caps) in title case with its ``NAME:`` prefix kept."""
    title = re.sub(r"([A-Za-z]+)-\s+([A-Za-z]+)", _rejoin, " ".join(title.split()).strip(" ."))
    if not title.isupper():
        return title
    words = title.split(" ")
    keep_first = words[0].endswith(":")
    cased = [word if (keep_first and i == 0) else _title_case(word, first=i == 0) for i, word in enumerate(words)]
    return " ".join(cased)


def _rejoin(match: re.Match) -> str:
    from synth.ingest.quality import english_words

    head, tail = match.groups()
    joined = f"{head}{tail}"
    return joined if joined.lower() in english_words() else f"{head}-{tail}"


def _title_case(word: str, first: bool) -> str:
    lowered = word.lower()
    if lowered in _SMALL_WORDS and not first:
        return lowered
    return "-".join(part[:1].upper() + part[1:] for part in lowered.split("-"))


def _author_block(lines: list[Line]) -> list[Line]:
    """The lines after the title up to the abstract: authors, affiliations, notes."""
    ends = [i for i, line in enumerate(lines) if line.text().lower().startswith("abstract")]
    return lines[: ends[0]] if ends else lines


def _authors(block: list[Line]) -> list[str]:
    """Name-like pieces of the author block."""
    names: list[str] = []
    for line in block:
        for span in line.spans:
            if span.size >= MARK_SIZE_SHARE * line.size:
                names += [_name_case(name) for name in _pieces(span.text) if _is_name(name)]
    return list(dict.fromkeys(names))


def _name_case(name: str) -> str:
    """``TAL AUGUST`` -> ``Tal August``, ``Chris QUIRK`` -> ``Chris Quirk``; initials stay as written."""
    return " ".join(word.capitalize() if word.isupper() and len(word) > 2 else word for word in name.split())
    return names


def _pieces(text: str) -> list[str]:
    pieces = re.split(r",|\band\b|&|;|\s{2,}", text, flags=re.IGNORECASE)
    return [" ".join(piece.split()) for piece in pieces if piece.strip()]


def _is_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= MAX_NAME_WORDS or _NOT_NAMES.search(text) or "@" in text:
        return False
    return all(word.lower() in _NAME_PARTICLES or _NAME_WORD.fullmatch(word) for word in words)


# --- arXiv id and year ---------------------------------------------------------------


def arxiv_id_of(path: Path, raw_text: str) -> str | None:
    """The id in page 1's arXiv stamp, else the file name's (``1706.03762v5.pdf``), else None."""
    stamp = ARXIV_STAMP.search(raw_text)
    if stamp:
        found = _ARXIV_IN_STAMP.match(stamp.group())
        if found and normalize_arxiv_id(found.group(1)):
            return found.group(1)
    return normalize_arxiv_id(path.stem)


def year_of(raw_text: str, author_block: str, arxiv_id: str | None) -> int | None:
    """The venue line's year, else the arXiv stamp's date, else a year in the
    author block (a note such as ``(preprint, 2025)``), else the arXiv id's; else None.

    Venue lines are headers and first-page footnotes, so only the first and
    last lines of page 1 are searched: a citation in the body (``ACL 2014``)
    is not the paper's year.
    """
    lines = raw_text.split("\n")
    edges = "\n".join(lines[:VENUE_EDGE_LINES] + lines[-VENUE_EDGE_LINES:])
    for pattern in _VENUE_YEAR:
        match = pattern.search(edges)
        if match:
            return int(match.group(1))
    stamp = ARXIV_STAMP.search(raw_text)
    if stamp and (date := _STAMP_YEAR.search(stamp.group())):
        return int(date.group(1))
    if noted := re.search(rf"\b{_YEAR}\b", author_block):
        return int(noted.group(1))
    return arxiv_year(arxiv_id) if arxiv_id else None


def arxiv_year(arxiv_id: str) -> int:
    """``1706.03762`` -> 2017, ``hep-th/9901001`` -> 1999 (the id's YYMM is its submission month)."""
    base, _version = split_version(arxiv_id)
    yy = int(base.split("/")[-1][:2])
    return (1900 if yy >= 91 else 2000) + yy
