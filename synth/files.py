"""File helpers every stage shares: content hashes and atomic writes.

Atomic means: the new content goes to a temporary file in the same folder and
is renamed over the target, so a killed run leaves the old file or the new
one, never half of either.
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from synth.errors import StorageError

FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
FILE_MODE = 0o666
"""Mode of new files before the user's umask (what ``open`` gives; mkstemp alone gives 0600)."""


def file_sha256(path: Path, block_size: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes, read in blocks (model files are large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(block_size), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """Yield a binary handle whose content replaces ``path`` only if the block
    finishes without an exception."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with writing(path):
        handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with writing(path):
            os.fchmod(handle, FILE_MODE & ~current_umask())
        with writing(path), os.fdopen(handle, "wb") as tmp:
            yield tmp
        with writing(path):
            os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    """The process umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def is_storage_failure(error: OSError) -> bool:
    """Read-only, not permitted or full: the user must fix the place, not the input."""
    return error.errno in FULL_ERRNOS | READ_ONLY_ERRNOS


STORAGE_MESSAGES = ("readonly", "read-only", "disk is full", "no space left", "database or disk")


def is_storage_message(message: str) -> bool:
    """How SQLite (the ledger, Chroma) words a read-only or full disk; they raise no OSError for it."""
    return any(marker in message.lower() for marker in STORAGE_MESSAGES)


def storage_error(error: OSError, path: Path | str) -> StorageError:
    """One line naming the place that cannot be written and how to fix it."""
    where = error.filename or path
    if error.errno in FULL_ERRNOS:
        return StorageError(
            f"{where}: no space left on the device; free some space, or point --home (SYNTH_HOME) "
            "or --out at a disk with room"
        )
    return StorageError(
        f"{where}: cannot write there ({error.strerror or 'read-only'}); make it writable, or point --home "
        "(SYNTH_HOME) or --out at a writable folder"
    )


@contextmanager
def writing(path: Path | str) -> Iterator[None]:
    """Turn a read-only, not-permitted or full-disk OSError raised inside the
    block into a StorageError naming ``path`` (or the file the OS named)."""
    try:
        yield
    except OSError as error:
        if is_storage_failure(error):
            raise storage_error(error, path) from error
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    with atomic_file(path) as out:
        out.write(data)


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def display_path(path: Path | None, base: Path | None = None) -> str:
    """How reports and rationales name a file: relative to ``base`` (e.g. the
    results folder), else to the checkout, else to the folder beside it (the
    shared data next to a clone reads ``../shared/...``), else as given. Reports
    made on one machine then carry none of its absolute paths and compare equal
    across clones."""
    if path is None:
        return "(none)"
    from synth.settings import REPO_ROOT

    absolute = _absolute(path)
    for root in (base, REPO_ROOT):
        if root is not None and absolute.is_relative_to(_absolute(root)):
            return absolute.relative_to(_absolute(root)).as_posix()
    if absolute.is_relative_to(REPO_ROOT.parent):
        return "../" + absolute.relative_to(REPO_ROOT.parent).as_posix()
    return str(path)


def _absolute(path: Path) -> Path:
    """Absolute without resolving symbolic links: a linked ``shared/`` beside a
    clone still reads as ``../shared``."""
    return Path(os.path.abspath(path))
