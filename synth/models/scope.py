"""Which paper a claim is about, and what in the claim that paper never writes.

A claim that names no paper usually names the paper's own system ("XLNet obtains ...",
"QANet needs ..."): the paper that writes the claim's distinctive names far more often
than any other (weighted by how rare each name is across the library) is its scope.
Once the scope is known, the claim's names, content words and numbers that the paper
never writes are the features that separate "the paper does not say this" (a dataset it
never evaluates, a detail it never gives) from "the paper says otherwise".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import cached_property

from synth.ingest.tables import TableRow, row_units_in
from synth.text.mentions import claimed_numbers, numbers_agree, numbers_of
from synth.text.normalise import STOP_WORDS, content_words

_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9+@!]*(?:[.'-][A-Za-z0-9]+)*")
_SPLIT = re.compile(r"[\s/–(),;:\"\[\]]+")
_POSSESSIVE = re.compile(r"['’]s$")
PAPER_CHECKS = ("names_unseen", "words_unseen", "numbers_unseen", "words_unseen_by_length")
"""``words_unseen_by_length``: the unwritten share times log10 of how many distinct words the papers write.
A long paper that never writes a word of the claim is better evidence that it does not say the claim
than an abstract that never writes it (an abstract leaves most of a true claim's words out): one
slope for both read an unwritten word in a full paper as weakly as one in an abstract."""


def _is_distinctive(token: str, first: bool) -> bool:
    """A name rather than a word: inner capitals or digits (XLNet, S2ORC, P@1), a compound (bi-skip),
    or capitalised mid-sentence (Romanian)."""
    inner = any(ch.isupper() or ch.isdigit() or ch == "-" for ch in token[1:])
    return inner or (token[0].isupper() and not first and token.lower() not in STOP_WORDS)


def _pieces(text: str) -> list[str]:
    """Tokens without surrounding punctuation or a possessive 's."""
    return [_POSSESSIVE.sub("", piece.strip(".,?!'’")) for piece in _SPLIT.split(text) if piece]


def distinctive_names(claim: str) -> list[str]:
    """Lower-cased names the claim uses (each once, in order)."""
    names = []
    for position, token in enumerate(_pieces(claim)):
        if len(token) > 1 and _TOKEN.fullmatch(token) and _is_distinctive(token, position == 0):
            names.append(token.lower())
    return list(dict.fromkeys(names))


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


class PaperText:
    """One paper's (or evidence document's) tokens, content words and numbers, computed on first use."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def tokens(self) -> Counter:
        """Counts of every token and of each part of a hyphenated one."""
        counts: Counter = Counter()
        for token in _pieces(self.text.lower()):
            counts[token] += 1
            if "-" in token:
                counts.update(part for part in token.split("-") if part)
        return counts

    @cached_property
    def words(self) -> set[str]:
        return content_words(self.text)

    @cached_property
    def numbers(self) -> list:
        return numbers_of(self.text)

    @cached_property
    def table_rows(self) -> list[TableRow]:
        """The rows of its tables (the row units ingest writes into the page text)."""
        return row_units_in(self.text)


def unseen_checks(claim: str, papers: list[PaperText]) -> dict[str, float]:
    """Shares of the claim's names, content words and numbers that none of ``papers`` writes."""
    if not papers:
        return dict.fromkeys(PAPER_CHECKS, 0.0)
    names, words, numbers = distinctive_names(claim), content_words(claim), claimed_numbers(claim)
    stated = [q for paper in papers for q in paper.numbers]
    written = set().union(*(paper.words for paper in papers))
    words_unseen = _share(len(words - written), len(words))
    return {
        "names_unseen": _share(sum(not any(paper.tokens[n] for paper in papers) for n in names), len(names)),
        "words_unseen": words_unseen,
        "words_unseen_by_length": words_unseen * math.log10(1 + len(written)),
        "numbers_unseen": _share(sum(not any(numbers_agree(q, s, approx) for s in stated) for q, approx in numbers),
                                 len(numbers)),
    }


class PaperVocabulary:
    """Every paper of a library as :class:`PaperText` (built once per library)."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.papers = {paper: PaperText(text) for paper, text in texts.items()}

    def _rarity(self, name: str) -> float:
        holders = sum(paper.tokens[name] > 0 for paper in self.papers.values())
        return math.log((1 + len(self.papers)) / (1 + holders))

    def named_paper(self, claim: str, margin: float) -> str | None:
        """The paper whose writing of the claim's names beats every other's by ``margin`` times (else None)."""
        names = distinctive_names(claim)
        if not names or len(self.papers) < 2:
            return None
        weights = {name: self._rarity(name) for name in names}
        scores = {paper_id: sum(weights[n] * math.log1p(paper.tokens[n]) for n in names)
                  for paper_id, paper in self.papers.items()}
        (best, top), (_, second) = sorted(scores.items(), key=lambda item: -item[1])[:2]
        return best if top > 0 and top >= margin * second else None

    def checks(self, claim: str, paper_ids: list[str]) -> dict[str, float]:
        return unseen_checks(claim, [self.papers[p] for p in paper_ids if p in self.papers])

    def writes_every_name(self, claim: str, paper_ids: list[str]) -> bool:
        """Each of the claim's names, or each part of a compound one but its stop words ("Potsdam-to-Vaihingen"),
        is written by one of the papers: else the claim names a setting they never cover ("on MS MARCO")."""
        papers = [self.papers[p] for p in paper_ids if p in self.papers]
        parts = {part for name in distinctive_names(claim) for part in name.split("-") if part and part not in STOP_WORDS}
        return all(any(paper.tokens[part] for paper in papers) for part in parts)

    def table_rows(self, paper_ids: list[str]) -> list[TableRow]:
        return [row for p in paper_ids if p in self.papers for row in self.papers[p].table_rows]
