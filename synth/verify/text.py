"""Text verifier: does a passage of the ingested papers say what the claim says?

Candidates: the chunks returned by hybrid search (restricted to the claim's
paper when known), cut into sentences whose offsets point into the parsed page
text, so the quoted evidence is an exact substring of it.

Each sentence is judged with its neighbours (numbers and names often sit in
the next sentence) on transparent features:

- ``similarity``: cosine similarity of claim and sentence embeddings;
- ``overlap``: share of the claim's content words in the passage;
- ``coverage``: share of the claim's named entities in the passage;
- ``numbers``: claim numbers found in the passage; a claim number that the
  passage contradicts (the passage gives other numbers of the same kind) is a
  conflict;
- ``negation`` and ``direction``: the passage says the opposite (negated, or
  better/worse flipped, or subject and baseline swapped);
- ``substitution``: the claim names a dataset/model/benchmark that the source
  paper never mentions, while the passage names another one of that kind.

The best-matching sentence decides. A conflict in a well-matching passage
refutes; a close match without conflict supports; a weak match is
insufficient evidence. The rationale lists the deciding features.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from synth.claims.features import (
    antonym_conflict,
    claimed_numbers,
    closest_clause,
    entity_names,
    numbers_agree,
    quantifier_conflict,
    stem,
    superlatives,
    word_overlap,
)
from synth.claims.parse import cue_word, direction_of, find_mentions, is_negated, number_mentions
from synth.claims.llm import llm_judge
from synth.claims.segment import sentences
from synth.index.library import Library, UnknownPaperError
from synth.records import Evidence, ParsedPaper, SearchHit
from synth.settings import Settings
from synth.verify.judgement import Judgement

SEARCH_DEPTH = 6
CONTEXT_MARGIN = 250
"""Characters around a hit's chunk that are segmented too, so that sentences cut by the chunk boundary are whole."""
MATCH_THRESHOLD = 0.55
"""Relevance (0.5 similarity + 0.5 overlap) a passage needs to count as talking about the claim."""
SUPPORT_THRESHOLD = 0.62
"""Relevance above which a conflict-free passage that covers the claim's entities supports it."""
NUMBER_CONFLICT_THRESHOLD = 0.5
NEGATION_OVERLAP = 0.6
"""A negated clause contradicts the claim only when it says mostly the same words (else it negates something else)."""
LLM_PASSAGES = 5
SUBSTITUTION_THRESHOLD = 0.25
"""A passage naming another dataset/model refutes a claim about an unmentioned one at a looser match."""
ENTITY_KINDS_SWAPPABLE = ("dataset", "benchmark", "model")


@dataclass
class Candidate:
    paper_id: str
    page: int
    section: str
    quote: str
    context: str
    similarity: float = 0.0
    overlap: float = 0.0
    features: dict[str, float] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    substitution: str | None = None

    @property
    def relevance(self) -> float:
        return 0.5 * self.similarity + 0.5 * self.overlap


# --- candidates -------------------------------------------------------------------


@lru_cache(maxsize=256)
def _sentences(page_text: str) -> list:
    return sentences(page_text)


def _chunk_window(page_text: str, hit: SearchHit) -> tuple[int, int]:
    found = page_text.find(hit.text[:200])
    start = found if found >= 0 else 0
    end = start + len(hit.text) if found >= 0 else len(page_text)
    return max(0, start - CONTEXT_MARGIN), min(len(page_text), end + CONTEXT_MARGIN)


def _page_candidates(parsed: ParsedPaper, hit: SearchHit, seen: set[tuple[str, int, int]]) -> list[Candidate]:
    page_text = parsed.page_texts[hit.page - 1].text
    window_start, window_end = _chunk_window(page_text, hit)
    page_sentences = _sentences(page_text)
    found = []
    for index, sentence in enumerate(page_sentences):
        key = (hit.paper_id, hit.page, sentence.start)
        if sentence.end < window_start or sentence.start > window_end or key in seen:
            continue
        seen.add(key)
        neighbours = page_sentences[max(0, index - 1) : index + 2]
        context = " ".join(neighbour.text for neighbour in neighbours)
        found.append(Candidate(hit.paper_id, hit.page, hit.section, sentence.text, context))
    return found


