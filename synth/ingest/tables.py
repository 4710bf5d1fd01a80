"""Tables as rows: each row of a numeric table becomes one line of page text that names its table,
row label and column headers, so that a claim about a cell can be matched to its row.

pypdf's plain text gives a table as runs of numbers ("ConvS2S [9] 25.16 40.46 9.6 · 1018").
From the positioned cells of ``synth.ingest.layout``, a table is found under or above
its caption ("Table 2: ..."): the lines with numeric cells are its rows, the lines
of short text above the first row its header, and a first row of a parameter's values
("Threshold | 1.0 | 1.5 | 2.0") the header's last line. Value columns are the cells of the
row with most cells; the other rows' cells are placed by x overlap, and every
header cell names the columns nearest to it (a header spanning two columns names
both: "BLEU" over "EN-DE" and "EN-FR" gives "BLEU EN-DE", "BLEU EN-FR"). A row whose
cells cannot be placed one to a column, or a column no header reaches, keeps its
values without a name; nothing is guessed. Text right of every value of the table is the
next column's running text, not part of a row's label.

Each row is written as a *row unit* line,
``Table 2, row "ConvS2S [9]": BLEU EN-DE: 25.16; BLEU EN-FR: 40.46 [caption: The Transformer ...]``,
in place of the plain-text line it replaces. ``parse_row_unit`` reads a unit back into a
``TableRow`` (``row_units_in`` every unit of a chunk). Chunking gives a table's units chunks of
their own, without prose (one chunk per table, split between rows when longer than a chunk):
one chunk per row would let a table's near-identical rows crowd out the passages of a search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import quantiles

from pypdf import PageObject

from synth.ingest.clean import CHARACTER_FIXES
from synth.ingest.layout import Cell, Line, page_lines
from synth.text.segment import ROW_UNIT

CAPTION = re.compile(r"(?:Table|TABLE)\s+(?P<number>[A-Z]?\d{1,2}|[IVX]{1,5})\s*[:.|]")
_NUMERIC_CELL = re.compile(r"[^A-Za-z]*\d[^A-Za-z]*[kKMBGx]?|[-\u2013\u2014\u2212]|n/a", re.IGNORECASE)

_LINE_END_HYPHEN = re.compile(r"([a-z])- ([a-z])")
"""A caption's lines are joined with spaces: 'con- sidered' was hyphenated at a line end."""

NAME_MARK = ": "
"""Between a column's name and the cell's value in a unit ('BM25: 0.437'). Not ' = ': rows written as
'name = value' read like hyperparameter lists, and ranked high for searches about settings."""
CAPTION_MARK = " [caption: "
"""Where a unit's caption context starts (it ends with ']' unless a passage cut it off)."""

EDGE_QUANTILE = 10
"""Text edges are the 1st and 9th deciles of where lines start and end (short last lines end early)."""

MIN_ROWS = 2
"""A caption with fewer numeric rows next to it is not treated as a table (figure-like or text table)."""
PROSE_WORDS = 8
"""A cell of this many words is running text: it ends the table block."""
MAX_HEADER_LINES = 5
SENTENCE_END_WORDS = 3
"""A single-cell line of this many words ending with a full stop ends a paragraph, so it ends a table block."""
MAX_CAPTION_LINES = 6
HEADER_REACH_EM = 2.0
"""A header cell names the columns within this many font sizes of it (0 when it overlaps them)."""
BLOCK_GAP_EM = 3.0
"""Lines further apart than this many font sizes are not in the same table block."""
CAPTION_WORDS = 25
"""Words of the caption's first sentence repeated in each row unit (search context)."""


@dataclass(frozen=True)
class TableRow:
    """One row of a table: its table ("2"), caption, row label and (column name or None, value) cells."""

    table: str
    caption: str
    label: str
    cells: tuple[tuple[str | None, str], ...]

    def unit_text(self) -> str:
        cells = "; ".join(f"{name}{NAME_MARK}{value}" if name else value for name, value in self.cells)
        caption = f"{CAPTION_MARK}{self.caption}]" if self.caption else ""
        return f'Table {self.table}, row "{self.label}": {cells}{caption}'


