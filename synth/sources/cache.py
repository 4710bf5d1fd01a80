"""On-disk cache of arXiv metadata (JSON) and PDFs, keyed by versioned id.

A versioned id names immutable content on arXiv, so a cached file never goes
stale and is never downloaded twice. Every write goes to a temporary file in the
same folder and is renamed into place, so an interrupted run leaves either the
old file or none, never half a PDF.
"""

from __future__ import annotations

from pathlib import Path

from synth.files import atomic_file
from synth.sources.ids import safe_file_stem


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
        return path if path.is_file() and path.stat().st_size > 0 else None
