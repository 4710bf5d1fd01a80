"""Synthetic contradictions and scope shifts made from entailment pairs (FactCC-style).

The shipped cross-encoder's weakest point on real-paper claims is the contradiction it never
sees: a claim that negates its evidence, reverses a comparison, or misstates a number the
evidence gives reads as "neutral". The in-domain sets hold few such pairs (SciFact has 300
CONTRADICT rationales), so each *training* entailment pair of an in-domain source also yields
rule-made variants of its claim, in the spirit of FactCC's transformations (Kryscinski et al.,
2020, "Evaluating the Factual Consistency of Abstractive Text Summarization"):

- **negation** (contradiction): an auxiliary gains or loses "not", or a listed verb becomes
  "does not <verb>";
- **direction** (contradiction): a comparison word becomes its antonym (higher / lower,
  increases / decreases, outperforms / underperforms, ...);
- **number** (contradiction): a number the evidence states is changed in the claim;
- **entity** (neutral): a named term the evidence states (a dataset, model, disease) is replaced
  by one from another pair's evidence, so the evidence no longer speaks to the claim, which is
  what "not enough evidence" means for a claim about another dataset.

Climate-FEVER is left out: its evidence-level SUPPORTS often backs only part of a claim, so a
rule-made contradiction of it would be noise. Negating evidence and claim together (to keep
"not" from being a shortcut) was tried and dropped: negating the first auxiliary of a long
evidence sentence often negates the wrong clause.

Only train-split pairs are transformed and every variant keeps its pair's group, so no dev or
test claim leaks into training through a variant.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from typing import Callable, Iterable

from synth.models.nli_data import CONTRADICTION, ENTAILMENT, NEUTRAL, NliPair

AUGMENTED_SOURCES = ("scifact", "healthver", "wice", "fever-symmetric")
"""Sources whose entailment pairs are transformed (scientific and encyclopaedic claims)."""
ENTITY_SHARE = 0.5
"""Share of entailment pairs that also yield an entity-swapped neutral variant."""
AUGMENTED_SUFFIX = "+aug"
"""Appended to a variant's source name, so the model card counts variants apart."""

_AUXILIARY = re.compile(r"\b(is|are|was|were|can|could|will|would|should|has been|have been|had been|does|do|did|may|might|must)\b")
_NEGATED = re.compile(r"\b(is|are|was|were|could|will|would|should|does|do|did|has|have|had|may|might|must) not\b|\bcannot\b")
_VERBS = (
    "improve", "increase", "reduce", "decrease", "outperform", "cause", "lead", "achieve", "yield",
    "help", "prevent", "affect", "predict", "require", "produce", "enhance", "lower", "raise",
    "contain", "show", "support", "benefit", "inhibit", "promote", "induce", "suppress", "exceed",
    "match", "depend", "correlate", "contribute", "result", "protect", "limit", "slow", "boost",
)
_THIRD_PERSON = re.compile(r"\b(" + "|".join(f"{verb}s|{verb}es" for verb in _VERBS) + r")\b")
_PAST = re.compile(r"\b(" + "|".join(f"{verb}d|{verb}ed" for verb in _VERBS) + r")\b")
_ANTONYMS = {
    "higher": "lower", "more": "less", "increases": "decreases", "increased": "decreased",
    "increase": "decrease", "better": "worse", "larger": "smaller", "outperforms": "underperforms",
    "faster": "slower", "greater": "smaller", "above": "below", "positive": "negative",
    "improves": "worsens", "improved": "worsened", "best": "worst", "fewer": "more",
    "reduces": "raises", "reduced": "raised", "lowers": "raises", "before": "after",
    "strongly": "weakly", "rises": "falls", "gains": "losses", "up": "down", "maximum": "minimum",
    "benefits": "harms", "beneficial": "harmful", "safe": "unsafe", "effective": "ineffective",
}
_DIRECTION = {**_ANTONYMS, **{low: high for high, low in _ANTONYMS.items() if low not in _ANTONYMS}}
_DIRECTION_WORD = re.compile(r"\b(" + "|".join(map(re.escape, _DIRECTION)) + r")\b", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.]*\d)")
_WORD = re.compile(r"\b[A-Za-z][\w-]{2,}")
_YEAR = re.compile(r"(19|20)\d\d")


def _terms(text: str) -> list[re.Match]:
    """Named terms: words with an inner capital (BERT, SQuAD, CIFAR-10), or capitalised ones that
    do not open a sentence (Ebola)."""
    return [word for word in _WORD.finditer(text)
            if any(c.isupper() for c in word.group(0)[1:])
            or (word.group(0)[0].isupper() and word.start() > 0 and text[: word.start()].rstrip()[-1:] not in ".!?")]


