"""Positioned text of a PDF page: every text-show operation with its x range, baseline and size,
grouped into lines and cells (runs of text separated by a gap wider than a word space).

pypdf's plain extraction joins a table row into one string ("ConvS2S [9] 25.16 40.46"),
losing which column each number sits in. Its layout mode keeps, per text-show
operation, the start and end x from the font widths; this module reads those
(pypdf's internal ``_layout_mode`` helpers) and builds cells from them. When a
pypdf version no longer offers them, or a page's content cannot be walked,
``page_lines`` returns no lines and the callers fall back to plain text.

Footnotes are found from the positions pypdf's plain extraction itself reports (its
``visitor_text``), so reading them costs no second walk of the page (``footnotes_last``); so are
run-in headings, from its fonts (``run_in_headings_apart``). A page that is walked (one with a
table caption) reuses the operations pypdf's extraction parsed (``parse_streams_once``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

from pypdf import PageObject

from synth.text.segment import FOOTNOTE_MARK

try:  # pypdf internals: the same helpers pypdf's own layout mode uses
    from pypdf._text_extraction._layout_mode._fixed_width_page import recurse_to_target_op, set_font_operation
    from pypdf._text_extraction._layout_mode._text_state_manager import TextStateManager
    from pypdf.generic import ContentStream, DictionaryObject, NameObject, StreamObject
    from pypdf.generic._font import Font
except ImportError:  # pragma: no cover - depends on the installed pypdf
    TextStateManager = None

MAX_FORM_DEPTH = 3
"""Form XObjects (a page drawn as a form, as pdfpages and some proceedings tools do) are walked this deep."""
STREAM_ENCODING_KEYS = frozenset({"/Length", "/Filter", "/DecodeParms"})
"""Entries of an encoded stream that do not describe its decoded copy (a ContentStream holds decoded data)."""
SAME_LINE_SHARE = 0.5
"""Runs whose baselines differ by less than this share of the font size are on one line (superscripts included)."""
WORD_GAP_EM = 0.1
"""A gap wider than this many font sizes between two runs is a space."""
CELL_GAP_EM = 0.8
"""A gap wider than this many font sizes separates two cells (word spaces are about 0.25 em)."""
SMALL_SHARE = 0.8
"""A run smaller than this share of the line's main size and raised above its baseline is a superscript."""
RAISED_SHARE = 0.15
"""How far above the baseline (share of the main size) a small run must sit to be a superscript."""


@dataclass(frozen=True)
class Run:
    """One text-show operation: its text, x range, baseline and font size in page space."""

    x0: float
    x1: float
    y: float
    size: float
    text: str


@dataclass
class Cell:
    x0: float
    x1: float
    text: str

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Line:
    """Runs sharing a baseline, top of the page first; ``cells`` left to right."""

    y: float
    size: float
    cells: list[Cell] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(cell.text for cell in self.cells)


def page_runs(page: PageObject) -> list[Run]:
    """Every horizontal text-show operation of ``page``; [] when pypdf's layout helpers are missing or fail."""
    if TextStateManager is None:
        return []
    try:
        return [_run(op) for op in _text_operations(page) if not op.rotated and op.text.strip()]
    except Exception:  # noqa: BLE001 - a page the layout walk cannot read keeps its plain text
        return []


Replaced = list[tuple["DictionaryObject", str, object]]
"""What ``parse_streams_once`` replaced: (dictionary, key, the value it held)."""


def parse_streams_once(page: PageObject) -> Replaced:
    """Replace, in the reader's memory only, the content stream of ``page`` and of the form XObjects it
    can draw by ``ContentStream`` objects, which keep their operations once parsed; returns what it
    replaced, for ``restore_streams``.

    pypdf's text extraction reuses a content stream that is already a ``ContentStream``, and so do
    ``page_runs`` and ``read_front_matter``: each stream is parsed once instead of once per reading
    (parsing is about half of pypdf's extraction time). When a stream cannot be decoded, everything
    is put back, for the extraction to report it as it always does.
    """
    replaced: Replaced = []
    if TextStateManager is None or "/Contents" not in page:
        return replaced
    try:
        _replace(page, "/Contents", page.pdf, replaced)
        _forms_parsed_once(page.get("/Resources"), page.pdf, 0, replaced)
    except Exception:  # noqa: BLE001 - see the docstring
        restore_streams(replaced)
        return []
    return replaced


