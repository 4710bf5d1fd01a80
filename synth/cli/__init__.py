"""Command-line interface: a thin layer over the pipeline stages.

Each stage keeps its commands in its own module; importing them registers the
commands on ``app``.
"""

from synth.cli.app import app, main
from synth.cli import claims, models, report, reproduce, retrieval  # noqa: F401  (registers commands)

__all__ = ["app", "main"]
