"""Table-cell checks: does a table row the claim names state the claim's number in its column?

A claim such as "the big Transformer scores 28.4 BLEU on EN-DE" is checked against the row
units of the candidates (``Table 2, row "Transformer (big)": BLEU EN-DE: 28.4; ...``,
synth.ingest.tables). The row the claim *names* is the one
whose label has the largest share of its content words in the claim (at least half, and no
other label as large: "Transformer (4 layers) | WSJ only" over "... | semi-supervised" for a
claim about training on WSJ only); its column likewise ("BLEU EN-DE" over "BLEU EN-FR" for a
claim about English-German BLEU). A tie names nothing: the claim does not say which.
Two features come out:

- ``cell_match``: the named row has a claimed number in the named column, in an unnamed one,
  or anywhere in it when the claim names none of its columns;
- ``cell_conflict``: the named row's named column holds another number and no match was found
  (the claim took the value of another row or column), or the claim writes a second value in the
  row's format that the row never states ("HMM-T 0.827, against 0.589 for N-GRAMS" where the row
  holds 0.734 and 0.589).

A claim that ranks two rows ("QANet outscores the Mnemonic reader on AddSent", "combine-skip
achieves a higher R@1 than m-RNN") is read the same way: the row its subject's side names and
the row its baseline's side names (synth.text.comparisons.ranking_of), in one table, compared
in the named column (every shared column when it names none). The claim's ranking holding in
every compared column is a ``cell_match``, failing in any a ``cell_conflict``; "better" on a
lower-is-better column (error, perplexity, rank) means the smaller number.

Language names in the claim also name their codes ("English-to-German" names "EN-DE"); a row
label's citation ("Mnemonic (Hu et al., 2017)", "m-RNN [33]") is not part of its name.

The rows come from the candidates and, when the claim writes a number in digits that a table of
its paper states, from every row of that table (:func:`claimed_tables`): the row a claim takes its
number from is often not among the passages most similar to it ("51.7 P@1 on English-to-Chinese"
is the en-ru cell of a row the claim's search never ranked), and the row it names may sit beside it.

The cross-encoder reads a row unit as a string of numbers and rarely entails or contradicts
from it; these checks read it as a table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from synth.ingest.tables import TableRow, row_units_in
from synth.records import Quantity
from synth.text.comparisons import Ranking, ranking_of
from synth.text.mentions import claimed_numbers, decimal_places, numbers_agree, numbers_of
from synth.text.normalise import STOP_WORDS, stem
from synth.text.vocab import LANGUAGES

CELL_FEATURES = ("cell_match", "cell_conflict")
NAMED_SHARE = 0.5
"""A row label or column name is named by the claim when at least this share of its content words occur in it."""


@dataclass(frozen=True)
class _Cell:
    column_named: bool
    column_unnamed: bool
    """The cell has no column name, or the claim names none of its row's columns."""
    agrees: bool
    numeric: bool


_CODE_OF_NAME = {stem(name): code for code, names in LANGUAGES.items() for name in names}
_LETTERS = re.compile(r"[A-Za-z]+(?:@\d+)?")
"""A word, with its cutoff when it is a metric at k ("NDCG@1", "P@10"), so NDCG@1 and NDCG@10 differ."""
_NUMBERED = re.compile(r"(?<![A-Za-z0-9.])[A-Za-z]+-?\d+(?:\.\d+)?[A-Za-z]*(?![A-Za-z0-9])")
"""A name with a number in it ("ResNet-50", "H100", "crawl10", "GPT-4o", "F1"): the letters alone would make
ResNet-50 and ResNet-101, or columns "test-crawl10" and "test-crawl11", one name."""
_SETTING = re.compile(r"(?<![\w.])([^\W\d_]\w*)\s*=\s*(\d+(?:\.\d+)?)(?!\w|\.\d)")
"""A setting in a row label or column name ("win =3", "k=25", "Threshold = 1.5"): rows of one method at
several settings, columns of one parameter's values (``synth.ingest.tables`` names such columns so)."""
_WRITTEN_SETTING = re.compile(r"(?<![\w.])([^\W\d_]\w*)(?:\s*=\s*|\s+of\s+|\s+)(\d+(?:\.\d+)?)(?!\w|\.\d)")
"""A setting as a claim may write it: "k = 25", "a threshold of 1.5", "window 3". Only the claim's side
reads the looser forms: in a name, "Figure 1" or "WSJ 23" is no setting to be matched."""


