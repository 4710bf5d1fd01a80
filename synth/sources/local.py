"""The user's own PDFs: files, or directories searched recursively for ``*.pdf``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from synth.errors import SourceError


def expand_local_source(path: str | Path) -> list[Path]:
    """The PDFs one command-line argument stands for, sorted.

    A file is taken as given (whether it really is a PDF is the parser's call,
    so a non-PDF named ``.pdf`` gets a precise message there). A directory
    yields every ``*.pdf`` below it, in any letter case.
    """
    source = Path(path).expanduser()
    if source.is_file():
        return [source]
    if source.is_dir():
        found = sorted(p for p in source.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file())
        if not found:
            raise SourceError(f"{source}: folder holds no .pdf files; pass a folder or file with PDFs")
        return found
    if source.exists():
        raise SourceError(f"{source}: not a file or folder; pass a PDF file or a folder of PDFs")
    raise SourceError(f"{source}: no such file or folder; check the path")


def expand_local_sources(paths: Iterable[str | Path]) -> list[Path]:
    """All PDFs named by ``paths``, in argument order, each file once.

    Raises one SourceError naming every bad path; callers that must go on past
    a bad path call ``expand_local_source`` per argument instead.
    """
    pdfs: list[Path] = []
    seen: set[Path] = set()
    problems: list[str] = []
    for path in paths:
        try:
            expanded = expand_local_source(path)
        except SourceError as error:
            problems.append(str(error))
            continue
        for pdf in expanded:
            if pdf.resolve() not in seen:
                seen.add(pdf.resolve())
                pdfs.append(pdf)
    if problems:
        raise SourceError("; ".join(problems))
    return pdfs