def restore_streams(replaced: Replaced) -> None:
    """Put back what ``parse_streams_once`` replaced, so that the parsed operations can be freed once no
    later reading needs them. Parsing the 53 pages of 1910.10683 peaked at 204 MB without sharing,
    226 MB with every page's operations kept and 214 MB with only those of its pages read again."""
    for holder, key, original in reversed(replaced):
        holder[NameObject(key)] = original


def _replace(holder: "DictionaryObject", key: str, pdf, replaced: Replaced) -> "ContentStream | None":
    """``holder[key]`` as a ContentStream, recorded in ``replaced``; None when it already was one."""
    original = holder.raw_get(key)
    stream = original.get_object()
    parsed = _parsed(stream, pdf)
    if parsed is stream:
        return None
    holder[NameObject(key)] = parsed
    replaced.append((holder, key, original))
    return parsed


def _forms_parsed_once(resources, pdf, depth: int, replaced: Replaced) -> None:
    xobjects = _dictionary(_dictionary(resources).get("/XObject"))
    for name in list(xobjects):
        form = xobjects[name]
        if not isinstance(form, StreamObject) or form.get("/Subtype") != "/Form":
            continue
        parsed = _replace(xobjects, name, pdf, replaced)
        if parsed is None:
            continue
        for key, value in form.items():
            if key not in STREAM_ENCODING_KEYS:
                parsed[NameObject(key)] = value
        if depth < MAX_FORM_DEPTH:
            _forms_parsed_once(parsed.get("/Resources"), pdf, depth + 1, replaced)


def _parsed(stream, pdf) -> ContentStream:
    """``stream`` as a ContentStream (itself when it is one), decoded as pypdf's text extraction decodes it."""
    return stream if isinstance(stream, ContentStream) else ContentStream(stream, pdf, "bytes")


def _text_operations(page: PageObject) -> list:
    contents = page.get("/Contents")
    if contents is None:
        return []
    fonts = page._layout_mode_fonts()  # noqa: SLF001 - see the module docstring
    page_ops = _parsed(contents.get_object(), page.pdf).operations
    operations = iter(list(_flattened(page_ops, page.get("/Resources"), fonts, "", page.pdf)))
    state = TextStateManager()
    found: list = []
    for operands, operator in operations:  # as pypdf's text_show_operations, keeping each Tj/TJ
        if operator in (b"BT", b"q"):
            found += recurse_to_target_op(operations, state, b"ET" if operator == b"BT" else b"Q", fonts)[1]
        elif operator == b"Tf":
            set_font_operation(state, fonts, operands)
        elif operator == b"cm":
            # A matrix set outside any q block, which pypdf's own walk drops: without it Multi-LexSum's
            # Table 3 sat 600 points below its caption, off the page.
            state.add_cm(*operands)
        else:
            state.set_state_param(operator, operands)
    return found


def _flattened(operations: list, resources, fonts: dict, prefix: str, pdf, depth: int = 0):
    """``operations`` with every Form XObject drawn (``Do``) replaced by its own operations
    inside ``q cm ... Q``; the form's fonts are added to ``fonts`` under a prefixed name."""
    xobjects = _dictionary(_dictionary(resources).get("/XObject"))
    for operands, operator in operations:
        form = _dictionary(xobjects.get(operands[0])) if operator == b"Do" and operands else DictionaryObject()
        if form.get("/Subtype") == "/Form" and depth < MAX_FORM_DEPTH:
            inner = f"{prefix}{operands[0]}:"
            for name, font in _dictionary(_dictionary(form.get("/Resources")).get("/Font")).items():
                fonts[f"{inner}{name}"] = Font.from_font_resource(font.get_object())
            yield [], b"q"
            yield list(form.get("/Matrix", [1, 0, 0, 1, 0, 0])), b"cm"
            yield from _flattened(_parsed(form, pdf).operations, form.get("/Resources"),
                                  fonts, inner, pdf, depth + 1)
            yield [], b"Q"
        elif operator == b"Tf" and prefix and operands:
            yield [f"{prefix}{operands[0]}", *operands[1:]], operator
        else:
            yield operands, operator


def _dictionary(value) -> DictionaryObject:
    value = value.get_object() if value is not None else None
    return value if isinstance(value, DictionaryObject) else DictionaryObject()


def _run(op) -> Run:
    scale = abs(op.transform[0]) or 1.0
    return Run(x0=op.tx, x1=op.displaced_tx, y=op.ty, size=op.font_size * scale, text=op.text)


def page_lines(page: PageObject) -> list[Line]:
    """The page's runs as lines (top first), each cut into cells at gaps wider than ``CELL_GAP_EM``."""
    return [_line(group) for group in _baseline_groups(page_runs(page))]


