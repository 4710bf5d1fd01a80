"""The two consoles every command writes through, and the progress of long loops.

``out`` (stdout) carries results only: tables, lines and JSON a pipeline reads.
``console`` (stderr) carries progress and messages. Both print text as it is:
markup, highlighting and emoji codes are off, so a title holding ``[/x]`` or
``:smile:`` is shown verbatim and can never crash or vanish; styled parts
(``error:``) are built as ``rich.text.Text`` instead of markup strings.
"""

from __future__ import annotations

import time
from contextlib import AbstractContextManager, contextmanager
from typing import Callable, Iterator, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

PLAIN = {"soft_wrap": True, "markup": False, "emoji": False, "highlight": False}
console = Console(stderr=True, **PLAIN)
out = Console(**PLAIN)

LOG_INTERVAL_S = 10.0
"""Off a terminal, a long loop logs a percentage line at most this often (seconds)."""


def styled(label: str, style: str, message: str) -> Text:
    """``label`` in ``style``, then ``message`` verbatim (never parsed as markup)."""
    return Text.assemble((label, style), " ", message)


def error(message: str) -> None:
    """The one line of an error, on stderr."""
    console.print(styled("error:", "red", message))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None) -> None:
    """A results table on stdout: boxed on a terminal, else tab-separated lines
    under a header line (so ``synth papers | cut -f1`` works); cells are never cut."""
    if out.is_terminal:
        table = Table(*headers, title=title)
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))
        out.print(table)
        return
    for row in [headers, *rows]:
        out.file.write("\t".join(" ".join(str(cell).split()) for cell in row) + "\n")


class LogLines:
    """Progress as log lines for stderr that is not a terminal (CI logs, files):
    a start line, a percentage line at most every ``LOG_INTERVAL_S``, and an end
    line; never a carriage return or a redrawn bar."""

    def __init__(self, label: str, total: int | None) -> None:
        self.label, self.total, self.done = label, total, 0
        self.started = self.last = time.monotonic()

    def start(self) -> None:
        console.print(f"{self.label} ..." if not self.total else f"{self.label}: 0/{self.total}")

    def advance(self, steps: int = 1, note: str | None = None) -> None:
        """``steps`` more done; ``note`` (what is being worked on) is for the terminal bar only."""
        self.done += steps
        now = time.monotonic()
        if self.total and now - self.last >= LOG_INTERVAL_S and self.done < self.total:
            self.last = now
            console.print(f"{self.label}: {100 * self.done // self.total}% ({self.done}/{self.total}, "
                          f"{now - self.started:.0f} s)")

    def finish(self) -> None:
        took = f"{time.monotonic() - self.started:.0f} s"
        console.print(f"{self.label}: done, {self.done} in {took}" if self.total else f"{self.label}: done in {took}")


Advance = Callable[..., None]
"""``advance(steps=1, note=None)``: ``steps`` more done; ``note`` names the item in hand (shown on a terminal)."""


@contextmanager
def progress(label: str, total: int | None, enabled: bool = True) -> Iterator[Advance]:
    """``with progress("encoding queries", n) as advance: ... advance(k)``: a
    transient bar on a terminal, log lines otherwise, nothing when disabled.
    Labels and notes are shown verbatim (a file named ``[red]x[/red].pdf`` too)."""
    if not enabled:
        yield lambda steps=1, note=None: None
        return
    if not console.is_terminal:
        lines = LogLines(label, total)
        lines.start()
        yield lines.advance
        lines.finish()
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=total)

        def advance(steps: int = 1, note: str | None = None) -> None:
            bar.update(task, advance=steps, **({"description": f"{label} {note}"} if note else {}))

        yield advance


def stage(label: str, enabled: bool = True) -> AbstractContextManager[Advance]:
    """A step without a count (``with stage("BM25 index"): ...``): a start and a done line off a terminal."""
    return progress(label, None, enabled)
