"""Sentence segmentation of cleaned PDF page text, with offsets into that text.

pysbd handles abbreviations, decimals and citations ("et al.", "0.578",
"Fig. 1"); PDF text adds line breaks inside sentences and headings, table
rows and running headers without final punctuation. So a pysbd sentence is
further split at blank lines and around heading lines ("3.1 Datasets",
"Abstract"), before list items ("• Link prediction: ...", "(2) we ..."),
around display equations and before footnotes, and fragments that are too
short to state anything are dropped. A list item's bullet or enumerator is
left out of its sentence, and pysbd's split of "summarized in Table | 5.
First, ..." is undone. Footnotes and equations are units of their own
(``kind``), never part of a sentence. Offsets always point into the original
text, so a sentence is an exact substring and can be quoted as evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd

MIN_SENTENCE_CHARS = 25
FOOTNOTE_MARK = "^"
"""Written by synth.ingest.layout before a footnote's mark (``^3 For comparison ...``; the mark was a
superscript), footnotes last on their page: a line opening with it starts a footnote."""
ROW_UNIT = re.compile(r'Table (?P<table>\S+), row "(?P<label>[^"\n]*)": (?P<cells>[^\n]*?)(?: \[caption: (?P<caption>[^\]\n]*)\])?')
"""A table row unit line as synth.ingest.tables writes it (matched whole with ``fullmatch``): one unit,
never split at the full stops of its cells (``Val. loss: 3.10``)."""
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_HEADING_LINE = re.compile(
    r"^[ \t]*(?:(?:\d+(?:\.\d+)*|[A-Z])\.?[ \t]+[A-Z][^\n.!?]{0,80}|Abstract|References|Acknowledg\w*)[ \t]*$", re.M
)
_CAPTION_START = re.compile(r"^[ \t]*(?:Table|TABLE|Figure|FIGURE|Fig\.)[ \t]+[A-Z]?\d{1,2}[ \t]*:", re.M)
"""A caption opens its own unit: ``Supervised methods`` (a table's last row) stays off ``Table 7: ...``."""
_BULLET = r"[\u2022\u2023\u2043\u2219\u25aa\u25cf\u25e6\u25a0\u25a1\u27a2\uf0b7\uf0a7\uf06c\uf0d8]"
"""Bullets, including the private-use code points Symbol and Wingdings bullets come out as."""
_LIST_ITEM = re.compile(
    rf"^[ \t]*(?:{_BULLET}|\(?(?:\d{{1,2}}|[ivx]{{1,4}}|[a-h])\))[ \t]*"
    r"|(?:(?<=[.:;!?]\n)|(?<=[.:;!?][ \t]\n))[ \t]*\d{1,2}\.[ \t]+(?=[A-Z])",
    re.M,
)
"""A list item's marker at a line start: a bullet, ``(2)``, ``2)``, ``(iii)``, ``(b)``; or ``2.`` before a
capital when the line before ended a sentence or a lead-in (``... as follows:``) - after a line
ending mid-sentence, ``5.`` at a line start ends that sentence (``summarized in Table\n5.``)."""
_FOOTNOTE = re.compile(rf"^{re.escape(FOOTNOTE_MARK)}[^\n]*(?:\n(?!{re.escape(FOOTNOTE_MARK)})[^\n]*)*", re.M)
"""A footnote: from a line opening with the mark synth.ingest.layout writes to the next one
(footnotes sit at the end of their page, so the last one runs to the end)."""
_MATH_SYMBOL = re.compile(r"[=<>\u2211\u220f\u222b\u221a\u2208\u2264\u2265\u2248\u221d\u2192\u2190\u2295\u2297\u00b7\u00d7\u2200\u2203\u2202\u2207\u2016]")
_PROSE_WORD = re.compile(r"\b[a-z]{3,}\b")
_FORMULA_SHAPE = re.compile(r"\w\(|\(\d{1,3}\)[ \t]*$")
"""A function applied (``FFN(x)``) or an equation number at the line end (``(2)``)."""
MATH_WORDS = frozenset({"where", "and", "for", "if", "otherwise", "max", "min", "argmax", "argmin", "log", "exp",
                        "softmax", "tanh", "sigmoid", "sin", "cos", "sqrt", "mod"})
"""Lower-case words a display equation may hold; any other (``with``, ``headi``) makes the line prose
(``OpenWebText with AdamW (beta1 = 0.9, beta2 = 0.95,`` is a sentence's line, ``FFN(x) = max(...)`` is not)."""
NUMBER_ENDING = re.compile(r"\d+(?:\.\d+)*\.(?=\s)")
"""``5.`` opening a pysbd sentence: it ends the one before when that one stops without a full stop."""
_UNFINISHED = re.compile(r"[A-Za-z0-9,)\]]\s*$")

SENTENCE, FOOTNOTE, EQUATION = "sentence", "footnote", "equation"


@dataclass(frozen=True)
class Sentence:
    """A unit of page text: ``kind`` is ``sentence``, ``footnote`` or ``equation`` (only sentences state claims)."""

    start: int
    end: int
    text: str
    kind: str = SENTENCE


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def _trimmed(text: str, start: int, end: int, kind: str) -> Sentence | None:
    piece = text[start:end]
    left = len(piece) - len(piece.lstrip())
    marker = _LIST_ITEM.match(text, start + left) if kind == SENTENCE else None
    left = marker.end() - start if marker and marker.end() < end else left
    right = len(piece.rstrip())
    if right - left < MIN_SENTENCE_CHARS:
        return None
    return Sentence(start + left, start + right, piece[left:right], kind)


def _equation_lines(text: str) -> list[tuple[int, int]]:
    spans, offset = [], 0
    for line in text.split("\n"):
        if _is_equation(line):
            spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    return spans


def _is_equation(line: str) -> bool:
    symbols = len(_MATH_SYMBOL.findall(line))
    return (symbols >= 2 or symbols == 1 and bool(_FORMULA_SHAPE.search(line))) \
        and all(word in MATH_WORDS for word in _PROSE_WORD.findall(line))


def _special_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the footnotes and display equations of ``text``."""
    notes = [(match.start(), match.end(), FOOTNOTE) for match in _FOOTNOTE.finditer(text)]
    equations = [(start, end, EQUATION) for start, end in _equation_lines(text)
                 if not any(note_start <= start < note_end for note_start, note_end, _ in notes)]
    return notes + equations


def _breaks(text: str, special: list[tuple[int, int, str]]) -> list[int]:
    """Positions where a sentence must end: blank lines, both ends of heading lines, footnotes and
    equations, and the start of list items and captions."""
    positions = {m.start() for m in _BLANK_LINE.finditer(text)}
    positions.update(m.start() for m in _LIST_ITEM.finditer(text))
    positions.update(m.start() for m in _CAPTION_START.finditer(text))
    for match in _HEADING_LINE.finditer(text):
        positions.update((match.start(), match.end()))
    for start, end, _kind in special:
        positions.update((start, end))
    return sorted(positions)


def _kind_at(position: int, special: list[tuple[int, int, str]]) -> str:
    return next((kind for start, end, kind in special if start <= position < end), SENTENCE)


def _numbers_reattached(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """pysbd reads ``in Table 5. First, ...`` as ``in Table`` + a list item ``5. First, ...``: a span
    opening with ``5.`` after one that stops mid-phrase gives the number back to that one."""
    fixed: list[tuple[int, int]] = []
    for start, end in spans:
        lead = len(text[start:end]) - len(text[start:end].lstrip())
        number = NUMBER_ENDING.match(text, start + lead)
        if fixed and number and _UNFINISHED.search(text, fixed[-1][0], fixed[-1][1]) and number.end() < end:
            fixed[-1] = (fixed[-1][0], number.end())
            start = number.end()
        fixed.append((start, end))
    return fixed


def _block_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """pysbd's sentences of one block, or the block whole when it is a table row unit."""
    block = text[start:end]
    if ROW_UNIT.fullmatch(block.strip()):
        return [(start, end)]
    return [(start + span.start, start + span.end) for span in _segmenter().segment(block.replace("\n", " "))]


def _split_at_breaks(start: int, end: int, breaks: list[int]) -> list[tuple[int, int]]:
    inside = [position for position in breaks if start < position < end]
    bounds = [start, *inside, end]
    return list(zip(bounds, bounds[1:]))


SEGMENTED_TEXTS = 2048
"""Texts whose sentences are kept: a report segments every page three times (claim extraction,
the verifier's candidates, the premise check), about 16 s of a cold report over 20 papers."""


@lru_cache(maxsize=SEGMENTED_TEXTS)
def sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences of ``text`` (exact substrings) in reading order, computed once per text.

    The text is cut at its breaks first (blank lines, headings, captions, list items,
    footnotes, equations). A table row unit is one unit; pysbd reads every other block on
    its own, since it carries quote and bracket state from one sentence to the next: two
    empty row labels (``row ""``) on a page once paired up around the paragraphs between
    them, which then never split (1,868-character "sentences").
    pysbd ends a sentence at every line break, so it reads a block with line breaks turned
    into spaces (same length: offsets stay valid).
    """
    special = _special_spans(text)
    found = []
    for block_start, block_end in _split_at_breaks(0, len(text), _breaks(text, special)):
        for start, end in _numbers_reattached(text, _block_spans(text, block_start, block_end)):
            sentence = _trimmed(text, start, end, _kind_at(start, special))
            if sentence is not None:
                found.append(sentence)
    return tuple(found)


LOCATE_PROBE = 200
"""Characters of a passage's start that are searched for: enough to be unique on a page."""


def locate(passage: str, page_text: str) -> int:
    """Offset of ``passage`` (a search hit's chunk text) in ``page_text``, -1 when it is not there."""
    return page_text.find(passage[:LOCATE_PROBE])
