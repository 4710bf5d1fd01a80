"""Mentions in one sentence: named entities (synth.text.vocab) and numbers
with their units. Shared by extraction, the verifiers and premise checks.

Everything here is rule-based and deterministic on purpose: the verifier's
rationale must be able to say *which* number or *which* name decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from synth.records import Entities, Quantity
from synth.text.vocab import ENTITY_KINDS


@dataclass(frozen=True)
class Mention:
    kind: str
    name: str
    start: int
    end: int


def is_case_sensitive(alias: str) -> bool:
    """Acronyms (mAP, NQ, E5) must match as written; ordinary words need not."""
    return any(ch.isupper() for ch in alias[1:]) or len(alias) <= 3


def alias_body(alias: str) -> str:
    """The alias as a regex body: literal, except that a space matches spaces or a dash."""
    return re.escape(alias).replace(r"\ ", r"[\s-]+")


ALIAS_BEFORE = r"(?<![\w@-])"
ALIAS_AFTER = r"(?![\w@]|-\w)"
"""An alias stands alone: not inside a longer word, an @k metric or a dashed name ('XLM-R' is not 'XLM')."""


def alias_pattern(alias: str) -> re.Pattern[str]:
    """One alias on word boundaries; acronyms as written, words in any case."""
    flags = 0 if is_case_sensitive(alias) else re.IGNORECASE
    return re.compile(ALIAS_BEFORE + alias_body(alias) + ALIAS_AFTER, flags)


@lru_cache(maxsize=1)
def _alias_patterns() -> list[tuple[str, str, re.Pattern[str], str]]:
    """(kind, canonical, regex, first word in lower case) for every alias, longest alias first.

    The first word is literal in the regex (``alias_body``), so a text whose lower-cased form
    lacks it cannot match: checking that first skips most of the 237 regex scans of a text.
    """
    rows = [
        (kind, name, alias)
        for kind, table in ENTITY_KINDS.items()
        for name, aliases in table.items()
        for alias in aliases + ([name] if kind != "language" else [])
    ]
    rows.sort(key=lambda row: -len(row[2]))
    return [(kind, name, alias_pattern(alias), alias.split(" ")[0].lower()) for kind, name, alias in rows]


@lru_cache(maxsize=4096)
def find_mentions(text: str) -> tuple[Mention, ...]:
    """Entity mentions in reading order; a longer alias hides the shorter ones inside it."""
    taken = [False] * len(text)
    mentions: list[Mention] = []
    lowered = text.lower()
    for kind, name, pattern, first_word in _alias_patterns():
        if first_word not in lowered:
            continue
        for match in pattern.finditer(text):
            if any(taken[match.start() : match.end()]):
                continue
            taken[match.start() : match.end()] = [True] * (match.end() - match.start())
            mentions.append(Mention(kind, name, match.start(), match.end()))
    return tuple(sorted(mentions, key=lambda mention: mention.start))


def entities_of(text: str) -> Entities:
    found: dict[str, list[str]] = {"datasets": [], "models": [], "metrics": [], "languages": []}
    field_of = {"dataset": "datasets", "benchmark": "datasets", "model": "models",
                "metric": "metrics", "language": "languages"}
    for mention in find_mentions(text):
        field = field_of.get(mention.kind)
        if field and mention.name not in found[field]:
            found[field].append(mention.name)
    return Entities(**found)


_MULTIPLIERS = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9,
                "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
"""Scale after a number: ``30M``, ``1.5B``, ``30 million`` (capital M and B only: ``5 m`` is five metres)."""
_SCALE = r"\s*[kKMB]\b|\s+(?:thousand|million|billion|trillion)\b"
_SCALE_WORD = re.compile(_SCALE)
_NUMBER = re.compile(
    rf"(?<![\w.@-])(\d+(?:\.\d+)?[eE][-+]?\d+|\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|\.\d+)({_SCALE})?(\s*%|\s*(?:points?|pp)\b)?"
)
_REFERENCE = re.compile(r"\[[\d,\s\-–]+\]|\(\s*(?:19|20)\d\d[a-z]?\s*\)|\b(?:19|20)\d\d[a-z]?\b")
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)


def _masked(text: str) -> str:
    """Text with entity names, citations and years blanked, so 'nDCG@10' or
    '(2020)' are not read as quantities; offsets stay valid."""
    chars = list(text)
    spans = [(m.start, m.end) for m in find_mentions(text)]
    spans += [(m.start(), m.end()) for m in _REFERENCE.finditer(text)]
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


@dataclass(frozen=True)
class NumberMention:
    quantity: Quantity
    start: int
    end: int
    in_parentheses: bool


_UNIT_SKIP = re.compile(
    r"(?:\s+|\([^)]*\)|\b(?:and|or|to|of|the|parallel|distinct|different|unique|total|more|additional)\b|\d[\d.,]*)*",
    re.IGNORECASE,
)


_PHRASE_STOP = frozenset("and or of per for on in at with against to from than vs the a an by over while which that "
                         "is are was were after before into".split())
_NOUN_PHRASE = re.compile(r"[A-Za-z][\w-]*(?:[ \t]+[A-Za-z][\w-]*){0,2}")


def _unit_after(text: str, end: int, suffix: str | None) -> str | None:
    """'%', 'points', or the counted noun, the last word of the (up to three-word) phrase after
    the number: '11 and 7 parallel languages' -> 'languages', '10,000 training steps' -> 'steps'."""
    if suffix:
        return "%" if "%" in suffix else "points"
    rest = text[end:]
    skipped = _UNIT_SKIP.match(rest)
    phrase = _NOUN_PHRASE.match(rest[skipped.end() if skipped else 0 :])
    if not phrase:
        return None
    words = []
    for word in phrase.group(0).split():
        if word.lower() in _PHRASE_STOP:
            break
        words.append(word)
    return words[-1].lower() if words else None


def _inside_parentheses(text: str, position: int) -> bool:
    before = text[:position]
    return before.count("(") > before.count(")")


def number_mentions(text: str) -> list[NumberMention]:
    """Numbers with their unit (the word after them, '%' or 'points')."""
    masked = _masked(text)
    found = []
    for match in _NUMBER.finditer(masked):
        value = float(match.group(1).replace(",", "")) * _multiplier(match.group(0))
        unit = _unit_after(masked, match.end(), match.group(3))
        quantity = Quantity(value=value, unit=unit, text=match.group(0).strip())
        found.append(NumberMention(quantity, match.start(), match.end(), _inside_parentheses(text, match.start())))
    for match in _NUMBER_WORD.finditer(masked):
        unit = _unit_after(masked, match.end(), None)
        quantity = Quantity(value=float(NUMBER_WORDS[match.group(1).lower()]), unit=unit, text=match.group(1))
        found.append(NumberMention(quantity, match.start(), match.end(), _inside_parentheses(text, match.start())))
    return sorted(found, key=lambda mention: mention.start)


def numbers_of(text: str) -> list[Quantity]:
    return [mention.quantity for mention in number_mentions(text)]


ENTITY_KINDS_ALL = ("dataset", "benchmark", "model", "metric", "method", "language")


def entity_names(text: str, kinds: tuple[str, ...] = ENTITY_KINDS_ALL) -> set[tuple[str, str]]:
    """(kind, canonical name) of every entity of the given kinds the text names."""
    return {(m.kind, m.name) for m in find_mentions(text) if m.kind in kinds}


def decimal_places(written: str) -> int:
    """Decimal places the number is written to ('0.578' -> 3, '2e-5' -> 5, '1,190' -> 0)."""
    mantissa, _, exponent = written.lower().partition("e")
    digits = re.sub(r"[^\d.]", "", mantissa)
    places = len(digits.split(".")[1]) if "." in digits else 0
    return places - int(exponent) if re.fullmatch(r"[-+]?\d+", exponent) else places


def _scale(written: str) -> tuple[float, str]:
    """(the scale a written number carries, the number without it): ``16.4B`` -> (1e9, ``16.4``); (1, as written)."""
    found = _SCALE_WORD.search(written)
    if found is None:
        return 1.0, written
    return _MULTIPLIERS[found.group().strip()], written[:found.start()] + written[found.end():]


def _multiplier(written: str) -> float:
    return _scale(written)[0]


def _unscaled(quantity: Quantity) -> Quantity:
    """``quantity`` without its scale (``65 million`` -> 65)."""
    multiplier, text = _scale(quantity.text)
    return quantity.model_copy(update={"value": quantity.value / multiplier, "text": text})


def numbers_agree(claimed: Quantity, stated: Quantity, approximate: bool = False,
                  approximate_share: float = 0.05) -> bool:
    """Same value at the claim's precision; 41% matches 0.41, 'about 41%' matches 40.8%
    (an approximate claim accepts ``approximate_share`` of its value either way). A scaled claim
    (``65 million``) also matches a bare number (``65``): a table writes the scale once, in its
    header (``Params (M)``, ``params x10^6``), and each cell without it."""
    if _same_value(claimed, stated, approximate, approximate_share):
        return True
    bare = _multiplier(stated.text) == 1.0 and _multiplier(claimed.text) != 1.0
    return bare and _same_value(_unscaled(claimed), stated, approximate, approximate_share)


def _same_value(claimed: Quantity, stated: Quantity, approximate: bool, approximate_share: float) -> bool:
    candidates = {stated.value}
    if stated.unit == "%" and claimed.unit != "%":
        candidates.add(stated.value / 100)
    if claimed.unit == "%" and stated.unit != "%":
        candidates.add(stated.value * 100)
    tolerance = 0.49 * 10 ** -decimal_places(claimed.text) * _multiplier(claimed.text)  # 0.578 states 0.58; 16.4B, 16.38B
    if approximate:
        tolerance = max(tolerance, approximate_share * abs(claimed.value))
    return any(abs(claimed.value - value) <= tolerance for value in candidates)


APPROXIMATE = re.compile(r"(?:about|approximately|around|roughly|nearly|almost|~|some)\s*$", re.I)
"""A hedge just before a number: the number is stated approximately."""


def claimed_numbers(text: str) -> list[tuple[Quantity, bool]]:
    """(quantity, stated approximately?) for every number in a claim."""
    return [(m.quantity, bool(APPROXIMATE.search(text[: m.start]))) for m in number_mentions(text)]
