"""A rich progress display with one line per pipeline stage (on stderr)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from synth.console import console


class StageDisplay:
    """``with display.stage("verify claims", total=12) as advance: ... advance()``.

    Each stage keeps its line after it finishes, with a short note of what it
    produced, so the user sees where the time went.
    """

    def __init__(self, enabled: bool = True) -> None:
        self.progress = Progress(
            SpinnerColumn(finished_text="[green]✓[/green]"),
            TextColumn("{task.description:<20}"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("[dim]{task.fields[note]}[/dim]"),
            console=console,
            disable=not enabled,
        )
        self.notes: dict[str, str] = {}

    def __enter__(self) -> "StageDisplay":
        self.progress.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.progress.stop()

    @contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[Callable[..., None]]:
        task = self.progress.add_task(name, total=total, note="")

        def advance(steps: int = 1, note: str | None = None) -> None:
            self.progress.advance(task, steps)
            if note is not None:
                self.progress.update(task, note=note)

        yield advance
        finished = self.progress.tasks[task].completed if total is None else total
        self.progress.update(task, total=max(finished, 1), completed=max(finished, 1))

    def note(self, name: str, text: str) -> None:
        """Set the note of the stage called ``name`` (shown at the end of its line)."""
        for task in self.progress.tasks:
            if task.description == name:
                self.progress.update(task.id, note=text)
