"""CLI commands of this stage (registered on import)."""

from synth.cli.app import app  # noqa: F401
