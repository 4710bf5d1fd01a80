"""PDFs parsed ahead of indexing, in worker processes.

Parsing is pure Python (pypdf walks every page's content stream; ~1.5 s a paper on
the 2-core development machine) while indexing a paper embeds its chunks with torch
on every core. In one process the two take turns; with worker processes the next
papers are parsed while the current one is embedded (a cold 20-paper report: see
bench/RESULTS.md, issue 11).

A worker is ``python -m synth.ingest.ahead``, reading pickled (path, paper) requests on
stdin and writing pickled results on stdout. Not multiprocessing: its spawn start
re-runs the caller's main script in every worker, which hangs any user script without
an ``if __name__ == "__main__"`` guard (the worker waits for the library lock its
parent holds), and forking a process that holds torch's thread pool can hang too.
Workers ignore SIGINT (an interrupted run stops in the main process), end when their
stdin closes (also when the parent dies), and return what pypdf logged about each
file so that its one warning line still names the file. A worker that dies, or a
parse that fails in an unforeseen way, leaves the paper to be parsed in process,
where the failure is recorded as usual. A run with fewer PDFs than
``PARSE_AHEAD_MIN_PAPERS`` parses in process: starting workers would cost more.
"""

from __future__ import annotations

import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from itertools import cycle
from pathlib import Path

from synth.errors import IngestError
from synth.ingest.parse import parse_pdf
from synth.ingest.pdf import PYPDF_PROBLEMS
from synth.records import Paper, ParsedPaper

PARSE_AHEAD_MIN_PAPERS = 3
"""Below this many PDFs to parse, the parse stays in process."""

Result = tuple[ParsedPaper | IngestError | None, tuple[int, str]]
"""A worker's answer: the parsed paper, its IngestError, or None (parse it in process); pypdf's problems."""


def parse_logged(path: str, paper: Paper) -> Result:
    """``parse_pdf`` as a worker runs it, with what pypdf logged meanwhile (see the module docstring)."""
    PYPDF_PROBLEMS.take()
    try:
        parsed: ParsedPaper | IngestError | None = parse_pdf(Path(path), paper)
    except IngestError as error:
        parsed = error
    except Exception:  # noqa: BLE001 - the main process parses it again and records what went wrong
        parsed = None
    return parsed, PYPDF_PROBLEMS.take()


class _Worker:
    """One worker process and the thread that reads its answers into ``answers`` (FIFO)."""

    def __init__(self) -> None:
        package_root = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
        self.process = subprocess.Popen([sys.executable, "-m", "synth.ingest.ahead"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": path})
        self.answers: queue.Queue[tuple[str, Result] | None] = queue.Queue()
        self.sent = 0
        self.answered = 0
        """Requests written and answers read; each counter has one writer (this thread, the reader thread)."""
        threading.Thread(target=self._read, daemon=True).start()

    @property
    def busy(self) -> bool:
        return self.answered < self.sent and self.process.poll() is None

    def send(self, paper: Paper) -> bool:
        try:
            pickle.dump((paper.pdf_path, paper), self.process.stdin)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        self.sent += 1
        return True

    def _read(self) -> None:
        try:
            while True:
                answer = pickle.load(self.process.stdout)
                self.answered += 1
                self.answers.put(answer)
        except Exception:  # noqa: BLE001 - EOF or a dead worker: its papers are parsed in process
            self.answers.put(None)

    def close(self) -> None:
        try:
            self.process.stdin.close()
        except OSError:
            pass


class ParseAhead:
    """Parses submitted papers in worker processes; ``parsed`` waits for one.

    Use as a context manager; leaving it closes the workers' input, so they end
    after the parse in hand.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: list[_Worker] = []
        self._next: cycle | None = None
        self._worker_of: dict[str, _Worker] = {}
        self._early: dict[str, Result] = {}

    def __enter__(self) -> ParseAhead:
        return self

    def __exit__(self, *_exc) -> None:
        for worker in self._pool:
            worker.close()

    def submit(self, paper: Paper) -> None:
        if self._next is None:
            self._pool = [_Worker() for _ in range(self.workers)]
            self._next = cycle(self._pool)
        worker = next(self._next)
        if paper.paper_id not in self._worker_of and worker.send(paper):
            self._worker_of[paper.paper_id] = worker

    def busy_workers(self) -> int:
        """Workers parsing now (a request sent and not yet answered): each takes a core."""
        return sum(worker.busy for worker in self._pool)

    def parsed(self, paper: Paper) -> ParsedPaper | None:
        """The worker's parse of ``paper``; None when it was not submitted or the worker gave up.

        Raises the paper's IngestError; what pypdf logged in the worker is added to this
        process's ``PYPDF_PROBLEMS``.
        """
        result = self._result(paper.paper_id)
        if result is None:
            return None
        parsed, (count, first) = result
        PYPDF_PROBLEMS.add(count, first)
        if isinstance(parsed, IngestError):
            raise parsed
        return parsed

    def _result(self, paper_id: str) -> Result | None:
        worker = self._worker_of.pop(paper_id, None)
        while worker is not None and paper_id not in self._early:
            answer = worker.answers.get()
            if answer is None:
                worker.answers.put(None)  # dead for every later paper too
                return None
            answered_id, result = answer
            self._early[answered_id] = result
        return self._early.pop(paper_id, None)


def serve() -> None:
    """The worker's loop: answer every request on stdin until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the answers
    while True:
        try:
            path, paper = pickle.load(requests)
        except EOFError:
            return
        pickle.dump((paper.paper_id, parse_logged(path, paper)), answers)
        answers.flush()


if __name__ == "__main__":
    serve()
