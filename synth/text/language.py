"""Whether a text is English, from its letters and its function words.

The shipped cross-encoder reads English only. A claim in another script is easy to spot by its
letters; a claim in German, French, Spanish, Italian or Dutch is written in Latin letters, and
the verifier used to match its numbers and names against an unrelated table row. Function words
tell these apart with no model: every sentence of those languages uses a few of them, and the
lists below hold none that is also an English word.
"""

from __future__ import annotations

import re

ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to in is are was were that for on with as by from this these those it its be been "
    "than at or an a which we our not has have had but also into when while their they more most".split()
)
OTHER_FUNCTION_WORDS = frozenset(
    # German
    "der das und ist sind mit für auf von den dem des ein eine einen nicht auch als wird werden "
    "wurde bei nach durch über zum zur sich wie oder"
    # French
    " le la les et est sont avec pour sur du une pas que qui dans aux ce cette ces leur"
    # Spanish and Italian
    " el los las y es son con para por del una lo se su il della delle che sono nel gli"
    # Dutch
    " het een voor op niet ook zijn worden wordt naar bij"
    .split()
)
_WORD = re.compile(r"[^\W\d_]+")


def latin_share(text: str) -> float:
    """Share of the letters that are ASCII (1.0 for a text without letters)."""
    letters = [c for c in text if c.isalpha()]
    return sum(c.isascii() for c in letters) / len(letters) if letters else 1.0


def english_function_share(text: str) -> float:
    """Share of the text's function words that are English (1.0 when it has none of either list)."""
    words = [w.lower() for w in _WORD.findall(text)]
    english = sum(w in ENGLISH_FUNCTION_WORDS for w in words)
    other = sum(w in OTHER_FUNCTION_WORDS for w in words)
    return english / (english + other) if english + other else 1.0


def reads_as_english(text: str, min_latin: float, min_english: float) -> bool:
    """Mostly ASCII letters and mostly English function words."""
    return latin_share(text) >= min_latin and english_function_share(text) >= min_english