def parse_row_unit(text: str) -> TableRow | None:
    """The TableRow a row unit line (or chunk text) holds; None for any other text."""
    match = ROW_UNIT.fullmatch(text.strip())
    if not match:
        return None
    cells, _, cut_caption = match["cells"].partition(CAPTION_MARK)  # a caption cut off by the end of a passage
    cells = tuple(_parsed_cell(cell) for cell in cells.split("; ") if cell)
    return TableRow(match["table"], match["caption"] or cut_caption, match["label"], cells)


def _parsed_cell(cell: str) -> tuple[str | None, str]:
    name, equals, value = cell.rpartition(NAME_MARK)
    return (name, value) if equals else (None, cell)


def is_numeric(cell: Cell) -> bool:
    return bool(_NUMERIC_CELL.fullmatch(cell.text.strip()))


# --- finding tables in positioned lines ---------------------------------------------------


@dataclass
class _Block:
    caption: str
    header: list[Line]
    rows: list[Line]


Side = str
"""Where a paper puts its tables relative to their captions: 'below' (caption on top) or 'above'."""


def page_table_rows(lines: list[Line], side: Side = "below") -> list[tuple[TableRow, str]]:
    """Every row of every captioned numeric table on a page of positioned ``lines`` (top first),
    with the row's positioned text (what ``with_row_units`` looks for in the plain text).

    A caption's table is on its ``side`` when enough rows are there, else on the other.
    A line belongs to one table at most: the first caption (top down) that takes it.
    """
    rows: list[tuple[TableRow, str]] = []
    taken: set[float] = set()
    for caption_index, number, region in _captions(lines):
        caption, sides = _caption_blocks(region, caption_index)
        free = {where: block for where, block in sides.items()
                if _row_count(block) >= MIN_ROWS and not any(line.y in taken for line in block if _is_row(line))}
        block = free.get(side) or free.get(_OTHER_SIDE[side])
        if block:
            parsed = _block(caption, block)
            taken.update(row.y for row in parsed.rows)
            rows += _rows(parsed, number)
    return rows


_OTHER_SIDE = {"below": "above", "above": "below"}


def table_side(pages: list[list[Line]]) -> Side:
    """The paper's caption style, by majority over the captions with rows on one side only ('below' on a tie)."""
    votes = {"below": 0, "above": 0}
    for lines in pages:
        for caption_index, _number, region in _captions(lines):
            filled = [where for where, block in _caption_blocks(region, caption_index)[1].items()
                      if _row_count(block) >= MIN_ROWS]
            if len(filled) == 1:
                votes[filled[0]] += 1
    return "above" if votes["above"] > votes["below"] else "below"


def _captions(lines: list[Line]):
    """(line index, table number, the page's lines cut to the caption's column) of each caption.
    The page's middle lies between the usual left and right text edges (``_edge``: a figure or a
    rotated table at the page's edge must not move it)."""
    if not lines:
        return
    center = (_edge([line.cells[0].x0 for line in lines], 0) + _edge([line.cells[-1].x1 for line in lines], -1)) / 2
    for index, line in enumerate(lines):
        for cell in line.cells:
            if caption := CAPTION.match(cell.text):
                yield index, caption["number"], [_within(other, _side(cell, center), center) for other in lines]


def _edge(positions: list[float], end: int) -> float:
    """The left (``end`` 0) or right (``end`` -1) text edge: the ``EDGE_QUANTILE`` of line starts or ends."""
    if len(positions) < 2:
        return positions[0]
    return quantiles(positions, n=EDGE_QUANTILE)[end]


def _caption_blocks(region: list[Line], caption_index: int) -> tuple[str, dict[Side, list[Line]]]:
    """The caption's text and the candidate table lines below it and above it (top first)."""
    after_caption = _caption_end(region, caption_index)
    caption = " ".join(line.text for line in region[caption_index:after_caption])
    below = _block_lines(region, after_caption, 1)
    above = list(reversed(_block_lines(region, caption_index - 1, -1)))
    return caption, {"below": below, "above": above}


def _row_count(block: list[Line]) -> int:
    return sum(map(_is_row, block))


def _side(caption: Cell, center: float) -> str:
    """Which part of the page the caption's table occupies: 'left' or 'right' column, or 'full' width."""
    if caption.x1 < center:
        return "left"
    return "right" if caption.x0 > center else "full"


