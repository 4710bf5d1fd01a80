"""Sentence segmentation of cleaned PDF page text, with offsets into that text.

pysbd handles abbreviations, decimals and citations ("et al.", "0.578",
"Fig. 1"); PDF text adds line breaks inside sentences and headings, table
rows and running headers without final punctuation. So a pysbd sentence is
further split at blank lines and around heading lines ("3.1 Datasets",
"Abstract"), and fragments that are too short to state anything are
dropped. Offsets always point into the original text, so a sentence is an
exact substring and can be quoted as evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd

MIN_SENTENCE_CHARS = 25
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_HEADING_LINE = re.compile(
    r"^[ \t]*(?:(?:\d+(?:\.\d+)*|[A-Z])\.?[ \t]+[A-Z][^\n.!?]{0,80}|Abstract|References|Acknowledg\w*)[ \t]*$", re.M
)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def _trimmed(text: str, start: int, end: int) -> Sentence | None:
    piece = text[start:end]
    left = len(piece) - len(piece.lstrip())
    right = len(piece.rstrip())
    if right - left < MIN_SENTENCE_CHARS:
        return None
    return Sentence(start + left, start + right, piece[left:right])


def _breaks(text: str) -> list[int]:
    """Positions where a sentence must end: blank lines and both ends of heading lines."""
    positions = {m.start() for m in _BLANK_LINE.finditer(text)}
    for match in _HEADING_LINE.finditer(text):
        positions.update((match.start(), match.end()))
    return sorted(positions)


def _split_at_breaks(start: int, end: int, breaks: list[int]) -> list[tuple[int, int]]:
    inside = [position for position in breaks if start < position < end]
    bounds = [start, *inside, end]
    return list(zip(bounds, bounds[1:]))


def sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` (exact substrings) in reading order.

    pysbd ends a sentence at every line break, so it reads the text with line
    breaks turned into spaces (same length: offsets stay valid); the breaks
    that do end something are applied afterwards.
    """
    found, breaks = [], _breaks(text)
    for span in _segmenter().segment(text.replace("\n", " ")):
        for start, end in _split_at_breaks(span.start, span.end, breaks):
            sentence = _trimmed(text, start, end)
            if sentence is not None:
                found.append(sentence)
    return found


LOCATE_PROBE = 200
"""Characters of a passage's start that are searched for: enough to be unique on a page."""


def locate(passage: str, page_text: str) -> int:
    """Offset of ``passage`` (a search hit's chunk text) in ``page_text``, -1 when it is not there."""
    return page_text.find(passage[:LOCATE_PROBE])