def candidates_for(claim: str, library: Library, paper_ids: list[str] | None) -> list[Candidate]:
    seen: set[tuple[str, int, int]] = set()
    found: list[Candidate] = []
    for hit in library.search(claim, k=SEARCH_DEPTH, paper_ids=paper_ids):
        found += _page_candidates(library.paper(hit.paper_id), hit, seen)
    return found


# --- features ---------------------------------------------------------------------


def _number_features(claim: str, candidate: Candidate) -> None:
    """Digits must be found in the passage; number words ('four models') only count when contradicted."""
    wanted = claimed_numbers(claim)
    stated = [m.quantity for m in number_mentions(candidate.context)]
    matched = [q for q, approx in wanted if any(numbers_agree(q, s, approx) for s in stated)]
    digits = [q for q, _ in wanted if q.text[0].isdigit() or q.text[0] == "."]
    candidate.features["numbers_claimed"] = float(len(digits))
    candidate.features["numbers_matched"] = float(len([q for q in matched if q in digits]))
    for quantity, _ in wanted:
        if quantity in matched:
            continue
        same_kind = [s for s in stated if _same_kind(quantity, s)]
        if same_kind:
            shown = ", ".join(s.text for s in same_kind[:4])
            candidate.conflicts.append(f"number {quantity.text} conflicts with the source's {shown}")


def _same_kind(claimed, stated) -> bool:
    """Two numbers that could state the same thing (both scores, both percentages, both counts of X)."""
    if claimed.unit and stated.unit and stem(claimed.unit) == stem(stated.unit):
        return True
    if not claimed.text[0].isdigit():
        return False
    is_score = lambda q: 0 < q.value < 1 or "." in q.text  # noqa: E731
    return claimed.unit in ("%", "points") and stated.unit in ("%", "points") or (is_score(claimed) and is_score(stated))


def _direction_conflict(claim: str, passage: str) -> str | None:
    """Opposite directions, unless both use the same comparative word (then they agree on wording)."""
    claimed, stated = direction_of(claim), direction_of(passage)
    same_word = cue_word(claim) is not None and cue_word(claim) == cue_word(passage)
    if claimed and stated and {claimed, stated} == {"better", "worse"} and not same_word:
        return f"direction: the claim says {claimed}, the source says {stated}"
    if claimed in ("better", "worse") and stated == claimed and _swapped(claim, passage):
        return "direction: the source ranks the compared methods the other way round"
    return None


def _superlative_conflict(claim: str, passage: str) -> str | None:
    """'X is the least biased' vs 'X is the most biased', or vs 'Y is the least biased' (and X not)."""
    stated = superlatives(passage)
    for name, sign in superlatives(claim).items():
        if stated.get(name) == -sign:
            return f"superlative: the source says the opposite extreme for {name}"
        holders = [other for other, other_sign in stated.items() if other_sign == sign and other != name]
        if name not in stated and holders:
            return f"superlative: the source gives that extreme to {', '.join(holders)}, not {name}"
    return None


def _actors(text: str) -> list[str]:
    return [m.name for m in find_mentions(text) if m.kind in ("method", "model")]


def _swapped(claim: str, passage: str) -> bool:
    """'A beats B' vs 'B beats A': the first two compared names appear in reverse order."""
    claimed, stated = _actors(claim), _actors(passage)
    shared = [name for name in claimed if name in stated]
    if len(shared) < 2:
        return False
    first, second = shared[0], shared[1]
    return stated.index(first) > stated.index(second)


def _substitution(claim: str, candidate: Candidate, in_paper: set[tuple[str, str]]) -> str | None:
    """A named dataset/model the source never mentions, where the passage names another."""
    in_passage = entity_names(candidate.quote, ENTITY_KINDS_SWAPPABLE)
    for kind, name in entity_names(claim, ENTITY_KINDS_SWAPPABLE):
        if (kind, name) in in_paper:
            continue
        instead = sorted(n for k, n in in_passage if k == kind or {k, kind} <= {"dataset", "benchmark"})
        if instead:
            return f"the source never mentions {name}; this passage names {', '.join(instead)}"
    return None