def _baseline_groups(runs: list[Run]) -> list[list[Run]]:
    groups: list[list[Run]] = []
    for run in sorted(runs, key=lambda run: -run.y):
        if groups and abs(groups[-1][0].y - run.y) < SAME_LINE_SHARE * max(run.size, groups[-1][0].size):
            groups[-1].append(run)
        else:
            groups.append([run])
    return groups


def _line(runs: list[Run]) -> Line:
    main = max(runs, key=lambda run: run.size)
    line = Line(y=main.y, size=main.size)
    previous = main
    for run in sorted(runs, key=lambda run: run.x0):
        last = line.cells[-1] if line.cells else None
        gap = run.x0 - last.x1 if last else 0.0
        if last is None or gap > CELL_GAP_EM * main.size:
            line.cells.append(Cell(run.x0, run.x1, run.text.strip()))
        else:  # only a run attached to a cell's text can be a superscript: a lone small cell is not one
            joiner = "^" if _is_superscript(run, previous) else " " if gap > WORD_GAP_EM * main.size else ""
            last.text, last.x1 = f"{last.text}{joiner}{run.text.strip()}", max(last.x1, run.x1)
        previous = run
    return line


def _is_superscript(run: Run, before: Run) -> bool:
    """Smaller than the run before it and raised above its baseline (small capitals are not raised)."""
    return run.size < SMALL_SHARE * before.size and run.y - before.y > RAISED_SHARE * before.size


# --- footnotes, from the positions pypdf's plain extraction reports ----------------------------

FOOTNOTE_ZONE_SHARE = 0.5
"""Footnotes start in the lower half of the page (a raised mark higher up is a formula's or a table's)."""
FOOTNOTE_GROWTH = 0.1
"""A line more than this share larger than the footnote's first line is body text, not the footnote."""
_MARK_TEXT = re.compile(r"[0-9]{1,2}|[*\u2020\u2021\u00a7\u00b6\u2217]{1,2}|[a-z]")
_BOLD_FONT = re.compile(r"bold|black|heavy|demi|medi|cmbx|sfbx", re.IGNORECASE)
"""Weights in a font's name after its subset tag: ``NimbusRomNo9L-Medi``, ``Times-Bold``, ``CMBX10``, ``SFBX1000``."""
RUN_IN_HEADING_WORDS = 8
"""A bold run opening a line is a run-in heading (LaTeX's ``\\paragraph``) when it is at most this many words."""
HEADING_END = "."
"""Written after a run-in heading that has no final punctuation, so that no sentence spans the heading and the
paragraph's first sentence (cleaned page text has no blank lines, synth.ingest.clean)."""
_FINAL_PUNCTUATION = ".:;!?"
_HAS_WORD = re.compile(r"[A-Za-z]{2}")
_HEADING_START = re.compile(r"[A-Z0-9(]")
_FLOAT_LABEL = re.compile(r"(?:Table|TABLE|Figure|FIGURE|Fig\.|Algorithm)\s*[A-Z]?\d")
"""A bold caption label (``Table 2:``) opens its caption, which stays one line (synth.ingest.tables reads it)."""
_SENTENCE_START = re.compile(r"(?:[A-Z][a-z]+|[A-Z]{2,}|[AI])[\s,;:\-]")
"""A word opening a sentence: ``The``, ``BERT-based``, ``A``; not a table's cells (``CoLA SST-2``, ``54.32``)
nor a letter of a small-capitals or subscripted name (``H`` of ``HOLMES``)."""


@dataclass(frozen=True)
class Piece:
    """One piece of pypdf's plain text as its ``visitor_text`` reports it: text, baseline, font size, weight."""

    text: str
    y: float
    size: float
    bold: bool = False


def visited_piece(text: str, cm: list, tm: list, font_size: float, font: object = None) -> Piece:
    """The piece ``text`` drawn with text matrix ``tm`` under ``cm``, in page space, in ``font`` (a font dictionary)."""
    y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
    scale = math.hypot(tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]) or 1.0
    return Piece(text, y, font_size * scale, is_bold(font))


def is_bold(font: object) -> bool:
    """Whether a font dictionary's ``/BaseFont`` names a bold weight (False when it has none)."""
    try:
        name = str(font.get("/BaseFont", ""))  # type: ignore[attr-defined]
    except AttributeError:  # no font dictionary (pypdf passes None before the first Tf)
        return False
    return bool(_BOLD_FONT.search(name.rpartition("+")[2]))


