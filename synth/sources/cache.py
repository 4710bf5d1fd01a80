"""On-disk cache of arXiv metadata (JSON) and PDFs, keyed by versioned id.

A versioned id names immutable content on arXiv, so a cached file never goes
stale and is never downloaded twice. A cached PDF counts only if it is whole
(starts with ``%PDF`` and ends with the ``%%EOF`` trailer); one that is not
is fetched again. Every write goes to a temporary file in the
same folder and is renamed into place, so an interrupted run leaves either the
old file or none, never half a PDF.
"""

from __future__ import annotations

from pathlib import Path

from synth.files import atomic_file
from synth.sources.ids import safe_file_stem


PDF_MAGIC = b"%PDF"
PDF_TRAILER = b"%%EOF"
PDF_TRAILER_WINDOW = 4096
"""The trailer must lie in the file's last bytes (the PDF spec says 1024; some
writers append padding, so a little more is allowed)."""


def has_pdf_trailer(tail: bytes) -> bool:
    return PDF_TRAILER in tail[-PDF_TRAILER_WINDOW:]


def is_whole_pdf(path: Path) -> bool:
    """Starts like a PDF and ends with its trailer: what a complete download looks like."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(PDF_MAGIC))
            size = handle.seek(0, 2)
            handle.seek(max(0, size - PDF_TRAILER_WINDOW))
            return head == PDF_MAGIC and has_pdf_trailer(handle.read())
    except OSError:
        return False


class ArxivCache:
    """Paths and reads/writes under ``<cache_dir>/arxiv/{meta,pdf}``."""

    def __init__(self, cache_dir: Path) -> None:
        self.root = Path(cache_dir) / "arxiv"

    def meta_path(self, versioned_id: str) -> Path:
        return self.root / "meta" / f"{safe_file_stem(versioned_id)}.json"

    def pdf_path(self, versioned_id: str) -> Path:
        return self.root / "pdf" / f"{safe_file_stem(versioned_id)}.pdf"

    def read_meta(self, versioned_id: str) -> str | None:
        path = self.meta_path(versioned_id)
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def write_meta(self, versioned_id: str, json_text: str) -> None:
        with atomic_file(self.meta_path(versioned_id)) as out:
            out.write(json_text.encode("utf-8"))

    def cached_pdf(self, versioned_id: str) -> Path | None:
        path = self.pdf_path(versioned_id)
        return path if path.is_file() and is_whole_pdf(path) else None
