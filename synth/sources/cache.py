"""On-disk cache of arXiv metadata (JSON) and PDFs, keyed by versioned id.

A versioned id names immutable content on arXiv, so a cached file never goes
stale and is never downloaded twice. Every write goes to a temporary file in the
same folder and is renamed into place, so an interrupted run leaves either the
old file or none, never half a PDF.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from synth.sources.ids import safe_file_stem


@contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """Yield a binary handle whose content replaces ``path`` only if the block
    finishes without an exception."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as tmp:
            yield tmp
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


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
