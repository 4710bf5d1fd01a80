"""Which version of the ingest code parsed a paper.

A library skips a file it already holds with the same content hash. That is right while the
parser is the same, and wrong after an upgrade that changes how pages are read (reading order,
footnotes, table rows): the old text would stay in the library for good. Each ingested paper
records the fingerprint of the code that turns a file into page text and chunks, and a file
parsed by other code is parsed again (its unchanged chunks keep their cached embeddings).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
PARSING_CODE = ("ingest", "text")
"""The package folders whose modules decide a paper's page text, sections and chunks."""


@lru_cache(maxsize=1)
def parser_fingerprint() -> str:
    """sha256 (first 16 hex digits) of every module of PARSING_CODE, in path order."""
    digest = hashlib.sha256()
    for folder in PARSING_CODE:
        for path in sorted((_PACKAGE / folder).glob("*.py")):
            digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
