"""Where papers come from: arXiv (search, fetch by id, cached PDFs) and local PDFs."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from synth.sources.arxiv import ArxivClient, ArxivEntry, entry_to_paper
from synth.sources.ids import is_arxiv_id, normalize_arxiv_id, safe_file_stem, split_version
from synth.sources.local import expand_local_source, expand_local_sources

__all__ = [
    "ArxivClient",
    "ArxivEntry",
    "entry_to_paper",
    "expand_local_source",
    "expand_local_sources",
    "is_arxiv_id",
    "normalize_arxiv_id",
    "safe_file_stem",
    "source_kind",
    "split_version",
]


def source_kind(text: str) -> Literal["arxiv", "local"]:
    """How to read one ``synth ingest`` argument: an existing path wins (an old-style
    id like ``hep-th/9901001`` could also be a relative path), then an arXiv id;
    anything else is a local path (which then reports itself as missing)."""
    if Path(text).expanduser().exists():
        return "local"
    return "arxiv" if is_arxiv_id(text) else "local"
