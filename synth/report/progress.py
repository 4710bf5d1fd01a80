"""The pipeline's stage display on stderr: one line per stage.

On a terminal each stage is a live rich line that stays when it finishes; off
a terminal (CI logs, ``2> file``) each stage logs a start line, a percentage
line at most every ``LOG_INTERVAL_S`` and an end line. A stage that recorded
failures ends marked failed (``✗``) with the first reason, never ``✓``.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable, Iterator

from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn, Task, TextColumn, \
    TimeElapsedColumn
from rich.text import Text

from synth.console import LogLines, console

DONE, FAILED = ("✓", "green"), ("✗", "red")
NOTE_CHARS = 160
"""A failure reason is cut to this many characters on the stage line (the report holds it whole)."""


class StatusColumn(ProgressColumn):
    """A spinner while the stage runs, then its mark (``✓`` or ``✗``)."""

    def __init__(self) -> None:
        super().__init__()
        self.spinner = SpinnerColumn()

    def render(self, task: Task) -> Text:
        if not task.finished:
            return self.spinner.render(task)
        mark, style = task.fields.get("mark", DONE)
        return Text(mark, style=style)


def failure_note(failures: list) -> str:
    """``"2 failed: <first reason>"`` for Limitation-like items (``.why``) or strings."""
    first = str(getattr(failures[0], "why", failures[0]))
    first = first if len(first) <= NOTE_CHARS else first[:NOTE_CHARS - 1] + "…"
    return f"{len(failures)} failed: {first}"


class StageDisplay:
    """``with display.stage("verify claims", total=12, watch=problems) as advance: ... advance()``.

    ``watch`` is a list the stage appends its failures to (e.g. the pipeline's
    limitations): anything added while the stage runs marks it failed.
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.live = enabled and console.is_terminal
        self.progress = Progress(
            StatusColumn(),
            TextColumn("{task.description:<20}", markup=False),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[note]}", style="dim", markup=False),
            console=console,
            disable=not self.live,
        )

    def __enter__(self) -> "StageDisplay":
        self.progress.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.progress.stop()

    @contextmanager
    def stage(self, name: str, total: int | None = None, watch: list | None = None) -> Iterator[Callable[..., None]]:
        task = self.progress.add_task(name, total=total, note="")
        lines = LogLines(name, total)
        if self.enabled and not self.live:
            lines.start()
        already = len(watch) if watch is not None else 0

        def advance(steps: int = 1, note: str | None = None) -> None:
            self.progress.advance(task, steps)
            lines.advance(steps)
            if note is not None:
                self.progress.update(task, note=note)

        yield advance
        failures = watch[already:] if watch is not None else []
        if failures:
            self.progress.update(task, mark=FAILED, note=failure_note(failures))
        finished = self.progress.tasks[task].completed if total is None else total
        self.progress.update(task, total=max(finished, 1), completed=max(finished, 1))
        if self.enabled and not self.live:
            self.log_end(task, lines)

    def log_end(self, task: int, lines: LogLines) -> None:
        shown = self.progress.tasks[task]
        mark, _ = shown.fields.get("mark", DONE)
        note = shown.fields.get("note") or ""
        console.print(f"{mark} {shown.description} ({time.monotonic() - lines.started:.0f} s){'  ' + note if note else ''}")
