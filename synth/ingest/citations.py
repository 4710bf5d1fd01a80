"""Is a sentence about cited work rather than the paper's own finding?

``Nogueira and Cho (2019) showed impressive gains ...`` reports someone
else's result; extraction must not present it as the paper's. A sentence is
about cited work when

- a citation is its subject: it opens with an author-year citation
  (``Lee et al. (2019) ...``, ``(Lee et al., 2019) ...``, after ``Recently,``
  too), a numbered one (``[12] ...``), ``Prior/Previous/Recent work ...``,
  ``In that work ...``, or ``They proposed/experimented ...``;
- its main clause says that a cited work did something
  (``... as shown by Lee et al. (2019)``);
- it names the authors' own earlier work (``Extended from our previous work [20]``);
- and, when it says nothing in the first person (we, our, this paper), when it
  reports a result in the passive (``TransE was shown to outperform ...``,
  ``... have been shown to perform well``), ends on the citation that the
  result belongs to (``... for larger values of dk [3].``), or cites at least
  ``SURVEY_CITATIONS`` works (a survey of related work).

Sentences in the first person are the paper's own (``We show that dense
retrieval beats BM25 (Karpukhin et al., 2020).``), except for the earlier-work case.
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

_LEAD = r"(?:(?:Recently|More\s+recently|Most\s+recently|Previously|Similarly|Later|Subsequently),?\s+)?"
_OPENS_WITH_CITATION = re.compile(
    rf"^{_LEAD}(?:(?:In|As in|Following|Like|Unlike)\s+)?(?:{_NARRATIVE}|{_PARENTHETICAL}|{_NUMBERED})",
)
_OPENS_WITH_PRIOR_WORK = re.compile(
    r"^(?:Prior|Previous|Earlier|Recent|Existing|Related|Past|Additional|Other)\s+"
    r"(?:work|works|studies|research|approaches|methods)\b"
    r"|^(?:In|From)\s+(?:that|their|those|these)\s+(?:work|works|paper|papers|study|studies)\b"
    r"|^They\s+(?:\w+ly\s+)?(?:experimented|proposed|showed|show|found|reported|introduced|used|trained|"
    r"demonstrated|observed|argued|suggested|presented|developed|applied|extended|evaluated|achieved|obtained)\b"
    r"|^Their\s+(?:work|method|model|approach|results?|experiments?|system|analysis)\b",
    re.IGNORECASE,
)
_REPORTED_BY_CITATION = re.compile(
    rf"\b(?:shown|reported|proposed|introduced|found|demonstrated|observed)\s+(?:by|in)\s+"
    rf"(?:{_NARRATIVE}|{_AUTHOR}\s+et\s+al\.?|{_NUMBERED})"
)
"""``as shown by Lee et al. (2019)`` / ``in [12]``; never ``shown in Table 1`` (the paper's own table)."""
_OWN_EARLIER_WORK = re.compile(r"\bour\s+(?:previous|prior|earlier)\s+(?:work|works|study|studies|paper|papers)\b",
                               re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:we|our|ours|us|this\s+(?:paper|work|study|article))\b", re.IGNORECASE)
_PASSIVE_RESULT = re.compile(
    r"\b(?:was|were|has\s+been|have\s+been|had\s+been)\s+(?:\w+ly\s+|also\s+)?"
    r"(?:shown|reported|demonstrated|found|proven|proved)\s+(?:to|that|useful|effective)\b"
    r"|\b(?:has|have)\s+(?:\w+ly\s+|also\s+)?(?:proven|proved)\s+(?:to|useful|effective)\b",
    re.IGNORECASE,
)
"""``TransE was shown to outperform``, ``have been shown to perform``, ``has proven useful``;
not ``it is shown to be on par`` (a paper's abstract about itself)."""
_ENDS_ON_CITATION = re.compile(rf"(?:{_PARENTHETICAL}|{_NUMBERED})\s*[.!?]?\s*$")
_CITATION_ITEM = re.compile(rf"{_NUMBERED}|\b{_YEAR}\b(?=[^()]*\))")
"""One numbered citation group, or one year inside parentheses (``(Lee, 2019; Kim, 2020)`` counts two)."""
SURVEY_CITATIONS = 3
"""A sentence citing this many works, none in the first person, surveys related work."""


def is_about_cited_work(sentence: str) -> bool:
    """True when ``sentence`` reports a cited work's result or method (see the module docstring)."""
    text = " ".join(sentence.split())
    if (_OPENS_WITH_CITATION.match(text) or _OPENS_WITH_PRIOR_WORK.match(text)
            or _REPORTED_BY_CITATION.search(text) or _OWN_EARLIER_WORK.search(text)):
        return True
    if _FIRST_PERSON.search(text):
        return False
    return bool(_PASSIVE_RESULT.search(text) or _ENDS_ON_CITATION.search(text)
                or len(_CITATION_ITEM.findall(text)) >= SURVEY_CITATIONS)