def _base(verb: str) -> str:
    for ending in ("es", "s", "ed", "d"):
        stem = verb[: -len(ending)]
        if verb.endswith(ending) and stem in _VERBS:
            return stem
    return verb


def negate(text: str) -> str | None:
    """The sentence with its first auxiliary or listed verb negated, or its negation removed."""
    negated = _NEGATED.search(text)
    if negated:
        kept = "can" if negated.group(0) == "cannot" else negated.group(1)
        return text[: negated.start()] + kept + text[negated.end():]
    auxiliary = _AUXILIARY.search(text)
    if auxiliary:
        word = auxiliary.group(1)
        negative = "cannot" if word == "can" else word.replace(" been", " not been") if " " in word else f"{word} not"
        return text[: auxiliary.start()] + negative + text[auxiliary.end():]
    for pattern, helper in ((_THIRD_PERSON, "does not"), (_PAST, "did not")):
        verb = pattern.search(text)
        if verb:
            return text[: verb.start()] + f"{helper} {_base(verb.group(1))}" + text[verb.end():]
    return None


def flip_direction(text: str) -> str | None:
    """The sentence with its first comparison word replaced by the antonym (case kept)."""
    match = _DIRECTION_WORD.search(text)
    if not match:
        return None
    word = match.group(1)
    opposite = _DIRECTION[word.lower()]
    opposite = opposite.capitalize() if word[0].isupper() else opposite
    return text[: match.start()] + opposite + text[match.end():]


def change_number(text: str, evidence: str, rng: random.Random) -> str | None:
    """The sentence with one number the evidence also states changed to one it does not."""
    stated = set(_NUMBER.findall(evidence))
    shared = [m for m in _NUMBER.finditer(text) if m.group(0) in stated and not _YEAR.fullmatch(m.group(0))]
    if not shared:
        return None
    match = rng.choice(shared)
    value = match.group(0)
    decimals = len(value.split(".")[1]) if "." in value else 0
    for factor in rng.sample((0.5, 0.75, 1.3, 1.6, 2.0, 3.0), 6):
        changed = f"{float(value) * factor:.{decimals}f}"
        if changed != value and changed not in stated and float(changed) > 0:
            return text[: match.start()] + changed + text[match.end():]
    return None


def swap_term(text: str, evidence: str, pool: list[str], rng: random.Random) -> str | None:
    """The sentence with one named term of the evidence replaced by a term the evidence lacks."""
    shared = [m for m in _terms(text) if m.group(0) in evidence]
    if not shared or not pool:
        return None
    match = rng.choice(shared)
    for term in rng.sample(pool, min(len(pool), 8)):
        if term.lower() not in evidence.lower() and term.lower() not in text.lower():
            return text[: match.start()] + term + text[match.end():]
    return None


def _variant(pair: NliPair, hypothesis: str | None, label: str) -> list[NliPair]:
    if not hypothesis or hypothesis == pair.hypothesis:
        return []
    return [replace(pair, hypothesis=hypothesis, label=label, source=pair.source + AUGMENTED_SUFFIX)]


def _contradiction(pair: NliPair, rng: random.Random) -> list[NliPair]:
    makers: list[Callable[[], str | None]] = [
        lambda: negate(pair.hypothesis),
        lambda: flip_direction(pair.hypothesis),
        lambda: change_number(pair.hypothesis, pair.premise, rng),
    ]
    for make in rng.sample(makers, len(makers)):
        made = _variant(pair, make(), CONTRADICTION)
        if made:
            return made
    return []


def augment(pairs: Iterable[NliPair], seed: int) -> list[NliPair]:
    """Rule-made variants of the entailment pairs of ``AUGMENTED_SOURCES`` (seeded).

    Args:
        pairs: training pairs (only their train split should be passed).
        seed: seeds which transformation each pair gets.
    """
    pairs = list(pairs)
    rng = random.Random(f"augment:{seed}")
    pool = sorted({term.group(0) for pair in pairs for term in _terms(pair.premise)})
    variants: list[NliPair] = []
    for pair in pairs:
        if pair.label != ENTAILMENT or pair.source not in AUGMENTED_SOURCES:
            continue
        variants += _contradiction(pair, rng)
        if rng.random() < ENTITY_SHARE:
            variants += _variant(pair, swap_term(pair.hypothesis, pair.premise, pool, rng), NEUTRAL)
    return variants
