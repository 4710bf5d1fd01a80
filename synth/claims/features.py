"""Comparable forms of sentences: content words, number agreement, entity sets.

Used by the text verifier (does a passage say what the claim says?) and by
extraction (is a sentence a checkable claim?).
"""

from __future__ import annotations

import re

from synth.claims.parse import NUMBER_WORDS, find_mentions, number_mentions
from synth.records import Quantity

_STOPWORDS = frozenset(
    "a an the of in on for to and or with by from as at is are was were be been being this that these those it its "
    "their our we they which who whom than then there here such into over under between both each all any also only "
    "same other more most less very can could may might will would should do does did has have had not no".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9@+-]*")


def stem(word: str) -> str:
    """A crude suffix stripper: enough to match 'batches'/'batch', 'reduces'/'reduce'."""
    word = word.lower()
    for suffix in ("ations", "ation", "ings", "ing", "ies", "es", "ed", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> set[str]:
    return {stem(word) for word in _WORD.findall(text) if word.lower() not in _STOPWORDS and len(word) > 1}


def word_overlap(claim: str, passage: str) -> float:
    """Share of the claim's content words that the passage also uses."""
    wanted = content_words(claim)
    return len(wanted & content_words(passage)) / len(wanted) if wanted else 0.0


def entity_names(text: str, kinds: tuple[str, ...] = ("dataset", "benchmark", "model", "metric", "method",
                                                       "language")) -> set[tuple[str, str]]:
    return {(m.kind, m.name) for m in find_mentions(text) if m.kind in kinds}


def _decimals(written: str) -> int:
    """Decimal places the number is written to ('0.578' -> 3, '2e-5' -> 5, '1,190' -> 0)."""
    mantissa, _, exponent = written.lower().partition("e")
    digits = re.sub(r"[^\d.]", "", mantissa)
    places = len(digits.split(".")[1]) if "." in digits else 0
    return places - int(exponent) if re.fullmatch(r"[-+]?\d+", exponent) else places


def numbers_agree(claimed: Quantity, stated: Quantity, approximate: bool = False) -> bool:
    """Same value at the claim's precision; 41% matches 0.41, 'about 41%' matches 40.8%."""
    candidates = {stated.value}
    if stated.unit == "%" and claimed.unit != "%":
        candidates.add(stated.value / 100)
    if claimed.unit == "%" and stated.unit != "%":
        candidates.add(stated.value * 100)
    tolerance = 0.49 * 10 ** -_decimals(claimed.text)  # 0.578 states 0.58 but 0.05 does not state 0.1
    if approximate:
        tolerance = max(tolerance, 0.05 * abs(claimed.value))
    return any(abs(claimed.value - value) <= tolerance for value in candidates)


_APPROXIMATE = re.compile(r"(?:about|approximately|around|roughly|nearly|almost|~|some)\s*$", re.I)


def claimed_numbers(text: str) -> list[tuple[Quantity, bool]]:
    """(quantity, stated approximately?) for every number in a claim."""
    return [(m.quantity, bool(_APPROXIMATE.search(text[: m.start]))) for m in number_mentions(text)]


_SUPERLATIVE = re.compile(r"\b(most|best|highest|largest|strongest|least|worst|lowest|smallest|weakest)\b", re.I)
_SUPERLATIVE_SIGN = {"most": 1, "best": 1, "highest": 1, "largest": 1, "strongest": 1}
_ACTOR_KINDS = ("model", "method", "dataset")


def superlatives(text: str) -> dict[str, int]:
    """Named thing -> +1 ('X is the most/best ...') or -1 ('X the least/worst ...'):
    the superlative is attributed to the nearest name before it."""
    actors = [m for m in find_mentions(text) if m.kind in _ACTOR_KINDS]
    found: dict[str, int] = {}
    for match in _SUPERLATIVE.finditer(text):
        before = [m for m in actors if m.end <= match.start() and match.start() - m.end < 40]
        if before:
            found[before[-1].name] = _SUPERLATIVE_SIGN.get(match.group(1).lower(), -1)
    return found


_CLAUSE = re.compile(r"[;:]|,\s+(?:while|whereas|but|and)\b|\s+(?:while|whereas)\s+", re.I)


def closest_clause(claim: str, passage: str) -> str:
    """The clause of the passage that shares most words with the claim."""
    clauses = [c for c in _CLAUSE.split(passage) if c and c.strip()]
    return max(clauses, key=lambda clause: word_overlap(claim, clause)) if clauses else passage


_ANTONYMS = [("converge", "diverge"), ("increase", "decrease"), ("rise", "fall"), ("succeed", "fail"),
             ("stable", "unstable"), ("help", "hurt"), ("prevent", "cause"), ("improve", "degrade"),
             ("more", "less"), ("seen", "unseen")]


def antonym_conflict(claim: str, passage: str) -> str | None:
    """'seeds converge' vs 'seeds diverge': the claim uses a word whose opposite the passage uses instead."""
    claimed, stated = content_words(claim), content_words(passage)
    for left, right in _ANTONYMS:
        for word, opposite in ((stem(left), stem(right)), (stem(right), stem(left))):
            if word in claimed and opposite in stated and word not in stated:
                return f"opposite wording: the claim says '{word}', the source '{opposite}'"
    return None


_ALL_OF = re.compile(r"\b(?:all|every one of)\s+(?:the\s+)?(\w+)\b", re.I)
_PART_OF = re.compile(r"\b(\w+)\s+of\s+(?:the\s+)?(\w+)\b", re.I)


def _count(word: str) -> float | None:
    word = word.lower().replace(",", "")
    return float(word) if word.isdigit() else NUMBER_WORDS.get(word)


def quantifier_conflict(claim: str, passage: str) -> str | None:
    """'on all eight datasets' vs 'on seven of the eight datasets'."""
    for claimed in _ALL_OF.finditer(claim):
        total = _count(claimed.group(1))
        if total is None:
            continue
        for stated in _PART_OF.finditer(passage):
            part, whole = _count(stated.group(1)), _count(stated.group(2))
            if whole == total and part is not None and part < total:
                return f"quantifier: the claim says all {claimed.group(1)}, the source {stated.group(0)}"
    return None
