"""Clean pypdf page text: ligatures, arXiv stamps, repeated headers/footers, page numbers, line-end hyphens,
empty brackets left by lost glyphs.

The cleaned page text is what chunk and quote offsets point into, so every
step here works page by page and never moves text between pages.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from synth.text.segment import FOOTNOTE_MARK

EDGE_LINES = 3
"""Headers and footers are looked for among the first and last lines of a page."""

RECURRING_SHARE = 0.5
"""A line is a running header/footer when it recurs (digits aside) on more than this share of pages."""

CHARACTER_FIXES = str.maketrans({
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\xad": "", "\xa0": " ", "\u2010": "-", "\u2011": "-",
})
_PAGE_NUMBER = re.compile(r"(?:page\s+)?(\d{1,4})(?:\s*(?:of|/)\s*\d{1,4})?", re.IGNORECASE)
_LINE_END_HYPHEN = re.compile(r"([A-Za-z]+)-\n([A-Za-z]+)(\S*)")
_SUFFIXES = ("ing", "ed", "es", "s", "ly")
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


ARXIV_STAMP = re.compile(r"arXiv:\S+\s+\[[\w.\-]+\]\s+\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}")
"""The identifier arXiv prints sideways on page 1 (``arXiv:2408.10536v1 [cs.CL] 20 Aug 2024``)."""


_FILLER = r"(?:[^\S\n]|[,;])*"
_EMPTY_BRACKETS = re.compile(rf"[ \t]*(?:\((?=\s|[,;]){_FILLER}\n?{_FILLER}\)|\[(?=\s|[,;]){_FILLER}\n?{_FILLER}\])[ \t]*")
"""``CLSM ( ) outperforms``: a formula whose glyphs have no text (a symbol font) leaves its brackets
(across a line break too; the break stays). ``f()`` and ``[]`` hold no lost glyph and stay."""
_EMPTY_LIST_ITEM = re.compile(r",[ \t]*(?=,)")
"""``samples, , in the training``: the same for a symbol between commas."""


def clean_pages(raw_pages: list[str]) -> list[str]:
    """Cleaned text of each page: same number of pages, in the same order.

    Footnotes, which synth.ingest.pdf moves to the end of their page, stay out of the
    search for running headers and footers: that looks at the page's first and last lines.
    """
    pages = [_tidy_lines(text.translate(CHARACTER_FIXES)) for text in raw_pages]
    pages = [[line for line in lines if not ARXIV_STAMP.fullmatch(line)] for lines in pages]
    bodies, notes = zip(*(_split_footnotes(lines) for lines in pages)) if pages else ((), ())
    pages = [body + note for body, note in zip(remove_running_lines(list(bodies)), notes)]
    vocabulary = document_vocabulary(pages)
    return [_without_lost_glyphs(join_hyphenated("\n".join(lines), vocabulary)) for lines in pages]


def _tidy_lines(text: str) -> list[str]:
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())
    return [line for line in lines if line]


def _without_lost_glyphs(text: str) -> str:
    """``text`` (lines joined, no blank line yet) without ``_EMPTY_BRACKETS`` and ``_EMPTY_LIST_ITEM``."""
    def gap(match: re.Match) -> str:
        """What stands in the brackets' place: the line break they spanned, else a space between words."""
        if "\n" in match.group():
            return "\n"
        following = text[match.end():match.end() + 1]
        return "" if not following or following in "\n.,;:!?)]" or match.start() == 0 else " "

    while (cleaned := _EMPTY_BRACKETS.sub(gap, text)) != text:  # "( ( ) )": the outer pair empties last
        text = cleaned
    return _EMPTY_LIST_ITEM.sub("", re.sub(r"\n{2,}", "\n", text))  # a pair alone on its line leaves none


def _split_footnotes(lines: list[str]) -> tuple[list[str], list[str]]:
    """(body lines, footnote lines): the footnotes are the lines from the first one opening with
    ``FOOTNOTE_MARK`` on (synth.ingest.layout.footnotes_last puts them last)."""
    first = next((index for index, line in enumerate(lines) if line.startswith(FOOTNOTE_MARK)), len(lines))
    return lines[:first], lines[first:]


# --- running headers, footers and page numbers --------------------------------------------


def _edge_lines(lines: list[str]) -> list[tuple[int, str]]:
    """(index, zone) of the lines where headers ('top') and footers ('bottom') can be."""
    count = len(lines)
    top = {i: "top" for i in range(min(EDGE_LINES, count))}
    bottom = {i: "bottom" for i in range(max(0, count - EDGE_LINES), count) if i not in top}
    return sorted({**top, **bottom}.items())


