"""Raw text per page with pypdf, or one clear IngestError saying what is wrong and what to do."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from pypdf import PageObject, PdfReader
from pypdf.errors import DependencyError, PyPdfError

from synth.errors import IngestError
from synth.ingest.layout import (Piece, footnotes_last, parse_streams_once, restore_streams, run_in_headings_apart,
                                 visited_piece)

PDF_MAGIC = b"%PDF-"
MAGIC_WINDOW = 1024
"""PDF readers accept the ``%PDF-`` marker anywhere in the first kilobyte."""

PROBLEM_SHOWN_CHARS = 120
"""How much of pypdf's first logged problem a warning line quotes (some hold a 256-entry table)."""


class PypdfProblems(logging.Handler):
    """What pypdf logs about a file, counted instead of printed.

    pypdf reports broken fonts and streams through ``logging``; with no handler
    configured Python's last-resort handler would write each one to stderr (a
    2 KB line per page). Its warnings are noise for readable files and are
    dropped; its errors are kept here so that ingest can say them once per file
    (``take``), and for a file that fails the IngestError message replaces them.
    """

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.count, self.first = 0, ""

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        self.first = self.first or " ".join(record.getMessage().split())

    def add(self, count: int, first: str) -> None:
        """Problems logged elsewhere (a parse worker, synth.ingest.ahead) about the file being read."""
        self.count += count
        self.first = self.first or first

    def take(self) -> tuple[int, str]:
        """(how many problems were logged, the first one) since the last take, and reset."""
        taken = self.count, self.first
        self.count, self.first = 0, ""
        return taken


PYPDF_PROBLEMS = PypdfProblems()
_PYPDF_LOG = logging.getLogger("pypdf")
_PYPDF_LOG.setLevel(logging.ERROR)
_PYPDF_LOG.addHandler(PYPDF_PROBLEMS)
_PYPDF_LOG.propagate = False


def pypdf_problems_line(source: str) -> str | None:
    """One line naming ``source`` and what pypdf logged while it was read (then forgotten), or None."""
    count, first = PYPDF_PROBLEMS.take()
    if not count:
        return None
    quoted = first if len(first) <= PROBLEM_SHOWN_CHARS else first[:PROBLEM_SHOWN_CHARS] + "..."
    return (f"{source}: pypdf reported {count} problem(s) reading it (first: {quoted}); "
            "some text may be missing or garbled, check its passages or export the PDF again")


def read_pages(path: Path) -> list[str]:
    """The text layer of every page of ``path``, in page order (index 0 = page 1).

    Raises IngestError for an unreadable file, a 0-byte file, a file that is not
    a PDF, a corrupt or encrypted PDF, and a PDF without any text (a scan).
    """
    return page_texts(path, open_pdf(path))


def open_pdf(path: Path) -> PdfReader:
    """``path`` opened (and decrypted when it needs no password), or one IngestError saying why not."""
    _check_is_pdf(path)
    return _open(path)


def page_texts(path: Path, reader: PdfReader, keep_parsed: Callable[[int, str], bool] | None = None) -> list[str]:
    """The text of every page of ``reader`` (opened from ``path``); IngestError when there is none.

    ``keep_parsed(index, text)`` names the pages read again later (the table layout walk, the front
    matter): they keep their parsed content streams (synth.ingest.layout.parse_streams_once).
    """
    texts = []
    for index, page in enumerate(reader.pages):
        replaced = parse_streams_once(page)
        texts.append(_page_text(path, page))
        if keep_parsed is None or not keep_parsed(index, texts[-1]):
            restore_streams(replaced)
    if not texts:
        raise IngestError(f"{path}: PDF has no pages; re-download or re-export it")
    if not any(text.strip() for text in texts):
        raise IngestError(f"{path}: PDF has no text layer; run OCR (e.g. ocrmypdf) and ingest the result")
    return texts


def _check_is_pdf(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(MAGIC_WINDOW)
    except OSError as error:
        raise IngestError(
            f"{path}: cannot read the file ({error.strerror}); check the path and permissions"
        ) from error
    if not head:
        raise IngestError(f"{path}: file is empty (0 bytes); download or export the PDF again")
    if PDF_MAGIC not in head:
        start = head[:20].decode("latin-1").strip().replace("\n", " ")
        raise IngestError(
            f"{path}: not a PDF (starts with {start!r}); pass the PDF itself, not a web page or other file"
        )


def _open(path: Path) -> PdfReader:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not _decrypts_without_password(reader):
            raise IngestError(
                f"{path}: PDF is encrypted with a password; decrypt it "
                "(e.g. qpdf --decrypt --password=PASSWORD in.pdf out.pdf) and ingest the result"
            )
        len(reader.pages)  # forces the page tree to load, where truncated files fail
    except IngestError:
        raise
    except Exception as error:  # noqa: BLE001 - malformed input makes pypdf raise almost any type
        raise _corrupt(path, error) from error
    return reader


def _decrypts_without_password(reader: PdfReader) -> bool:
    """True for PDFs with only an owner password (printable, copyable): they open with ''."""
    try:
        return bool(reader.decrypt(""))
    except (DependencyError, NotImplementedError, PyPdfError):
        return False


def _page_text(path: Path, page: PageObject) -> str:
    """pypdf's text of ``page`` with its footnotes moved to the end and its run-in headings set apart
    (synth.ingest.layout.footnotes_last, run_in_headings_apart)."""
    pieces: list[Piece] = []

    def visit(text: str, cm: list, tm: list, font: object, font_size: float) -> None:
        pieces.append(visited_piece(text, cm, tm, font_size, font))

    try:
        text = page.extract_text(visitor_text=visit) or ""
    except Exception as error:  # noqa: BLE001 - as in _open: one broken page stream must not crash the run
        raise _corrupt(path, error) from error
    if "".join(piece.text for piece in pieces) != text:  # the pieces do not spell the text: keep it as it is
        return text
    try:
        box = page.mediabox
    except (ValueError, TypeError, PyPdfError):  # no usable page box: no page bottom to find footnotes above
        return text
    return footnotes_last(run_in_headings_apart(pieces), float(box.bottom), float(box.height))


def _corrupt(path: Path, error: Exception) -> IngestError:
    detail = str(error).splitlines()[0] if str(error) else type(error).__name__
    return IngestError(f"{path}: corrupt or truncated PDF ({detail}); download or export it again")
