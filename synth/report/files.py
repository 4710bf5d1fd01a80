"""Atomic writes and output-folder checks shared by the report outputs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from synth.errors import ConfigError


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` then rename, so a reader never
    sees half a file and an interrupted run leaves the old one intact."""
    path = Path(path)
    handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as tmp:
            tmp.write(data)
        os.chmod(tmp_name, 0o644)  # mkstemp creates 0600; reports are meant to be shared
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


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
