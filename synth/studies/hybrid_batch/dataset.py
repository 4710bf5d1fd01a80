"""Dataset-fact verifier: claims about the structure of XQuAD-R / MLQA-R.

A claim is split into clauses (at ';'). In each clause every number is
assigned to a dataset and a quantity:

- "For XQuAD-R (MLQA-R), ... 110 (42) ...": numbers in parentheses belong to
  the dataset named in parentheses, the others to the dataset named outside;
- "XQuAD-R and MLQA-R ... 11 languages and 7 languages": as many numbers as
  datasets, no parentheses: respectively;
- "110 (42) and 11 (7) cross-lingual and monolingual": as many numbers per
  dataset as quantity words: respectively; otherwise each number takes the
  quantity word that follows it.

Each (dataset, quantity, value) is then compared with the count computed from
the files (synth.studies.hybrid_batch.dataset_facts). Named languages are checked against
the dataset's language files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from synth.errors import DataError
from synth.records import Evidence
from synth.studies.hybrid_batch.dataset_facts import DATASET_FOLDERS, DatasetFacts, load_facts
from synth.text.comparisons import is_negated
from synth.text.mentions import find_mentions, number_mentions
from synth.text.vocab import LANGUAGE_NAMES
from synth.verify.inputs import ClaimInput
from synth.verify.judgement import Judgement
from synth.verify.policy import DatasetPolicy, StrengthPolicy
from synth.verify.protocol import VerifyContext

_QUANTITY_WORDS = {
    "cross_lingual_pairs": r"cross[\s-]?lingual|cross[\s-]language",
    "monolingual_pairs": r"mono[\s-]?lingual",
    "languages": r"(?<!per )(?<!each )(?<!every )languages?(?!\s+pairs?)",
    "questions": r"questions|queries",
    "candidates": r"candidates|candidate sentences|sentences",
    "articles": r"articles",
    "paragraphs": r"paragraphs",
}
_QUANTITY_PATTERN = re.compile("|".join(f"(?P<{key}>{rx})" for key, rx in _QUANTITY_WORDS.items()), re.I)
_PARALLEL_WAYS = re.compile(r"(\d+)[\s-]way|parallel\s+(?:across|in|over)\s+(?:all\s+|up\s+to\s+)?(\d+)", re.I)
_APPROXIMATE = re.compile(r"(?:about|approximately|around|roughly|nearly|almost|~|over|more than)\s*$", re.I)
_MEMBERSHIP = re.compile(r"\b(?:includ\w*|cover\w*|contain\w*|spans?|available in)\b", re.I)
_COUNTED_NOUN = re.compile(r"languages?|pairs?|questions?|quer(?:y|ies)|candidates?|sentences?|articles?|paragraphs?|"
                           r"cross[\s-]?lingual|cross[\s-]language|mono[\s-]?lingual", re.I)
FLOAT_SLACK = 1e-9
"""Counts are whole numbers; this only absorbs float rounding of the tolerance."""
_STRUCTURE = re.compile(r"\b(?:languages?|questions|candidates|sentences|articles|paragraphs|pairs|parallel|"
                        r"cross[\s-]?lingual|monolingual)\b", re.I)


@dataclass
class StatedFact:
    """One number of the claim, attributed to a dataset and a quantity."""

    dataset: str
    quantity: str
    value: float
    written: str
    approximate: bool


def datasets_named(text: str) -> list[str]:
    return [m.name for m in find_mentions(text) if m.name in DATASET_FOLDERS]


def _is_count(number) -> bool:
    """A whole number counting a structural thing: '11 languages', '110 cross-lingual pairs',
    or the parenthesised second dataset's value in '110 (42) cross-lingual'. An mAP of 0.578 or a
    rank distance of 14.2 is not, even when 'monolingual' or 'cross-lingual' follows it."""
    quantity = number.quantity
    if not float(quantity.value).is_integer() or quantity.unit in ("%", "points"):
        return False
    if quantity.unit is None:
        return number.in_parentheses
    return bool(_COUNTED_NOUN.fullmatch(quantity.unit))


def _clause_numbers(clause: str) -> tuple[re.Match | None, list]:
    """(the 'N-way parallel' match, the clause's other numbers)."""
    ways = _PARALLEL_WAYS.search(clause)
    return ways, [n for n in number_mentions(clause) if not (ways and ways.start() <= n.start < ways.end())]


def is_dataset_fact(text: str) -> bool:
    """Names XQuAD-R / MLQA-R and states counts of its structure or the languages it covers.

    Every number must be such a count: a claim that also states scores belongs to the
    text or reproduction verifier, which can check the scores.
    """
    if not datasets_named(text) or not (_STRUCTURE.search(text) or _MEMBERSHIP.search(text)):
        return False
    numbers = [n for _, clause in _clauses(text) for n in _clause_numbers(clause)[1]]
    if not all(_is_count(number) for number in numbers):
        return False
    names_language = any(m.kind == "language" for m in find_mentions(text))
    return bool(numbers) or bool(_PARALLEL_WAYS.search(text)) or names_language


def _clauses(text: str) -> list[tuple[int, str]]:
    clauses, offset = [], 0
    for part in text.split(";"):
        clauses.append((offset, part))
        offset += len(part) + 1
    return clauses


def _dataset_roles(text: str) -> tuple[list[str], str | None]:
    """(datasets named outside parentheses, dataset named inside parentheses)."""
    outside, inside = [], None
    for mention in find_mentions(text):
        if mention.name not in DATASET_FOLDERS:
            continue
        before = text[: mention.start]
        if before.count("(") > before.count(")"):
            inside = inside or mention.name
        elif mention.name not in outside:
            outside.append(mention.name)
    return outside, inside


def _quantity_words(clause: str, start: int) -> list[tuple[int, str]]:
    return [(m.start(), m.lastgroup) for m in _QUANTITY_PATTERN.finditer(clause) if m.start() >= start]


def _respective(numbers: list, words: list[tuple[int, str]]) -> list[str | None]:
    """Quantity for each number: respectively when counts match, else the next word."""
    if len(words) == len(numbers) and len({w for _, w in words}) > 1:
        return [word for _, word in words]
    return [next((word for pos, word in words if pos >= number.end), None) for number in numbers]


def _group_by_dataset(numbers: list, outside: list[str], inside: str | None) -> list[tuple[str, list]]:
    if inside and any(n.in_parentheses for n in numbers) and outside:
        return [(outside[0], [n for n in numbers if not n.in_parentheses]),
                (inside, [n for n in numbers if n.in_parentheses])]
    named = outside + ([inside] if inside else [])
    if len(named) > 1 and len(numbers) == len(named):
        return [(name, [number]) for name, number in zip(named, numbers)]
    if len(named) == 1:
        return [(named[0], numbers)]
    return []


def _fact(clause: str, number, dataset: str, quantity: str) -> StatedFact:
    return StatedFact(dataset, quantity, number.quantity.value, number.quantity.text,
                      bool(_APPROXIMATE.search(clause[: number.start])))


def _clause_facts(clause: str, outside: list[str], inside: str | None) -> list[StatedFact]:
    ways, numbers = _clause_numbers(clause)
    facts = []
    if ways:
        value = ways.group(1) or ways.group(2)
        facts += [StatedFact(name, "parallel_ways", float(value), value, False) for name in (outside or [inside])]
    first = numbers[0].start if numbers else len(clause)
    words = _quantity_words(clause, first)
    for dataset, group in _group_by_dataset(numbers, outside, inside):
        group_words = [w for w in words if w[0] >= group[0].start] if group else []
        for number, quantity in zip(group, _respective(group, group_words or words)):
            if quantity:
                facts.append(_fact(clause, number, dataset, quantity))
    return facts


def stated_facts(text: str) -> list[StatedFact]:
    outside, inside = _dataset_roles(text)
    return [fact for _, clause in _clauses(text) for fact in _clause_facts(clause, outside, inside)]


# --- comparison with the computed counts -----------------------------------------


def _accepted_values(facts: DatasetFacts, quantity: str) -> dict[str, int]:
    """Every reading of a quantity a claim could mean -> its computed value."""
    if quantity in ("languages", "cross_lingual_pairs", "monolingual_pairs"):
        return {quantity.replace("_", " "): getattr(facts, "n_languages" if quantity == "languages" else quantity)}
    if quantity == "parallel_ways":
        return {f"{ways}-way parallel": ways for ways in sorted(facts.parallel_ways)}
    readings = {f"total over {facts.n_languages} languages": facts.totals(quantity)}
    per_language = set(facts.per_language_values(quantity).values())
    if len(per_language) == 1:
        readings["per language"] = per_language.pop()
    if quantity == "questions":
        readings["distinct question ids"] = facts.unique_questions
    return readings


def _agrees(stated: StatedFact, computed: int, approximate_share: float) -> bool:
    tolerance = approximate_share * computed if stated.approximate else 0.0
    return abs(stated.value - computed) <= tolerance + FLOAT_SLACK


def _describe(readings: dict[str, int]) -> str:
    return ", ".join(f"{value} ({reading})" for reading, value in readings.items())


def _check(stated: StatedFact, facts: DatasetFacts, policy: DatasetPolicy) -> tuple[bool, str]:
    readings = _accepted_values(facts, stated.quantity)
    matched = [reading for reading, value in readings.items() if _agrees(stated, value, policy.approximate_share)]
    label = stated.quantity.replace("_", " ")
    if stated.quantity == "parallel_ways" and matched and len(readings) > 1:
        return True, f"{stated.dataset}: some questions are {stated.written}-way parallel (computed: {_describe(readings)})"
    if matched:
        return True, f"{stated.dataset} {label}: claimed {stated.written}, computed {readings[matched[0]]} ({matched[0]})"
    return False, f"{stated.dataset} {label}: claimed {stated.written}, computed {_describe(readings)}"


def _language_checks(text: str, facts_of: dict[str, DatasetFacts]) -> list[tuple[bool, str]]:
    """Named languages must be (or, in a negated claim, must not be) among the dataset's files."""
    codes = [m.name for m in find_mentions(text) if m.kind == "language"]
    if not codes or len(facts_of) != 1:
        return []
    facts = next(iter(facts_of.values()))
    expected_present = not is_negated(text)
    results = []
    for code in codes:
        present = code in facts.per_language
        verb = "has" if present else "has no"
        results.append((present == expected_present, f"{facts.name} {verb} {LANGUAGE_NAMES[code]} ({code}.json)"))
    return results


def _evidence(facts: DatasetFacts, quantities: set[str]) -> list[Evidence]:
    files = ", ".join(f"{lang}.json" for lang in facts.languages)
    quotes = [("languages", f"{facts.folder.name}/: {files} ({facts.n_languages} language files)")]
    if quantities & {"cross_lingual_pairs", "monolingual_pairs"}:
        quotes.append(("language pairs", f"{facts.n_languages} languages -> {facts.cross_lingual_pairs} cross-lingual "
                                         f"pairs (X->Y, X != Y) and {facts.monolingual_pairs} monolingual pairs (X->X)"))
    for quantity in sorted(quantities & {"questions", "candidates", "articles", "paragraphs"}):
        counts = ", ".join(f"{lang} {n}" for lang, n in facts.per_language_values(quantity).items())
        quotes.append((quantity, f"{quantity} per language: {counts}; total {facts.totals(quantity)}"))
    if "parallel_ways" in quantities or "questions" in quantities:
        ways = ", ".join(f"{n} ids in {w} languages" for w, n in sorted(facts.parallel_ways.items()))
        quotes.append(("parallel questions", f"question ids shared across language files: {ways}"))
    return [Evidence(paper_id=facts.paper_id, page=None, section=section, quote=quote) for section, quote in quotes]


def verify_dataset_fact(text: str, data_dir: Path | None, policy: DatasetPolicy | None = None,
                        strengths: StrengthPolicy | None = None) -> Judgement:
    """Compare every number and language the claim states with the computed counts."""
    policy, strengths = policy or DatasetPolicy(), strengths or StrengthPolicy()
    names = datasets_named(text)
    if data_dir is None or not Path(data_dir).is_dir():
        return Judgement.unverifiable("dataset", strengths.source_missing,
                                      f"data folder {data_dir} not found: pass --data DIR (the LAReQA folder) to compute {', '.join(names)} facts")
    try:
        facts_of = {name: load_facts(Path(data_dir), name) for name in names}
    except DataError as error:
        return Judgement.unverifiable("dataset", strengths.source_missing, str(error))
    stated = stated_facts(text)
    checks = [_check(fact, facts_of[fact.dataset], policy) for fact in stated] + _language_checks(text, facts_of)
    evidence = [e for facts in facts_of.values() for e in _evidence(facts, {f.quantity for f in stated if f.dataset == facts.name})]
    if not checks:
        return Judgement.unverifiable("dataset", strengths.unread,
                                      "could not tell which dataset count the claim's numbers refer to", evidence)
    wrong = [detail for ok, detail in checks if not ok]
    verdict = "refuted" if wrong else "supported"
    details = "; ".join(wrong or [detail for _, detail in checks])
    return Judgement(verdict, "dataset", strengths.computed, f"computed from the files: {details}", evidence,
                     {"facts_checked": float(len(checks)), "facts_wrong": float(len(wrong))})


class DatasetFactVerifier:
    """Registry entry ``dataset``: counts and languages of XQuAD-R / MLQA-R, computed from the files."""

    name = "dataset"
    kind = "dataset_fact"

    def accepts(self, claim: ClaimInput) -> bool:
        return is_dataset_fact(claim.text)

    def verify(self, claim: ClaimInput, context: VerifyContext) -> Judgement:
        return verify_dataset_fact(claim.text, context.data_dir, context.policy.dataset, context.policy.strengths)