def _coverage(claim: str, passage: str) -> float:
    wanted = entity_names(claim)
    return len(wanted & entity_names(passage)) / len(wanted) if wanted else 1.0


def judge_candidate(claim: str, candidate: Candidate, paper_entities: set[tuple[str, str]]) -> None:
    """Fill the candidate's features and conflicts (similarity is set by the caller);
    ``paper_entities``: the datasets/models/benchmarks its paper names anywhere."""
    candidate.overlap = word_overlap(claim, candidate.context)
    candidate.features.update(similarity=round(candidate.similarity, 3), overlap=round(candidate.overlap, 3),
                              coverage=round(_coverage(claim, candidate.context), 3))
    _number_features(claim, candidate)
    clause = closest_clause(claim, candidate.quote)
    if is_negated(claim) != is_negated(clause) and word_overlap(claim, clause) >= NEGATION_OVERLAP:
        candidate.conflicts.append("negation: one of claim and source is negated, the other not")
    for conflict in (_direction_conflict(claim, clause), _superlative_conflict(claim, candidate.quote),
                     antonym_conflict(claim, clause), quantifier_conflict(claim, candidate.quote)):
        if conflict:
            candidate.conflicts.append(conflict)
    candidate.substitution = _substitution(claim, candidate, paper_entities)


# --- verdict ----------------------------------------------------------------------


def _paper_text(library: Library, paper_id: str) -> str:
    return "\n".join(page.text for page in library.paper(paper_id).page_texts)


def _evidence(candidate: Candidate) -> Evidence:
    return Evidence(paper_id=candidate.paper_id, page=candidate.page, section=candidate.section, quote=candidate.quote)


def _feature_line(candidate: Candidate) -> str:
    f = candidate.features
    numbers = f"{int(f['numbers_matched'])}/{int(f['numbers_claimed'])} numbers found" if f["numbers_claimed"] else "no numbers"
    return (f"similarity {f['similarity']:.2f}, word overlap {f['overlap']:.2f}, entity coverage "
            f"{f['coverage']:.2f}, {numbers}")


def _substituted(candidates: list[Candidate]) -> Judgement | None:
    """Refuted for naming a dataset/model the source does not use, quoting what it uses instead."""
    swapped = [c for c in candidates if c.substitution and c.relevance >= SUBSTITUTION_THRESHOLD]
    if not swapped:
        return None
    best = max(swapped, key=lambda c: c.relevance)
    return Judgement("refuted", "text", best.relevance, f"substitution: {best.substitution} ({_feature_line(best)})",
                     [_evidence(best)], {**best.features, "substitution": 1.0})


def _number_conflict(candidates: list[Candidate]) -> Judgement | None:
    """Refuted by a passage that uses the claim's words and names but other numbers, even when
    the embedding match is weak (embeddings barely see numbers: 'k1 = 1.2' vs 'k1 = 0.9')."""
    conflicting = [c for c in candidates if c.relevance >= NUMBER_CONFLICT_THRESHOLD and c.overlap >= 0.75
                   and c.features["coverage"] == 1.0 and any(x.startswith("number") for x in c.conflicts)]
    if not conflicting:
        return None
    best = max(conflicting, key=lambda c: c.relevance)
    return Judgement("refuted", "text", best.relevance, f"{'; '.join(best.conflicts)} ({_feature_line(best)})",
                     [_evidence(best)], best.features)