def _settings(pattern: re.Pattern, text: str) -> set[str]:
    return {f"{name.lower()}={float(value):g}" for name, value in pattern.findall(text) if name.lower() not in STOP_WORDS}


def _words(text: str) -> set[str]:
    """Stems of the words that are not stop words, hyphenated words split ("EN-DE" -> en, de),
    metrics at a cutoff kept whole ("ndcg@1"); and, beside them, numbered names ("resnet50") and
    settings ("k=25") whole."""
    words = {word.lower() if "@" in word else stem(word) for word in _LETTERS.findall(text)
             if word.lower() not in STOP_WORDS and len(word) > 1}
    numbered = {name.lower().replace("-", "") for name in _NUMBERED.findall(text)}
    return words | numbered | _settings(_SETTING, text)


def claim_words(claim: str) -> set[str]:
    """The claim's words (as ``_words``, settings in the forms a sentence writes them), plus the language
    codes of the languages it names."""
    words = _words(claim) | _settings(_WRITTEN_SETTING, claim)
    return words | {_CODE_OF_NAME[word] for word in words if word in _CODE_OF_NAME}


_CITATION = re.compile(r"\[[^\]]*\]|\([^)]*\d{4}[a-z]?\)")
_LOWER_IS_BETTER = re.compile(r"\b(?:error|err|wer|cer|ppl|perplexity|loss|latency|cost|time|rank|med\s*r|distance)\b", re.I)


def _named(name: str, words: set[str]) -> tuple[float, int]:
    """(share of the name's content words that the claim uses, how many it uses)."""
    named = _words(_CITATION.sub(" ", name))
    used = len(named & words)
    return (used / len(named) if named else 0.0), used


_AGGREGATE = re.compile(r"(?:average|avg\.?|mean|total|overall|all)", re.I)
"""A summary row or column's whole name: the claim's "average" or "overall" usually describes its measure."""


def _best_named(names: list[str | None], words: set[str]) -> str | None:
    """The one name (row label or column name) the claim names best: the largest share of its
    words, at NAMED_SHARE or more, then the most words ("ConvS2S Ensemble" over "ConvS2S" for a
    claim about the ensemble); None when none reaches it or two different names tie. In a tie
    with a summary name ("Average"), the one specific name wins: "On PubMed, ... an average
    standard deviation of 9.3" names the PubMed row, not the Average row."""
    scores = {name: _named(name, words) for name in names if name}
    best = max(scores.values(), default=(0.0, 0))
    winners = [name for name, score in scores.items() if score == best]
    specific = [name for name in winners if not _AGGREGATE.fullmatch(_CITATION.sub(" ", name).strip())]
    if len(specific) == 1:
        winners = specific
    return winners[0] if best[0] >= NAMED_SHARE and len(winners) == 1 else None


def _cells(row: TableRow, claimed: list, words: set[str]) -> list[_Cell]:
    """The row's cells, each read against the claim's numbers ``claimed`` (synth.text.mentions.claimed_numbers)."""
    column = _best_named([name for name, _ in row.cells], words)
    cells = []
    for name, value in row.cells:
        stated = numbers_of(value)
        agrees = any(numbers_agree(quantity, number, approximate) for quantity, approximate in claimed for number in stated)
        cells.append(_Cell(column is not None and name == column, name is None or column is None, agrees, bool(stated)))
    return cells


