"""Reading the checkable parts out of one sentence: entities, numbers,
comparisons, negation. Shared by extraction, the verifiers and premise checks.

Everything here is rule-based and deterministic on purpose: the verifier's
rationale must be able to say *which* number or *which* direction decided.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from synth.claims.vocab import ENTITY_KINDS
from synth.records import Comparison, Entities, Quantity


@dataclass(frozen=True)
class Mention:
    kind: str
    name: str
    start: int
    end: int


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


def _is_case_sensitive(alias: str) -> bool:
    """Acronyms (mAP, NQ, E5) must match as written; ordinary words need not."""
    return any(ch.isupper() for ch in alias[1:]) or len(alias) <= 3


@lru_cache(maxsize=1)
def _alias_patterns() -> list[tuple[str, str, re.Pattern[str]]]:
    """(kind, canonical, regex) for every alias, longest alias first."""
    rows = [
        (kind, name, alias)
        for kind, table in ENTITY_KINDS.items()
        for name, aliases in table.items()
        for alias in aliases + ([name] if kind != "language" else [])
    ]
    rows.sort(key=lambda row: -len(row[2]))
    patterns = []
    for kind, name, alias in rows:
        flags = 0 if _is_case_sensitive(alias) else re.IGNORECASE
        body = re.escape(alias).replace(r"\ ", r"[\s-]+")
        patterns.append((kind, name, re.compile(rf"(?<![\w@-]){body}(?![\w@]|-\w)", flags)))
    return patterns


@lru_cache(maxsize=4096)
def find_mentions(text: str) -> tuple[Mention, ...]:
    """Entity mentions in reading order; a longer alias hides the shorter ones inside it."""
    taken = [False] * len(text)
    mentions: list[Mention] = []
    for kind, name, pattern in _alias_patterns():
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


_NUMBER = re.compile(
    r"(?<![\w.@-])(\d+(?:\.\d+)?[eE][-+]?\d+|\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+)(?:\s*([kKM])\b)?(\s*%|\s*(?:points?|pp)\b)?"
)
_MULTIPLIERS = {None: 1.0, "k": 1e3, "K": 1e3, "M": 1e6}
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
        value = float(match.group(1).replace(",", "")) * _MULTIPLIERS[match.group(2)]
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


_NEGATION = re.compile(
    r"\b(?:not(?!\s+only)|no(?!\s+(?:less|more)\s+than)|never|none|neither|nor|cannot|without|"
    r"fails?\s+to|failed\s+to|unable\s+to|does\s+n[o']t|did\s+n[o']t|is\s+n[o']t|are\s+n[o']t)\b|n't\b",
    re.IGNORECASE,
)


_VERB_NEGATION = re.compile(r"\b(?:not(?!\s+only)|never|cannot|fails?\s+to|failed\s+to|unable\s+to)\b|n't\b", re.I)


def is_negated(text: str) -> bool:
    return bool(_NEGATION.search(text))


_BETTER = r"above|outperform\w*|better|higher|improv\w*|best|exceed\w*|surpass\w*|beat\w*|superior|gains?|stronger|boost\w*"
_WORSE = r"below|underperform\w*|worse|lower|degrad\w*|hurts?|inferior|weaker|trail\w*|falls?\s+behind|drops?"
_EQUAL = r"comparable|on\s+par|similar|match(?:es|ed)?|equivalent|same\s+as"
_CUES = {"better": re.compile(rf"\b(?:{_BETTER})\b", re.I), "worse": re.compile(rf"\b(?:{_WORSE})\b", re.I),
         "equal": re.compile(rf"\b(?:{_EQUAL})\b", re.I)}
_LOWER_IS_BETTER = re.compile(r"\b(?:bias|error|distance|latency|cost|loss|perplexity)\b", re.I)
_REDUCE = re.compile(r"\b(?:reduc\w*|lower\w*|decreas\w*|mitigat\w*|less)\b", re.I)
_INCREASE = re.compile(r"\b(?:increas\w*|rais\w*|higher|more|grows?|amplif\w*|exacerbat\w*)\b", re.I)


def _cue(text: str) -> tuple[str, int] | None:
    """The first comparative cue word and its direction."""
    hits = [(match.start(), direction) for direction, pattern in _CUES.items() for match in pattern.finditer(text)]
    if not hits:
        return None
    position, direction = min(hits)
    return direction, position


def cue_word(text: str) -> str | None:
    """The comparative word that sets the direction ('outperforms', 'lower'), if any."""
    hits = [match for pattern in _CUES.values() for match in pattern.finditer(text)]
    return min(hits, key=lambda match: match.start()).group(0).lower() if hits else None


def _flip(direction: str) -> str:
    return {"better": "worse", "worse": "better"}.get(direction, direction)


def direction_of(text: str) -> str | None:
    """better / worse / equal, from the subject's point of view, or None.

    'reduces bias' is 'better' and 'increases bias' 'worse' (bias is
    lower-is-better); a negated verb flips better and worse ('does not
    outperform' ~ 'worse or equal'), a 'without' does not ('improves over
    the model without fine-tuning')."""
    if _REDUCE.search(text) and _LOWER_IS_BETTER.search(text):
        direction = "better"
    elif _INCREASE.search(text) and _LOWER_IS_BETTER.search(text):
        direction = "worse"
    else:
        cue = _cue(text)
        if cue is None:
            return None
        direction = cue[0]
        if direction == "worse" and _LOWER_IS_BETTER.search(text):
            direction = "better"
    return _flip(direction) if _VERB_NEGATION.search(text) else direction


_COMPARABLE_KINDS = ("method", "model", "dataset", "benchmark")


def comparisons_of(text: str) -> list[Comparison]:
    """'A ... than/over/compared to B' as (subject, baseline, metric, direction)."""
    direction = direction_of(text)
    cue = _cue(text) or (None, None)
    reduce_match = _REDUCE.search(text)
    position = cue[1] if cue[1] is not None else (reduce_match.start() if reduce_match else None)
    if direction is None or position is None:
        return []
    mentions = find_mentions(text)
    actors = [m for m in mentions if m.kind in _COMPARABLE_KINDS]
    before = [m.name for m in actors if m.end <= position]
    after = [m.name for m in actors if m.start > position]
    metrics = [m.name for m in mentions if m.kind == "metric"]
    if not before:
        return []
    baseline = after[0] if after else "others"
    return [Comparison(subject=before[-1], baseline=baseline, metric=metrics[0] if metrics else None,
                       direction=direction)]
