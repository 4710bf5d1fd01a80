"""Table-cell checks: does a table row the claim names state the claim's number in its column?

A claim such as "the big Transformer scores 28.4 BLEU on EN-DE" is checked against the row
units of the candidates (``Table 2, row "Transformer (big)": BLEU EN-DE: 28.4; ...``,
synth.ingest.tables). A row is *named* by the claim when most of its label's content words
occur in the claim; a cell's column is named when most of its column name's content words do
and no other column of the row has a larger share of them named ("BLEU EN-DE" over "BLEU EN-FR"
for a claim about English-German BLEU).
Two features come out:

- ``cell_match``: a named row has a claimed number in a named column, in an unnamed one, or
  anywhere in it when the claim names none of its columns;
- ``cell_conflict``: a named row's named column holds another number, and no named column of
  a named row states the claimed one (the claim took the value of another row or column).

Language names in the claim also name their codes ("English-to-German" names "EN-DE").

The cross-encoder reads a row unit as a string of numbers and rarely entails or contradicts
from it; these checks read it as a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from synth.ingest.tables import TableRow, row_units_in
from synth.text.mentions import claimed_numbers, numbers_agree, numbers_of
from synth.text.normalise import STOP_WORDS, stem
from synth.text.vocab import LANGUAGES

CELL_FEATURES = ("cell_match", "cell_conflict")
NAMED_SHARE = 0.5
"""A row label or column name is named by the claim when at least this share of its content words occur in it."""


@dataclass(frozen=True)
class _Cell:
    row_named: bool
    column_named: bool
    column_unnamed: bool
    """The cell has no column name, or the claim names none of its row's columns."""
    agrees: bool
    numeric: bool


_CODE_OF_NAME = {stem(name): code for code, names in LANGUAGES.items() for name in names}
_LETTERS = re.compile(r"[A-Za-z]+")


def _words(text: str) -> set[str]:
    """Stems of the words that are not stop words, hyphenated words split ("EN-DE" -> en, de)."""
    return {stem(word) for word in _LETTERS.findall(text) if word.lower() not in STOP_WORDS and len(word) > 1}


def claim_words(claim: str) -> set[str]:
    """The claim's words (as ``_words``), plus the language codes of the languages it names."""
    words = _words(claim)
    return words | {_CODE_OF_NAME[word] for word in words if word in _CODE_OF_NAME}


def _share_named(name: str | None, words: set[str]) -> float:
    """Share of the name's content words that the claim uses (0 for no name)."""
    named = _words(name or "")
    return len(named & words) / len(named) if named else 0.0


def _cells(row: TableRow, claim: str, words: set[str]) -> list[_Cell]:
    claimed = claimed_numbers(claim)
    row_named = _share_named(row.label, words) >= NAMED_SHARE
    shares = [_share_named(name, words) for name, _ in row.cells]
    best = max(shares, default=0.0)
    columns_named = [share >= NAMED_SHARE and share == best for share in shares]
    cells = []
    for (name, value), column_named in zip(row.cells, columns_named):
        stated = numbers_of(value)
        agrees = any(numbers_agree(quantity, number, approximate) for quantity, approximate in claimed for number in stated)
        cells.append(_Cell(row_named, column_named, name is None or not any(columns_named), agrees, bool(stated)))
    return cells


def cell_checks(claim: str, passages: list[str]) -> dict[str, float]:
    """``cell_match`` and ``cell_conflict`` (0 or 1) of the claim over the row units in ``passages``."""
    checks = dict.fromkeys(CELL_FEATURES, 0.0)
    if not claimed_numbers(claim):
        return checks
    words = claim_words(claim)
    cells = [cell for passage in passages for row in row_units_in(passage) for cell in _cells(row, claim, words)]
    in_named_rows = [cell for cell in cells if cell.row_named]
    matched = any(cell.agrees and (cell.column_named or cell.column_unnamed) for cell in in_named_rows)
    checks["cell_match"] = float(matched)
    checks["cell_conflict"] = float(not matched and any(cell.column_named and cell.numeric and not cell.agrees
                                                        for cell in in_named_rows))
    return checks