@dataclass(frozen=True)
class CellReading:
    """What the cell checks read: match or conflict (or neither), and the rows that decided it (a ranking's
    subject and baseline rows, or the rows the claim's numbers were read in)."""

    match: bool = False
    conflict: bool = False
    rows: tuple[TableRow, ...] = ()
    ranked: bool = False

    def features(self) -> dict[str, float]:
        return dict(zip(CELL_FEATURES, (float(self.match), float(self.conflict))))

    def describe(self) -> str | None:
        """The finding in words for a verdict's rationale, naming the table and rows (None: no finding)."""
        if not (self.match or self.conflict) or not self.rows:
            return None
        table = f"Table {self.rows[0].table}"
        if self.ranked:
            return f'{table} ranks "{self.rows[0].label}" and "{self.rows[1].label}" ' + (
                "as it says" if self.match else "the other way")
        return f'{table}, row "{self.rows[0].label}", ' + ("states its number" if self.match else "gives another number")


def _value_checks(claim: str, rows: list[TableRow], words: set[str]) -> CellReading:
    """The claim's numbers read under the row and column it names."""
    claimed = claimed_numbers(claim)
    if not claimed:
        return CellReading()
    label = _best_named([row.label for row in rows], words)
    named_rows = tuple(row for row in rows if row.label == label)
    cells = [cell for row in named_rows for cell in _cells(row, claimed, words)]
    matched = any(cell.agrees and (cell.column_named or cell.column_unnamed) for cell in cells)
    if matched and any(_unstated_value(quantity, named_rows) for quantity, _ in claimed):
        return CellReading(conflict=True, rows=named_rows)
    disagrees = any(cell.column_named and cell.numeric and not cell.agrees for cell in cells)
    conflict = not matched and disagrees and not _unlabelled_row_states(claimed, named_rows, rows)
    return CellReading(matched, conflict, named_rows)


def _unlabelled_row_states(claimed: list, named_rows: Sequence[TableRow], rows: list[TableRow]) -> bool:
    """A row of the named rows' tables whose label the parse lost (a label over two lines, a numeric-looking
    one) states a number the claim writes: the claim may name that row, so the named one's other number
    is no conflict."""
    tables = {row.table for row in named_rows}
    values = {quantity.value for quantity, _ in claimed}
    return any(not row.label and row.table in tables and _states(row, values) for row in rows)


def _unstated_value(quantity: Quantity, rows: Sequence[TableRow]) -> bool:
    """A number the claim writes in the rows' own format (as many decimals as one of their cells, at least one)
    that no cell of them states: "HMM-T 0.827 ... 0.589 for N-GRAMS" against a row holding 0.734 and 0.589."""
    places = decimal_places(quantity.text)
    stated = [number for row in rows for _, value in row.cells for number in numbers_of(value)]
    in_format = places > 0 and any(decimal_places(number.text) == places for number in stated)
    return in_format and not any(number.value == quantity.value for number in stated)


def _blocks(rows: list[TableRow]) -> Iterator[dict[str, TableRow]]:
    """Each table's rows by label, tables in the order they first appear, a new block wherever a label
    repeats: one table number often stacks two results under one caption (Potsdam's rows, then
    Vaihingen's under the same labels)."""
    for table in dict.fromkeys(row.table for row in rows):
        block: dict[str, TableRow] = {}
        for row in (row for row in rows if row.table == table):
            if row.label in block:
                yield block
                block = {}
            block[row.label] = row
        yield block


def _ranked_pairs(ranking: Ranking, rows: list[TableRow]) -> Iterator[tuple[TableRow, TableRow]]:
    """Each block's (subject's, baseline's) rows (_blocks): two different rows of it, each named by its side."""
    for block in _blocks(rows):
        subject = _best_named(list(block), claim_words(ranking.subject))
        baseline = _best_named(list(block), claim_words(ranking.baseline))
        if subject and baseline and subject != baseline:
            yield block[subject], block[baseline]


def _single_number(value: str) -> float | None:
    numbers = numbers_of(value)
    return numbers[0].value if len(numbers) == 1 else None


