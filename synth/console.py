"""The one stderr console: messages and progress bars go here, so stdout stays
clean for --json and every stage's output shares one terminal state."""

from rich.console import Console

console = Console(stderr=True, soft_wrap=True)
