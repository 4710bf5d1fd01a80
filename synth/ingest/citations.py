"""Is a sentence about cited work rather than the paper's own finding?

``Nogueira and Cho (2019) showed impressive gains ...`` reports someone
else's result; extraction must not present it as the paper's. A sentence is
about cited work when a citation is its subject: it opens with an author-year
citation (``Lee et al. (2019) ...``, ``(Lee et al., 2019) ...``), a numbered
one (``[12] ...``), or ``Prior/Previous/Recent work ...`` and the like, or
its main clause says that a cited work did something
(``... as shown by Lee et al. (2019)``).
"""

from __future__ import annotations

import re

_AUTHOR = r"[A-Z][A-Za-z'\-\u00c0-\u024f]+"
_YEAR = r"(?:19|20)\d{2}[a-z]?"
_AUTHORS = rf"{_AUTHOR}(?:\s+(?:et\s+al\.?|and\s+{_AUTHOR}|&\s+{_AUTHOR}))?"
_NARRATIVE = rf"{_AUTHORS}\s*\(\s*{_YEAR}(?:[,;]\s*{_YEAR})*\s*\)"
"""``Lee et al. (2019)``, ``Nogueira and Cho (2019)``"""
_PARENTHETICAL = rf"\(\s*{_AUTHORS},?\s*{_YEAR}[^)]*\)"
"""``(Lee et al., 2019; ...)``"""
_NUMBERED = r"\[\d{1,3}(?:\s*[,\u2013\-]\s*\d{1,3})*\]"

_OPENS_WITH_CITATION = re.compile(
    rf"^(?:(?:In|As in|Following|Like|Unlike)\s+)?(?:{_NARRATIVE}|{_PARENTHETICAL}|{_NUMBERED})",
)
_OPENS_WITH_PRIOR_WORK = re.compile(
    r"^(?:Prior|Previous|Earlier|Recent|Existing|Related|Past)\s+(?:work|works|studies|research|approaches|methods)\b",
    re.IGNORECASE,
)
_REPORTED_BY_CITATION = re.compile(
    rf"\b(?:shown|reported|proposed|introduced|found|demonstrated|observed)\s+(?:by|in)\s+"
    rf"(?:{_NARRATIVE}|{_AUTHOR}\s+et\s+al\.?|{_NUMBERED})"
)
"""``as shown by Lee et al. (2019)`` / ``in [12]``; never ``shown in Table 1`` (the paper's own table)."""


def is_about_cited_work(sentence: str) -> bool:
    """True when ``sentence`` reports a cited work's result or method (see the module docstring)."""
    text = " ".join(sentence.split())
    return bool(_OPENS_WITH_CITATION.match(text) or _OPENS_WITH_PRIOR_WORK.match(text)
                or _REPORTED_BY_CITATION.search(text))