def _column_pairs(subject: TableRow, baseline: TableRow, words: set[str]) -> list[tuple[str | None, float, float]]:
    """(column name, subject's number, baseline's number) for the columns the claim names, or all shared ones."""
    if [name for name, _ in subject.cells] == [name for name, _ in baseline.cells]:
        paired = [(name, a, b) for (name, a), (_, b) in zip(subject.cells, baseline.cells)]
    else:
        theirs = {name: value for name, value in baseline.cells if name}
        paired = [(name, a, theirs[name]) for name, a in subject.cells if name in theirs]
    numbers = [(name, _single_number(a), _single_number(b)) for name, a, b in paired]
    numeric = [(name, a, b) for name, a, b in numbers if a is not None and b is not None]
    named = _best_named([name for name, _, _ in numeric], words)
    return [pair for pair in numeric if pair[0] == named] if named else numeric


def _holds(ranking: Ranking, column: str | None, subject: float, baseline: float) -> bool:
    lower_is_better = ranking.scale == "quality" and bool(_LOWER_IS_BETTER.search(column or ""))
    return ranking.sign * (-1 if lower_is_better else 1) * (subject - baseline) > 0


def _ranking_held(ranking: Ranking, subject: TableRow, baseline: TableRow, words: set[str]) -> bool | None:
    """Whether the ranking holds in every column compared (None: no column to compare)."""
    pairs = _column_pairs(subject, baseline, words)
    return all(_holds(ranking, name, a, b) for name, a, b in pairs) if pairs else None


def _ranking_checks(claim: str, rows: list[TableRow], words: set[str]) -> CellReading:
    """The claim's ranking of two rows in the first table where it can be read: it holds in every compared
    column (match), or fails in one (conflict); in every block of that table, else neither (_blocks)."""
    ranking = ranking_of(claim)
    held_by_table: dict[str, dict[bool, tuple[TableRow, TableRow]]] = {}
    for subject, baseline in _ranked_pairs(ranking, rows) if ranking else ():
        held = _ranking_held(ranking, subject, baseline, words)
        if held is not None:
            held_by_table.setdefault(subject.table, {}).setdefault(held, (subject, baseline))
    first = next(iter(held_by_table.values()), {})
    if len(first) != 1:
        return CellReading()
    held, pair = next(iter(first.items()))
    return CellReading(held, not held, pair, ranked=True)


def _states(row: TableRow, values: set[float]) -> bool:
    """A cell of the row states one of ``values`` exactly."""
    return any(number.value in values for _, value in row.cells for number in numbers_of(value))


def claimed_tables(claim: str, rows: list[TableRow], rankings: bool = True) -> list[TableRow]:
    """Every row of each table (of ``rows``, one paper's) in which some row states a number the claim writes
    in digits, at the same value (a spelled-out "five snapshots" or a rounding match names no table), and,
    with ``rankings``, in which two rows are the two sides of the claim's ranking ("bi-skip gives a higher
    accuracy than uni-skip"). The caller turns ``rankings`` off for a claim naming a setting its paper never
    writes: "XLNet outperforms BERT on MS MARCO" is not read off the paper's RACE table."""
    written = {quantity.value for quantity, _ in claimed_numbers(claim) if any(ch.isdigit() for ch in quantity.text)}
    tables = {row.table for row in rows if _states(row, written)} if written else set()
    ranking = ranking_of(claim) if rankings else None
    if ranking:
        tables |= {subject.table for subject, _ in _ranked_pairs(ranking, rows)}
    return [row for row in rows if row.table in tables]


def read_cells(claim: str, passages: list[str], table_rows: Sequence[TableRow] = ()) -> CellReading:
    """The claim read against the row units in ``passages`` and ``table_rows``: its ranking of two rows
    when it ranks two the tables hold, else its numbers."""
    rows = list(dict.fromkeys([*table_rows, *(row for passage in passages for row in row_units_in(passage))]))
    if not rows:
        return CellReading()
    words = claim_words(claim)
    ranked = _ranking_checks(claim, rows, words)
    return ranked if ranked.match or ranked.conflict else _value_checks(claim, rows, words)


def cell_checks(claim: str, passages: list[str], table_rows: Sequence[TableRow] = ()) -> dict[str, float]:
    """``cell_match`` and ``cell_conflict`` (0 or 1) of the claim (read_cells)."""
    return read_cells(claim, passages, table_rows).features()