def run_in_headings_apart(pieces: list[Piece]) -> list[Piece]:
    """The pieces with each run-in heading on a line of its own, ended by a full stop: a short bold run that opens a line
    (after a bullet, if any) and is followed on that line by regular text starting with a capital
    (``Coverage One of the main problems ...``, ``Adversarial approach Table 1 shows ...``).

    pypdf writes such a heading and its paragraph's first sentence as one line, so without the
    break the heading reads as the sentence's first words and lands in claims. A bold word that
    merely wraps to a line start is followed by lower-case text and stays where it is.
    """
    apart = list(pieces)
    line_starts = [0] + [index + 1 for index, piece in enumerate(pieces[:-1]) if piece.text.endswith("\n")]
    for start in line_starts:
        last = _run_in_heading_end(pieces, start)
        if last is not None:
            apart[last] = replace(pieces[last], text=_ended(pieces[last].text.rstrip()) + "\n")
            apart[last + 1] = replace(pieces[last + 1], text=pieces[last + 1].text.lstrip())
    return apart


def _ended(heading: str) -> str:
    return heading if heading.endswith(tuple(_FINAL_PUNCTUATION)) else heading + HEADING_END


def _run_in_heading_end(pieces: list[Piece], start: int) -> int | None:
    """Index of the last piece of the run-in heading opening the line at ``start``, or None."""
    first = start
    while first < len(pieces) and not _HAS_WORD.search(pieces[first].text) and "\n" not in pieces[first].text:
        first += 1  # a bullet or enumerator before the heading
    after = first
    while after < len(pieces) and pieces[after].bold and "\n" not in pieces[after].text:
        after += 1
    if after == first or after == len(pieces) or pieces[after].bold:
        return None
    heading, rest = "".join(piece.text for piece in pieces[first:after]).strip(), pieces[after].text.lstrip()
    is_heading = (len(heading.split()) <= RUN_IN_HEADING_WORDS and _HAS_WORD.search(heading)
                  and _HEADING_START.match(heading) and not _FLOAT_LABEL.match(heading))
    return after - 1 if is_heading and _SENTENCE_START.match(rest) else None


def footnotes_last(pieces: list[Piece], page_bottom: float, page_height: float) -> str:
    """The text the pieces make, with every footnote block moved to the end of the page and its
    first line opened by ``FOOTNOTE_MARK`` (synth.text.segment): a footnote printed at the foot of the left column
    otherwise sits inside the sentence that runs on into the right column.

    A footnote starts at a line in the lower half of the page that opens with a small raised
    mark (``3``, ``*``, ``†``) and runs down the column while the lines stay as small; it ends
    where the text jumps back up (the next column) or grows (body text, a heading).
    """
    lines = _piece_lines(pieces)
    zone_top = page_bottom + FOOTNOTE_ZONE_SHARE * page_height
    body, notes, note_size, previous_y = [], [], None, None
    for text, pieces_of_line in lines:
        y, size = _baseline_and_size(pieces_of_line)
        continues = (note_size is not None and y is not None and y < previous_y
                     and size <= note_size * (1 + FOOTNOTE_GROWTH))
        if _opens_with_mark(pieces_of_line) and y is not None and y < zone_top:
            notes.append(FOOTNOTE_MARK + text.lstrip())
            note_size, previous_y = size, y
        elif continues:
            notes.append(text)
            previous_y = y
        else:
            body.append(text)
            note_size = None
    return "\n".join(body + notes)


def _piece_lines(pieces: list[Piece]) -> list[tuple[str, list[Piece]]]:
    """(text, its non-blank pieces) per line of the joined text (pieces hold the line breaks)."""
    lines: list[tuple[str, list[Piece]]] = [("", [])]
    for piece in pieces:
        for index, part in enumerate(piece.text.split("\n")):
            if index:
                lines.append(("", []))
            text, members = lines[-1]
            lines[-1] = (text + part, members + [Piece(part, piece.y, piece.size)] if part.strip() else members)
    return lines


def _baseline_and_size(pieces: list[Piece]) -> tuple[float | None, float]:
    """The line's baseline and size: those of its largest piece (None for an empty line)."""
    if not pieces:
        return None, 0.0
    main = max(pieces, key=lambda piece: piece.size)
    return main.y, main.size


def _opens_with_mark(pieces: list[Piece]) -> bool:
    """The line's first piece is a footnote mark: smaller than the text after it and raised above it."""
    if len(pieces) < 2 or not _MARK_TEXT.fullmatch(pieces[0].text.strip()):
        return False
    mark, text = pieces[0], pieces[1]
    return mark.size < SMALL_SHARE * text.size and mark.y - text.y > RAISED_SHARE * text.size
