"""arXiv identifiers: recognise the forms users paste, and name cache files safely.

Two id schemes exist (https://info.arxiv.org/help/arxiv_identifier.html):
new-style ``YYMM.NNNN[N]`` (since April 2007) and old-style ``archive[.SC]/YYMMNNN``
(e.g. ``hep-th/9901001``, ``math.AG/0309136``); both may end in a version ``vN``.
"""

from __future__ import annotations

import hashlib
import re

# YYMM.NNNN up to 2014, YYMM.NNNNN from 2015 on. The month is not checked, so a
# well-formed but impossible id (9999.99999) reads as "not found", as on arXiv.
_NEW_STYLE = r"(?:0[7-9]|1[0-4])\d{2}\.\d{4}|(?:1[5-9]|[2-9]\d)\d{2}\.\d{5}"
_OLD_STYLE = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}"
_ID_PATTERN = re.compile(rf"(?P<base>{_NEW_STYLE}|{_OLD_STYLE})(?:v(?P<version>[1-9]\d*))?")

_PREFIXES = re.compile(
    r"^(?:arxiv:|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)",
    re.IGNORECASE,
)


def normalize_arxiv_id(text: str) -> str | None:
    """The canonical id in ``text``, keeping its version if given, else None.

    Accepts bare ids, ``arXiv:`` prefixes and arxiv.org ``/abs/`` or ``/pdf/``
    URLs (with or without ``.pdf``): ``"https://arxiv.org/pdf/2408.10536v2.pdf"``
    gives ``"2408.10536v2"``.
    """
    candidate = _PREFIXES.sub("", text.strip())
    candidate = re.sub(r"(?:\.pdf)?/?$", "", candidate, flags=re.IGNORECASE)
    if _ID_PATTERN.fullmatch(candidate) is None:
        return None
    return candidate


def is_arxiv_id(text: str) -> bool:
    return normalize_arxiv_id(text) is not None


def split_version(arxiv_id: str) -> tuple[str, int | None]:
    """``"2408.10536v2"`` -> ``("2408.10536", 2)``; no version -> ``(id, None)``."""
    match = _ID_PATTERN.fullmatch(arxiv_id)
    if match is None:
        raise ValueError(f"not an arXiv id: {arxiv_id!r}")
    version = match.group("version")
    return match.group("base"), int(version) if version else None


def safe_file_stem(arxiv_id: str) -> str:
    """A file name stem for ``arxiv_id`` that stays inside its folder.

    Valid ids map readably (``hep-th/9901001v1`` -> ``hep-th_9901001v1``, which no
    valid id can collide with). Anything else keeps only ``[A-Za-z0-9.-]`` and
    gains a hash of the original, so distinct inputs never share a file and no
    name can climb out of the cache (``../x`` -> ``x-<hash>``).
    """
    if _ID_PATTERN.fullmatch(arxiv_id):
        return arxiv_id.replace("/", "_")
    readable = re.sub(r"[^A-Za-z0-9.\-]+", "_", arxiv_id).strip("._-")[:80]
    digest = hashlib.sha256(arxiv_id.encode("utf-8")).hexdigest()[:12]
    return f"{readable}-{digest}" if readable else digest
