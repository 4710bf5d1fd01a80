"""Comparable forms of text: one normal form, one stop-word list, one stemmer.

Every stage that compares words (claim ids, the text verifier's word overlap,
the answer summary's question words, arXiv queries) uses these, so "the same
words" means the same thing everywhere. The stemmer is PyStemmer's English
(Porter 2) stemmer, the one bm25s accepts for its tokenizer.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

import Stemmer

STOP_WORDS = frozenset(
    "a an the of in on for to and or with by from as at is are was were be been being this that these those it its "
    "their our we they which who whom than then there here such into over under between both each all any also only "
    "same other more most less very can could may might will would should do does did has have had not no "
    "how what when why via across".split()
)
"""Function words that say nothing about what a sentence claims."""

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9@+-]*")


def normalise(text: str) -> str:
    """Case-, space- and dash-insensitive form of a sentence (claim ids, matching)."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"\s+", " ", text).strip().lower()
    return text.rstrip(" .;:,")


def claim_id(text: str, paper_id: str | None) -> str:
    """Stable id: the same sentence from the same paper always gets the same id."""
    digest = hashlib.sha256(f"{paper_id or ''}\n{normalise(text)}".encode()).hexdigest()
    return f"c-{digest[:12]}"


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one word, lower-cased ('batches' -> 'batch', 'reduces' -> 'reduc')."""
    return _stemmer().stemWord(word.lower())


def content_words(text: str) -> set[str]:
    """Stems of the words that are not stop words (one-letter words dropped)."""
    return {stem(word) for word in _WORD.findall(text) if word.lower() not in STOP_WORDS and len(word) > 1}


def word_overlap(claim: str, passage: str) -> float:
    """Share of the claim's content words that the passage also uses."""
    wanted = content_words(claim)
    return len(wanted & content_words(passage)) / len(wanted) if wanted else 0.0