def decide(candidates: list[Candidate]) -> Judgement:
    """The verdict from the best-matching candidate's features (or a substitution or number conflict)."""
    candidate = max(candidates, key=lambda c: c.relevance)
    substituted = _substituted(candidates)
    if substituted and (candidate.relevance < SUPPORT_THRESHOLD or candidate.substitution):
        return substituted
    if candidate.relevance < MATCH_THRESHOLD and (conflict := _number_conflict(candidates)):
        return conflict
    strength = candidate.relevance
    if candidate.relevance < MATCH_THRESHOLD:
        return Judgement("insufficient_evidence", "text", 1.0 - strength,
                         f"no passage states this; closest: {_feature_line(candidate)}", [_evidence(candidate)],
                         candidate.features)
    if candidate.conflicts:
        return Judgement("refuted", "text", strength, f"{'; '.join(candidate.conflicts)} ({_feature_line(candidate)})",
                         [_evidence(candidate)], candidate.features)
    numbers_missing = candidate.features["numbers_matched"] < candidate.features["numbers_claimed"]
    if candidate.relevance >= SUPPORT_THRESHOLD and candidate.features["coverage"] >= 0.5 and not numbers_missing:
        return Judgement("supported", "text", strength, f"the source states it: {_feature_line(candidate)}",
                         [_evidence(candidate)], candidate.features)
    reason = "a claimed number is not in the passage" if numbers_missing else "the match is partial"
    return Judgement("insufficient_evidence", "text", 1.0 - strength, f"{reason}: {_feature_line(candidate)}",
                     [_evidence(candidate)], candidate.features)


def _scope(paper_id: str | None, library: Library) -> list[str] | None:
    if paper_id is None:
        return None
    library.paper(paper_id)  # raises UnknownPaperError
    return [paper_id]


class TextVerifier:
    """Verifies claims against one library; caches embeddings and per-paper entity sets across claims.

    With a chat model (synth.claims.llm), the LLM judges the best LLM_PASSAGES
    candidates instead of the feature rules; retrieval and quoting stay the same.
    """

    def __init__(self, library: Library, llm=None, settings: Settings | None = None) -> None:
        self.library = library
        self.llm = llm
        self.settings = settings or library.settings
        self._vectors: dict[str, np.ndarray] = {}
        self._paper_entities: dict[str, set[tuple[str, str]]] = {}

    def _embed(self, texts: list[str]) -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if text not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self.library.embedder.embed(missing)))
        return np.stack([self._vectors[text] for text in texts])

    def _entities_of_paper(self, paper_id: str) -> set[tuple[str, str]]:
        if paper_id not in self._paper_entities:
            self._paper_entities[paper_id] = entity_names(_paper_text(self.library, paper_id), ENTITY_KINDS_SWAPPABLE)
        return self._paper_entities[paper_id]

    def _candidates_without_unknown_names(self, claim: str, scope: list[str]) -> list[Candidate]:
        """Passages found with the names the paper never uses replaced by their kind
        ('evaluated on MIRACL' -> 'evaluated on dataset'): where the paper says what it uses instead."""
        known = self._entities_of_paper(scope[0])
        unknown = [m for m in find_mentions(claim) if m.kind in ENTITY_KINDS_SWAPPABLE and (m.kind, m.name) not in known]
        if not unknown:
            return []
        query = claim
        for mention in reversed(unknown):
            query = query[: mention.start] + mention.kind + query[mention.end :]
        return candidates_for(query, self.library, scope)

    def verify(self, claim: str, paper_id: str | None) -> Judgement:
        if not self.library.papers():
            return Judgement("insufficient_evidence", "text", 1.0,
                             "no papers are ingested: run `synth ingest PDF|ARXIV_ID...` first")
        try:
            scope = _scope(paper_id, self.library)
        except UnknownPaperError:
            return Judgement("insufficient_evidence", "text", 1.0, f"paper {paper_id!r} is not in the library: "
                             f"ingest it (`synth ingest {paper_id}`) or drop paper_id")
        candidates = candidates_for(claim, self.library, scope)
        if scope:
            candidates += self._candidates_without_unknown_names(claim, scope)
        if not candidates:
            return Judgement("insufficient_evidence", "text", 1.0, "hybrid search found no passage for this claim")
        vectors = self._embed([claim] + [c.quote for c in candidates])
        for candidate, similarity in zip(candidates, vectors[1:] @ vectors[0]):
            candidate.similarity = float(similarity)
            judge_candidate(claim, candidate, self._entities_of_paper(candidate.paper_id))
        if self.llm is not None:
            best = sorted(candidates, key=lambda c: c.relevance, reverse=True)[:LLM_PASSAGES]
            return llm_judge(self.llm, self.settings, claim, best)
        return decide(candidates)