def _shape(line: str) -> str:
    """A line with digits masked, so 'Page 3' and 'Page 4' count as the same running line.

    Bare numbers stay as they are: page numbers are matched against the page
    itself (``_is_page_number``), and a number in a table must not look like one.
    """
    if not re.search(r"[A-Za-z]", line):
        return line
    return re.sub(r"\d+", "#", line.lower())


def remove_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop running headers/footers and page numbers from the edges of each page."""
    recurring = _recurring_shapes(pages)
    offset = _page_number_offset(pages)
    cleaned = []
    for number, lines in enumerate(pages, start=1):
        drop = {i for i, zone in _edge_lines(lines)
                if (zone, _shape(lines[i])) in recurring or _is_page_number(lines[i], number, offset)}
        cleaned.append([line for i, line in enumerate(lines) if i not in drop])
    return cleaned


def _recurring_shapes(pages: list[list[str]]) -> set[tuple[str, str]]:
    """(zone, shape) pairs found at the same edge of more than ``RECURRING_SHARE`` of the pages."""
    if len(pages) < 2:
        return set()
    seen = Counter(key for lines in pages for key in {(zone, _shape(lines[i])) for i, zone in _edge_lines(lines)})
    needed = max(2, math.floor(RECURRING_SHARE * len(pages)) + 1)
    return {key for key, pages_with_it in seen.items() if pages_with_it >= needed}


def _page_number_offset(pages: list[list[str]]) -> int:
    """Printed minus physical page number (0 unless numbering starts elsewhere), by majority."""
    offsets = Counter()
    for number, lines in enumerate(pages, start=1):
        for i, _zone in _edge_lines(lines):
            match = _PAGE_NUMBER.fullmatch(lines[i])
            if match:
                offsets[int(match.group(1)) - number] += 1
    return offsets.most_common(1)[0][0] if offsets else 0


def _is_page_number(line: str, number: int, offset: int) -> bool:
    match = _PAGE_NUMBER.fullmatch(line)
    return bool(match) and int(match.group(1)) == number + offset


# --- hyphenation across line ends -----------------------------------------------------------


def document_vocabulary(pages: list[list[str]]) -> Counter:
    """Lower-cased words and hyphenated compounds (and their two-part pieces) outside line breaks."""
    vocabulary: Counter = Counter()
    for lines in pages:
        text = _LINE_END_HYPHEN.sub(" ", "\n".join(lines))
        for word in _WORD.findall(text):
            word = word.lower()
            vocabulary[word] += 1
            parts = word.split("-")
            vocabulary.update("-".join(pair) for pair in zip(parts, parts[1:]))
    return vocabulary


def join_hyphenated(text: str, vocabulary: Counter) -> str:
    """Undo line-end hyphenation: ``retrie-\\nval`` -> ``retrieval``, ``cross-\\nlingual`` -> ``cross-lingual``.

    The document decides: a form seen elsewhere wins (hyphenated, then joined).
    Otherwise the hyphen stays before a capital, digit or path (``XLM-\\nR``,
    ``hep-\\nth/99``) and before a known word after a word-like head
    (``highest-\\nranked``); anything else is joined.
    """
    def repair(match: re.Match) -> str:
        head, tail, rest = match.groups()
        return head + ("-" if _keeps_hyphen(head, tail, rest, vocabulary) else "") + tail + rest

    return _LINE_END_HYPHEN.sub(repair, text)


def _keeps_hyphen(head: str, tail: str, rest: str, vocabulary: Counter) -> bool:
    compound, joined = f"{head}-{tail}".lower(), f"{head}{tail}".lower()
    if compound in vocabulary:
        return True
    if joined in vocabulary:
        return False
    if tail[0].isupper() or rest[:1] in {"/", "-"} or rest[:1].isdigit():
        return True
    return _is_known_word(tail, vocabulary) and (len(head) >= 4 or _is_known_word(head, vocabulary))


def _is_known_word(word: str, vocabulary: Counter) -> bool:
    """``word`` or its stem without a common suffix (``ranked`` -> ``rank``) occurs in the document."""
    word = word.lower()
    stems = [word] + [word[: -len(suffix)] for suffix in _SUFFIXES if word.endswith(suffix)]
    return any(len(stem) >= 3 and stem in vocabulary for stem in stems)
