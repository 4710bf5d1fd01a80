"""Output-folder check for the report commands (atomic writes: ``synth.files``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from synth.errors import ConfigError


def prepare_output_dir(out: Path) -> Path:
    """Create ``out`` and check it is writable, before any slow work starts."""
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out, prefix=".synth-write-check-", delete=True)
        probe.close()
    except OSError as error:
        reason = error.strerror or str(error)
        raise ConfigError(f"--out {out}: cannot write there ({reason}); pass a writable folder") from error
    return out