def _within(line: Line, side: str, center: float) -> Line:
    """``line`` cut to the caption's part of the page. Running text beside other cells is dropped:
    it is the other column's line at the height of a table row, not a cell of the row."""
    keep = {"full": lambda cell: True, "left": lambda cell: cell.x1 < center, "right": lambda cell: cell.x0 > center}[side]
    cells = [cell for cell in line.cells if keep(cell)]
    if len(cells) > 1:
        cells = [cell for cell in cells if len(cell.text.split()) < PROSE_WORDS] or cells
    return Line(y=line.y, size=line.size, cells=cells)


def _block(caption: str, lines: list[Line]) -> _Block:
    rows = [line for line in lines if _is_row(line)]
    first_row = lines.index(rows[0])
    header = [line for line in lines[:first_row] if not _is_row(line)]
    if _is_value_header(rows):
        header, rows = [*header, _value_header(rows[0])], rows[1:]
    return _Block(caption=caption, header=header[-MAX_HEADER_LINES:], rows=rows)


HEADER_VALUE_DIGITS = 2
"""A number heading a column is a round one ("1.5", "50", "0.25", "1000"): at most this many significant
digits, or a power of two ("128", "512")."""
_BARE_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _is_value_header(rows: list[Line]) -> bool:
    """Whether the first row is the header of a parameter's values ("Threshold | 1.0 | 1.5 | 2.0" over
    "Potsdam | 15.87 | 9.85 | 7.65"; "K | 1 | 5 | 10 | 25" over "Epochs | ..."): a label, then round bare
    numbers rising left to right (the rise may repeat per column group: "R@ | 1 | 10 | 1 | 10"), and the only
    row that reads so (two such rows are data, a score rising with a setting, or two stacked tables)."""
    return len(rows) > 1 and _rising_values(rows[0]) and not any(map(_rising_values, rows[1:]))


def _rising_values(line: Line) -> bool:
    texts = [cell.text.strip() for cell in line.cells if is_numeric(cell)]
    if len(texts) < 2 or len(texts) == len(line.cells) or not all(map(_is_round, texts)):
        return False
    values = [float(text) for text in texts]
    runs = [[values[0]]]
    for before, value in zip(values, values[1:]):
        if value > before:
            runs[-1].append(value)
        else:
            runs.append([value])
    return all(run == runs[0] for run in runs) and len(runs[0]) > 1


def _is_round(text: str) -> bool:
    if not _BARE_NUMBER.fullmatch(text):
        return False
    digits = text.replace(".", "").strip("0")
    number = float(text)
    power_of_two = number.is_integer() and number >= 1 and int(number) & (int(number) - 1) == 0
    return len(digits) <= HEADER_VALUE_DIGITS or power_of_two


def _value_header(line: Line) -> Line:
    """A value header row as a header line, each number named as a setting of its label ("Threshold = 1.5"):
    ``synth.models.cells`` reads "a threshold of 1.5" in a claim as naming that column."""
    label = " ".join(cell.text for cell in line.cells if not is_numeric(cell))
    cells = [Cell(cell.x0, cell.x1, f"{label} = {cell.text.strip()}") if is_numeric(cell) else cell for cell in line.cells]
    return Line(y=line.y, size=line.size, cells=cells)


def _caption_end(region: list[Line], index: int) -> int:
    """Index after the caption's last line: it runs on in single-cell lines until one ends a sentence."""
    end = index + 1
    while (not region[end - 1].text.rstrip().endswith(".") and end < len(region)
           and end - index < MAX_CAPTION_LINES and len(region[end].cells) == 1 and not _is_row(region[end])):
        end += 1
    return end


def _block_lines(region: list[Line], start: int, step: int) -> list[Line]:
    """Lines from ``start`` going ``step`` (1 down, -1 up) until running text, another caption or a wide gap."""
    found: list[Line] = []
    index = start
    while 0 <= index < len(region):
        line = region[index]
        index += step
        if not line.cells:
            continue
        if found and abs(found[-1].y - line.y) > BLOCK_GAP_EM * line.size:
            break
        if _is_prose(line) or CAPTION.match(line.text) or _ends_sentence(line):
            break
        found.append(line)
    return found


def _ends_sentence(line: Line) -> bool:
    """The last line of a paragraph ('... the competitive models.'), not a header cell."""
    return len(line.cells) == 1 and len(line.text.split()) >= SENTENCE_END_WORDS and line.text.endswith(".")


