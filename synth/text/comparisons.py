"""Comparisons in one sentence: negation, better/worse/equal direction, who is
compared with whom, superlatives, and the conflicts between a claim and a
passage that say the opposite (antonyms, quantifiers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from synth.records import Comparison
from synth.text.mentions import NUMBER_WORDS, find_mentions
from synth.text.normalise import content_words, stem, word_overlap

_NEGATION = re.compile(
    r"\b(?:not(?!\s+only)|no(?!\s+(?:less|more)\s+than)|never|none|neither|nor|cannot|without|"
    r"fails?\s+to|failed\s+to|unable\s+to|does\s+n[o']t|did\s+n[o']t|is\s+n[o']t|are\s+n[o']t)\b|n't\b",
    re.IGNORECASE,
)


_VERB_NEGATION = re.compile(r"\b(?:not(?!\s+only)|never|cannot|fails?\s+to|failed\s+to|unable\s+to)\b|n't\b", re.I)


def is_negated(text: str) -> bool:
    return bool(_NEGATION.search(text))


def verb_negated(text: str) -> bool:
    """A negated verb ('does not outperform', 'fails to beat'); a bare 'without' is not one."""
    return bool(_VERB_NEGATION.search(text))


_BETTER = r"above|outperform\w*|better|higher|improv\w*|best|exceed\w*|surpass\w*|beat\w*|superior|gains?|stronger|boost\w*"
_SIZE_DOWN_WORDS = r"below|lower|drops?"
"""Worse-cues that only say a number went down: on a lower-is-better metric that is better ('error drops').
The other worse-cues ('hurts perplexity', 'worse loss', 'underperforms') already judge from the subject's side."""
_WORSE = rf"{_SIZE_DOWN_WORDS}|underperform\w*|worse|degrad\w*|hurts?|inferior|weaker|trail\w*|falls?\s+behind"
_EQUAL = r"comparable|on\s+par|similar|match(?:es|ed)?|equivalent|same\s+as"
_CUES = {"better": re.compile(rf"\b(?:{_BETTER})\b", re.I), "worse": re.compile(rf"\b(?:{_WORSE})\b", re.I),
         "equal": re.compile(rf"\b(?:{_EQUAL})\b", re.I)}
_LOWER_IS_BETTER = re.compile(r"\b(?:bias|error|distance|latency|cost|loss|perplexity)\b", re.I)
_SIZE_DOWN = re.compile(_SIZE_DOWN_WORDS, re.I)
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
    lower-is-better), and so is 'error drops', while 'hurts perplexity'
    stays 'worse'; a negated verb flips better and worse ('does not
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
        if direction == "worse" and _LOWER_IS_BETTER.search(text) and _SIZE_DOWN.fullmatch(cue_word(text) or ""):
            direction = "better"
    return _flip(direction) if verb_negated(text) else direction


_RANKING_CUES = {
    ("quality", 1): r"outperform\w*|outscor\w*|beat\w*|better|surpass\w*|superior|stronger",
    ("quality", -1): r"underperform\w*|worse|inferior|weaker|trail\w*|degrad\w*",
    ("size", 1): r"higher|more|larger|greater|exceed\w*|above",
    ("size", -1): r"lower|less|fewer|smaller|below",
}
_RANKING = re.compile("|".join(rf"\b(?P<{kind}_{'up' if sign > 0 else 'down'}>{words})\b"
                               for (kind, sign), words in _RANKING_CUES.items()), re.I)
_PASSIVE = re.compile(r"\s+by\b", re.I)
_ASIDE = re.compile(r"\([^()]*\)")
NAME_ASIDE_WORDS = 3
"""An aside of at most this many words, without digits, is a name ("the neural variant (GrobidNN)")."""
_THAN = re.compile(r"\b(?:than|over|against|versus|vs\.?)\s", re.I)


@dataclass(frozen=True)
class Ranking:
    """'A beats B' / 'A has a lower error than B': which side is said to be ahead, and on what scale.

    ``scale`` is "quality" (better / worse: the direction depends on whether the metric is
    higher- or lower-is-better) or "size" (higher / lower: the numbers themselves); ``sign`` is
    +1 when the subject is said to be ahead on that scale (a negated verb flips it)."""

    subject: str
    baseline: str
    scale: str
    sign: int


def ranking_of(text: str) -> Ranking | None:
    """The first comparative word of ``text`` with the text before it (the subject's side) and
    after it, or after the 'than' that follows it (the baseline's side); None without one.
    Parentheses are read as asides: "A beats B (0.305 vs 0.275)" ranks A over B; a short one that
    names something keeps its name on its side ("the neural variant (GrobidNN) beats ...")."""
    text = _ASIDE.sub(_aside_name, text)
    cue = _RANKING.search(text)
    if cue is None:
        return None
    scale, direction = cue.lastgroup.split("_")
    than = _THAN.search(text, cue.end())
    sign = (1 if direction == "up" else -1) * (-1 if verb_negated(text[: cue.start()] + cue.group(0)) else 1)
    before, after = text[: cue.start()], text[than.end() if than else cue.end():]
    if _PASSIVE.match(text, cue.end()):
        return Ranking(after, before, scale, sign)
    return Ranking(before, after, scale, sign)


def _aside_name(aside: re.Match) -> str:
    inner = aside.group(0)[1:-1]
    is_name = (len(inner.split()) <= NAME_ASIDE_WORDS and not any(ch.isdigit() for ch in inner)
               and not _RANKING.search(inner) and not _THAN.search(inner + " "))
    return f" {inner} " if is_name else " "


def _ahead(ranking: Ranking, text: str) -> int:
    """+1 when the subject is said to be the better one, -1 the worse ('a lower error' is better)."""
    return -ranking.sign if ranking.scale == "size" and _LOWER_IS_BETTER.search(text) else ranking.sign


BASELINE_HEAD_WORDS = 3
"""How many content words open the baseline's side and name it ("than *two separate networks* for
queries and titles"): the rest of the sentence is often context that both sides share."""
_TOKEN = re.compile(r"[\w'-]+")


def _baseline_head(ranking: Ranking) -> set[str]:
    """The first content words of the baseline's side that the subject's side does not use."""
    subject, head = content_words(ranking.subject), []
    for token in _TOKEN.findall(ranking.baseline):
        head += sorted(content_words(token) - set(head))
        if len(head) >= BASELINE_HEAD_WORDS:
            break
    return set(head[:BASELINE_HEAD_WORDS]) - subject


def ranking_conflict(claim: str, passage: str) -> bool:
    """The passage ranks the claim's two sides the other way round: it puts the claim's baseline
    ahead ("two separate networks give better performance than sharing one" against "sharing one
    network worked better than two separate networks"), or it ranks them in the same order but
    in the opposite direction. The claim's baseline is found by the words that open its side,
    on the side of the passage that uses more of them (a tie says nothing)."""
    claimed, stated = ranking_of(claim), ranking_of(passage)
    if claimed is None or stated is None:
        return False
    head = _baseline_head(claimed)
    crossed, straight = len(head & content_words(stated.subject)), len(head & content_words(stated.baseline))
    if crossed == straight:
        return False
    same_direction = _ahead(claimed, claim) == _ahead(stated, passage)
    return same_direction if crossed > straight else not same_direction


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
