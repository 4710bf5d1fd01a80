"""Is a text layer real text? The share of its words that are English words.

A PDF can open, extract, and still hold nonsense: a browser print whose fonts
map every glyph one letter off (``Rdmsdmbd`` for ``Sentence``), fonts without
a ToUnicode map (``(cid:12)`` runs), or a scan with a junk OCR layer. Indexing
that text would make every later answer wrong, so ingest refuses it with one
line saying to OCR the file first.

The word list is the whole-word part of the bundled embedding model's
WordPiece vocabulary (about 20,000 lower-case English words), so nothing is
downloaded and nothing is maintained by hand.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from synth.errors import IngestError
from synth.files import display_path

MIN_REAL_WORD_SHARE = 0.5
"""Below this share of real words a text layer is garbage. The 35 readable papers in
../shared/data/papers measure 0.66 (a maths paper full of symbols) to 0.92; the
shifted-character one 0.002."""

MIN_WORDS_TO_JUDGE = 50
"""Fewer words than this (a one-line page, a figure) say nothing either way."""

MIN_WORD_LENGTH = 3
"""Two-letter tokens match the word list by chance too often to count."""

_TOKEN = re.compile(r"[A-Za-z\u00c0-\u024f]+")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Whole words (not ``##`` pieces, not [special] tokens) of the bundled model's vocabulary."""
    from synth.index.embeddings import bundled_model_dir

    lines = (bundled_model_dir() / "vocab.txt").read_text(encoding="utf-8").split("\n")
    return frozenset(line for line in lines if line.isalpha() and line.islower())


def word_tokens(text: str) -> list[str]:
    """Lower-cased alphabetic tokens long enough to judge."""
    return [token.lower() for token in _TOKEN.findall(text) if len(token) >= MIN_WORD_LENGTH]


def real_word_share(text: str) -> float | None:
    """Share of ``text``'s word tokens found in the word list; None when too few words to judge."""
    tokens = word_tokens(text)
    if len(tokens) < MIN_WORDS_TO_JUDGE:
        return None
    words = english_words()
    return sum(token in words or _stem(token) in words for token in tokens) / len(tokens)


def _stem(token: str) -> str:
    """Plural and -ed/-ing forms missing from the vocabulary are judged by their stem."""
    for suffix in ("ing", "ed", "es", "s"):
        if token.endswith(suffix) and len(token) - len(suffix) >= MIN_WORD_LENGTH:
            return token[: -len(suffix)]
    return token


def check_text_layer(path: Path, pages: list[str]) -> None:
    """Raise IngestError when ``pages`` (raw page texts) are mostly non-words."""
    share = real_word_share("\n".join(pages))
    if share is not None and share < MIN_REAL_WORD_SHARE:
        raise IngestError(
            f"{display_path(path)}: text layer is mostly non-words ({share:.0%} real words: shifted characters, "
            "fonts without a Unicode map, or a scan); OCR it first "
            "(e.g. ocrmypdf --force-ocr in.pdf out.pdf) and ingest the result"
        )