def _is_prose(line: Line) -> bool:
    return any(len(cell.text.split()) >= PROSE_WORDS for cell in line.cells) and not _is_row(line)


def _is_row(line: Line) -> bool:
    """A table row: two or more cells, at least one numeric, and numbers at least as many as words cells less one."""
    numeric = sum(map(is_numeric, line.cells))
    return len(line.cells) >= 2 and numeric >= 1 and numeric >= len(line.cells) - numeric - 1


# --- columns, headers and rows --------------------------------------------------------------


def _rows(block: _Block, number: str) -> list[tuple[TableRow, str]]:
    rows = _within_values(block.rows)
    template = max(rows, key=lambda line: len(line.cells)).cells
    placements = [_placement(line, template) for line in rows]
    names = _column_names(block.header, _extents(rows, placements, template))
    caption = _short_caption(block.caption)
    return [(_table_row(line, placed, names, number, caption), positioned.text)
            for line, positioned, placed in zip(rows, block.rows, placements)]


def _within_values(rows: list[Line]) -> list[Line]:
    """The rows without text cells right of every value: the next column's running text at the height of a
    row ("GrobidNN | 42.0 | 37.6 | or 'authors'). Finally, these ..."), which would bury the row's label."""
    right_edge = max(cell.x1 for line in rows for cell in line.cells if is_numeric(cell))
    return [Line(y=line.y, size=line.size, cells=[cell for cell in line.cells if is_numeric(cell) or cell.x0 < right_edge])
            for line in rows]


def _placement(line: Line, template: list[Cell]) -> list[int] | None:
    """The template column of each cell of ``line`` (most overlap, then nearest); None when two share one."""
    placed = [max(range(len(template)), key=lambda i: (_overlap(cell, template[i]), -_distance(cell, template[i])))
              for cell in line.cells]
    return placed if len(set(placed)) == len(placed) else None


def _extents(rows: list[Line], placements: list[list[int] | None], template: list[Cell]) -> list[Cell]:
    """Each column's x range over the full rows (as many cells as the template): the template's cells
    widened. Rows with empty cells are left out: a value centred across two columns would widen both."""
    extents = [Cell(cell.x0, cell.x1, "") for cell in template]
    for line, placed in zip(rows, placements):
        for cell, column in zip(line.cells, (placed or []) if len(line.cells) == len(template) else []):
            extents[column].x0, extents[column].x1 = min(extents[column].x0, cell.x0), max(extents[column].x1, cell.x1)
    return extents


def _column_names(header: list[Line], columns: list[Cell]) -> list[str]:
    """Header text over each column, top line first ('' where no header cell reaches the column).
    A header cell names the columns it overlaps (a group header spans several), else its nearest one."""
    names: list[list[str]] = [[] for _ in columns]
    for line in header:
        for cell in line.cells:
            for column in _columns_under(cell, columns, HEADER_REACH_EM * line.size):
                names[column].append(_fixed(cell.text))
    return [" ".join(parts) for parts in names]


def _columns_under(cell: Cell, columns: list[Cell], reach: float) -> list[int]:
    overlapping = [index for index, column in enumerate(columns) if _overlap(cell, column) > 0]
    if overlapping:
        return overlapping
    distance, nearest = min((_distance(cell, column), index) for index, column in enumerate(columns))
    return [nearest] if distance <= reach else []


def _distance(first: Cell, second: Cell) -> float:
    """Horizontal gap between two cells; 0 when they overlap."""
    return max(0.0, max(first.x0, second.x0) - min(first.x1, second.x1))


def _overlap(first: Cell, second: Cell) -> float:
    return min(first.x1, second.x1) - max(first.x0, second.x0)


def _table_row(line: Line, placed: list[int] | None, names: list[str], number: str, caption: str) -> TableRow:
    """The row's label (its text cells) and values, named by their columns' headers when the row is placed."""
    label = " | ".join(_fixed(cell.text) for cell in line.cells if not is_numeric(cell))
    columns = placed or [None] * len(line.cells)
    values = tuple(((names[column] or None) if column is not None else None, _fixed(cell.text))
                   for cell, column in zip(line.cells, columns) if is_numeric(cell))
    return TableRow(table=number, caption=caption, label=label, cells=values)


