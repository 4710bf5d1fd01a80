"""PDFs parsed ahead of indexing, in worker processes.

Parsing is pure Python (pypdf walks every page's content stream; ~1.5 s a paper on
the 2-core development machine) while indexing a paper embeds its chunks with torch
on every core. In one process the two take turns; with worker processes the next
papers are parsed while the current one is embedded (a cold 20-paper report: see
bench/RESULTS.md, issue 11).

Workers are spawned, not forked (a forked process holding torch's thread pool can
hang), ignore SIGINT (an interrupted run stops in the main process, which drops
what the workers were doing), and return what pypdf logged about each file so that
its one warning line still names the file. A run with fewer PDFs than
``PARSE_AHEAD_MIN_PAPERS`` parses in process: starting workers would cost more.
"""

from __future__ import annotations

import multiprocessing
import signal
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from synth.errors import IngestError
from synth.ingest.parse import parse_pdf
from synth.ingest.pdf import PYPDF_PROBLEMS
from synth.records import Paper, ParsedPaper

PARSE_AHEAD_MIN_PAPERS = 3
"""Below this many PDFs to parse, the parse stays in process."""


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def parse_logged(path: str, paper: Paper) -> tuple[ParsedPaper | IngestError, tuple[int, str]]:
    """``parse_pdf`` in a worker: the parsed paper or its IngestError, and what pypdf logged meanwhile."""
    PYPDF_PROBLEMS.take()
    try:
        parsed: ParsedPaper | IngestError = parse_pdf(Path(path), paper)
    except IngestError as error:
        parsed = error
    return parsed, PYPDF_PROBLEMS.take()


class ParseAhead:
    """Parses submitted papers in worker processes; ``parsed`` waits for one.

    Use as a context manager; leaving it (normally or by an exception) stops the
    workers without waiting for parses nobody will read.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[str, Future] = {}

    def __enter__(self) -> ParseAhead:
        return self

    def __exit__(self, *_exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def submit(self, paper: Paper) -> None:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_ignore_interrupts)
        self._futures[paper.paper_id] = self._pool.submit(parse_logged, paper.pdf_path, paper)

    def parsed(self, paper: Paper) -> ParsedPaper | None:
        """The worker's parse of ``paper`` (None when it was not submitted); raises its IngestError.

        What pypdf logged in the worker is added to this process's ``PYPDF_PROBLEMS``.
        """
        future = self._futures.pop(paper.paper_id, None)
        if future is None:
            return None
        parsed, (count, first) = future.result()
        PYPDF_PROBLEMS.add(count, first)
        if isinstance(parsed, IngestError):
            raise parsed
        return parsed
