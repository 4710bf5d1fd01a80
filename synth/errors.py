"""Errors a user can act on. The message is one line that names the input and
the fix; the CLI prints it as-is (no traceback) and moves on to the next input
where there is one."""


class SynthError(Exception):
    """Base class: ``str(error)`` is the one-line message shown to the user."""


class SourceError(SynthError):
    """A paper could not be found or downloaded (arXiv id, URL, path)."""


class IngestError(SynthError):
    """A file could not be parsed into text (corrupt, encrypted, no text layer...)."""


class StoreError(SynthError):
    """The index or library state is unusable (e.g. unreachable Chroma server)."""


class StorageError(StoreError):
    """A file or folder synth must write is read-only, not permitted, or on a full disk."""


class DataError(SynthError):
    """Dataset files are missing or malformed (LAReQA folders, claim JSONL...)."""


class ConfigError(SynthError):
    """A configuration file or setting is invalid."""
