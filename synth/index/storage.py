"""Small file-store helpers: atomic writes and file names safe for any paper id."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path``.

    A reader sees the old or the new content, never a partial file, even if
    the process is killed half-way.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def file_key(paper_id: str) -> str:
    """A file name for a paper id ('hep-th/9901001' -> 'hep-th_9901001-<hash>').

    Ids that are already safe are kept as they are; others get a short hash so
    two ids that differ only in unsafe characters never share a file.
    """
    safe = UNSAFE.sub("_", paper_id)
    if safe == paper_id and not paper_id.startswith("."):
        return paper_id
    digest = hashlib.sha256(paper_id.encode()).hexdigest()[:8]
    return f"{safe.lstrip('.')}-{digest}"
