"""What a report stage's result depends on, as short hashes (the report cache's keys, synth.report.cache).

A cached result may be reused only when nothing it was computed from has changed, so each
part errs towards changing: a file rewritten with the same bytes changes a stamp (and only
costs a recomputation), while a file whose bytes change always changes it.

- ``code``: the bytes of every file of the synth package (code, policy defaults, the shipped
  verifier and combiner, worthiness weights) and the versions of the numeric libraries;
- ``settings``: every setting, the verification policy included;
- ``models``: the embedding model and a retrained verifier (``settings.verify.nli.model_dir``);
- ``library``: every committed paper record and chunk file of the home (the verifier searches
  them all, and BM25 weights depend on all of them);
- ``data``: the dataset folder and the reproduction results the verifier reads.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from synth.index.embeddings import model_location
from synth.settings import Settings

NUMERIC_LIBRARIES = ("numpy", "torch", "transformers", "sentence-transformers", "scikit-learn", "pypdf")
"""Installed libraries whose version can change an embedding, a model score or a parse."""
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
SKIPPED_PARTS = frozenset({"__pycache__"})


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    if root.is_file():
        return [root]
    return sorted(path for path in root.rglob("*") if path.is_file() and not SKIPPED_PARTS & set(path.parts))


def tree_stamp(root: Path) -> str:
    """Name, size and modification time of every file below ``root`` (cheap: no file is read)."""
    rows = [f"{path.relative_to(root) if path != root else path.name}:{stat.st_size}:{stat.st_mtime_ns}"
            for path in _files(root) for stat in [path.stat()]]
    return _digest(rows)


def tree_content(root: Path) -> str:
    """Name and sha256 of every file below ``root`` (for small trees, or ones whose times are not kept)."""
    rows = [f"{path.relative_to(root) if path != root else path.name}:{hashlib.sha256(path.read_bytes()).hexdigest()}"
            for path in _files(root)]
    return _digest(rows)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The synth package's bytes and the numeric libraries' versions (once per process)."""
    versions = []
    for name in NUMERIC_LIBRARIES:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} absent")
    return _digest([tree_content(PACKAGE_ROOT), *versions])


def settings_fingerprint(settings: Settings) -> str:
    """Every setting but the home (the cache lives in the home, and a copied home answers the same)
    and the parse workers (how many processes parse does not change what they read)."""
    return _digest([settings.model_dump_json(exclude={"home", "parse_workers"})])


def models_fingerprint(settings: Settings) -> str:
    retrained = settings.verify.nli.model_dir
    location = model_location(settings)
    return _digest([location, tree_stamp(Path(location)), str(retrained), tree_stamp(Path(retrained)) if retrained else ""])


def library_fingerprint(settings: Settings) -> str:
    return _digest([tree_stamp(settings.papers_dir), tree_stamp(settings.index_dir / "chunks")])


def data_fingerprint(data_dir: Path | None, results_dir: Path | None) -> str:
    """The dataset folder (stamps: it is large) and the results folder (contents: a copied run keeps no times)."""
    return _digest([str(data_dir), tree_stamp(data_dir) if data_dir else "",
                    str(results_dir), tree_content(results_dir) if results_dir else ""])