def _short_caption(caption: str) -> str:
    """The caption's first sentence without its 'Table N:' label, at most ``CAPTION_WORDS`` words."""
    body = _LINE_END_HYPHEN.sub(r"\1\2", CAPTION.sub("", _fixed(caption), count=1).strip())
    first = re.split(r"(?<=[a-z0-9)])\.\s", body, maxsplit=1)[0]
    return " ".join(first.replace("[", "(").replace("]", ")").split()[:CAPTION_WORDS])


def _fixed(text: str) -> str:
    return " ".join(text.translate(CHARACTER_FIXES).replace('"', "'").split())


# --- writing rows into page text -------------------------------------------------------------


def _squashed(text: str) -> str:
    return re.sub(r"\s+", "", text.translate(CHARACTER_FIXES)).replace("^", "")


def with_row_units(page_text: str, rows: list[tuple[TableRow, str]]) -> str:
    """``page_text`` with the plain-text lines of table rows replaced by row units, table by table.

    ``rows`` pairs each row with its positioned text (``page_table_rows``). The plain
    lines that spell a row (spaces aside; pypdf may give it as one line or one line
    per cell) are dropped; the table's units go where its first row was, else after
    its caption line, else at the end of the page. Each unit is a paragraph of its
    own (blank lines around it), so sentence splitting never joins two rows.
    """
    for table in dict.fromkeys(row.table for row, _text in rows):
        page_text = _with_table_units(page_text, [(row, text) for row, text in rows if row.table == table])
    return page_text


def _with_table_units(page_text: str, rows: list[tuple[TableRow, str]]) -> str:
    lines = page_text.split("\n")
    windows = _row_windows([_squashed(line) for line in lines], [_squashed(text) for _row, text in rows])
    dropped = {index for first, last in windows for index in range(first, last + 1)}
    at = windows[0][0] if windows else _after_caption(lines, rows[0][0].table)
    kept = [line for index, line in enumerate(lines) if index not in dropped]
    units = "\n\n".join(row.unit_text() for row, _text in rows)
    return "\n".join([*kept[:at], f"\n{units}\n", *kept[at:]]).strip("\n")


def _row_windows(lines: list[str], rows: list[str]) -> list[tuple[int, int]]:
    """(first, last) line indices of each row found, in order: consecutive lines that join to the row."""
    windows: list[tuple[int, int]] = []
    start = 0
    for row in rows:
        window = _window(lines, row, start)
        if window:
            windows.append(window)
            start = window[1] + 1
    return windows


def _window(lines: list[str], row: str, start: int) -> tuple[int, int] | None:
    for first in range(start, len(lines)):
        joined = ""
        for last in range(first, len(lines)):
            joined += lines[last]
            if joined == row:
                return first, last
            if not row.startswith(joined):
                break
    return None


def _after_caption(lines: list[str], table: str) -> int:
    caption = re.compile(rf"(?:Table|TABLE)\s*{re.escape(table)}\s*[:.|]")
    return next((index + 1 for index, line in enumerate(lines) if caption.match(line)), len(lines))


def row_unit_spans(page_text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of every row unit line in ``page_text``."""
    spans, offset = [], 0
    for line in page_text.split("\n"):
        if ROW_UNIT.fullmatch(line):
            spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    return spans


def table_spans(page_text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each run of row units with only blank lines between them (one table)."""
    spans: list[tuple[int, int]] = []
    for start, end in row_unit_spans(page_text):
        if spans and not page_text[spans[-1][1]:start].strip():
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def row_units_in(text: str) -> list[TableRow]:
    """The table rows a chunk (or any text) holds, one per row unit line."""
    return [row for line in text.split("\n") if (row := parse_row_unit(line))]


def is_laid_out(raw_text: str) -> bool:
    """Whether ``pages_with_row_units`` walks the layout of a page with this raw text: only pages with a
    caption ('Table 1:') are (the layout walk is the slow part)."""
    return bool(CAPTION.search(raw_text))


def pages_with_row_units(pdf_pages: list[PageObject], raw_texts: list[str], cleaned: list[str]) -> list[str]:
    """Cleaned page texts with their tables' rows as row units (``is_laid_out`` pages only)."""
    laid_out = [page_lines(page) if is_laid_out(raw) else [] for page, raw in zip(pdf_pages, raw_texts)]
    side = table_side(laid_out)
    return [with_row_units(text, page_table_rows(lines, side)) for lines, text in zip(laid_out, cleaned)]
