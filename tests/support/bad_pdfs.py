"""Bad inputs for ingest tests: a corrupt, an encrypted, an empty, a scanned-like and a non-PDF file."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from bench.corpus.content import CORPUS
from bench.corpus.pdf import BODY_TOP, COLUMN_WIDTH, MARGIN, PAGE_HEIGHT, PAGE_WIDTH, write_paper_pdf


def _paper_pdf_bytes() -> bytes:
    """A real paper PDF, rendered outside the target folder so that only the bad file lands there."""
    with tempfile.TemporaryDirectory() as scratch:
        return write_paper_pdf(CORPUS[-1], Path(scratch)).read_bytes()


def write_corrupt_pdf(directory: Path) -> Path:
    """The first 600 bytes of a real paper PDF: a PDF header, then nothing usable."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "corrupt.pdf"
    path.write_bytes(_paper_pdf_bytes()[:600])
    return path


def write_encrypted_pdf(directory: Path, password: str = "secret") -> Path:
    """A real paper, encrypted with a user password."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_paper_pdf_bytes())))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-128")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "encrypted.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def write_empty_pdf(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "empty.pdf"
    path.write_bytes(b"")
    return path


def write_image_only_pdf(directory: Path) -> Path:
    """Two pages of drawn shapes, like a scan: valid PDF, no text layer."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "scanned.pdf"
    canvas = Canvas(str(path), pagesize=LETTER)
    for _ in range(2):
        for row in range(40):
            canvas.setFillGray(0.2 + 0.015 * row)
            canvas.rect(MARGIN, BODY_TOP - row * 15, COLUMN_WIDTH * (0.6 + 0.01 * row), 8, stroke=0, fill=1)
        canvas.circle(PAGE_WIDTH / 2, PAGE_HEIGHT / 3, 60, stroke=1, fill=0)
        canvas.showPage()
    canvas.save()
    return path


def write_not_a_pdf(directory: Path) -> Path:
    """An HTML error page saved under a .pdf name (a typical failed download)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "download.pdf"
    path.write_text("<!DOCTYPE html><html><body><h1>403 Forbidden</h1></body></html>\n", encoding="utf-8")
    return path


def write_bad_inputs(directory: Path) -> dict[str, Path]:
    """One file per kind of bad input, keyed by kind."""
    return {
        "corrupt": write_corrupt_pdf(directory),
        "encrypted": write_encrypted_pdf(directory),
        "empty": write_empty_pdf(directory),
        "no_text": write_image_only_pdf(directory),
        "not_pdf": write_not_a_pdf(directory),
    }
