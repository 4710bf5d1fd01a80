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

import re
from pathlib import Path

import numpy as np

from synth.index.library import Library, UnknownPaperError
from synth.records import Evidence
from synth.text.comparisons import (
    antonym_conflict,
    closest_clause,
    cue_word,
    direction_of,
    is_negated,
    quantifier_conflict,
    superlatives,
)
from synth.text.mentions import claimed_numbers, entity_names, find_mentions, number_mentions, numbers_agree
from synth.text.normalise import stem, word_overlap
from synth.verify.candidates import Candidate, candidates_for
from synth.verify.inputs import ClaimInput
from synth.verify.judgement import Judgement
from synth.verify.llm import llm_judge
from synth.verify.policy import StrengthPolicy, TextPolicy
from synth.verify.protocol import VerifyContext

ENTITY_KINDS_SWAPPABLE = ("dataset", "benchmark", "model")


# --- features ---------------------------------------------------------------------


def _number_features(claim: str, candidate: Candidate, approximate_share: float) -> None:
    """Digits must be found in the passage; number words ('four models') only count when contradicted."""
    wanted = claimed_numbers(claim)
    stated = [m.quantity for m in number_mentions(candidate.context)]
    matched = [q for q, approx in wanted if any(numbers_agree(q, s, approx, approximate_share) for s in stated)]
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


def judge_candidate(claim: str, candidate: Candidate, paper_entities: set[tuple[str, str]],
                    policy: TextPolicy) -> None:
    """Fill the candidate's features, relevance and conflicts (similarity is set by the caller);
    ``paper_entities``: the datasets/models/benchmarks its paper names anywhere."""
    candidate.overlap = word_overlap(claim, candidate.context)
    candidate.relevance = policy.similarity_weight * candidate.similarity + policy.overlap_weight * candidate.overlap
    candidate.features.update(similarity=round(candidate.similarity, 3), overlap=round(candidate.overlap, 3),
                              coverage=round(_coverage(claim, candidate.context), 3))
    _number_features(claim, candidate, policy.approximate_share)
    clause = closest_clause(claim, candidate.quote)
    if is_negated(claim) != is_negated(clause) and word_overlap(claim, clause) >= policy.negation_overlap:
        candidate.conflicts.append("negation: one of claim and source is negated, the other not")
    for conflict in (_direction_conflict(claim, clause), _superlative_conflict(claim, candidate.quote),
                     antonym_conflict(claim, clause), quantifier_conflict(claim, candidate.quote)):
        if conflict:
            candidate.conflicts.append(conflict)
    candidate.substitution = _substitution(claim, candidate, paper_entities)


# --- verdict ----------------------------------------------------------------------


def paper_text(library: Library, paper_id: str) -> str:
    return "\n".join(page.text for page in library.paper(paper_id).page_texts)


def _evidence(candidate: Candidate) -> Evidence:
    return Evidence(paper_id=candidate.paper_id, page=candidate.page, section=candidate.section, quote=candidate.quote)


def _feature_line(candidate: Candidate) -> str:
    f = candidate.features
    numbers = f"{int(f['numbers_matched'])}/{int(f['numbers_claimed'])} numbers found" if f["numbers_claimed"] else "no numbers"
    return (f"similarity {f['similarity']:.2f}, word overlap {f['overlap']:.2f}, entity coverage "
            f"{f['coverage']:.2f}, {numbers}")


def _substituted(candidates: list[Candidate], policy: TextPolicy) -> Judgement | None:
    """Refuted for naming a dataset/model the source does not use, quoting what it uses instead."""
    swapped = [c for c in candidates if c.substitution and c.relevance >= policy.substitution_threshold]
    if not swapped:
        return None
    best = max(swapped, key=lambda c: c.relevance)
    return Judgement("refuted", "text", best.relevance, f"substitution: {best.substitution} ({_feature_line(best)})",
                     [_evidence(best)], {**best.features, "substitution": 1.0})


def _number_conflict(candidates: list[Candidate], policy: TextPolicy) -> Judgement | None:
    """Refuted by a passage that uses the claim's words and names but other numbers, even when
    the embedding match is weak (embeddings barely see numbers: 'k1 = 1.2' vs 'k1 = 0.9')."""
    conflicting = [c for c in candidates if c.relevance >= policy.number_conflict_threshold
                   and c.overlap >= policy.number_conflict_overlap
                   and c.features["coverage"] >= policy.number_conflict_coverage
                   and any(x.startswith("number") for x in c.conflicts)]
    if not conflicting:
        return None
    best = max(conflicting, key=lambda c: c.relevance)
    return Judgement("refuted", "text", best.relevance, f"{'; '.join(best.conflicts)} ({_feature_line(best)})",
                     [_evidence(best)], best.features)


def decide(candidates: list[Candidate], policy: TextPolicy) -> Judgement:
    """The verdict from the best-matching candidate's features (or a substitution or number conflict)."""
    candidate = max(candidates, key=lambda c: c.relevance)
    substituted = _substituted(candidates, policy)
    if substituted and (candidate.relevance < policy.support_threshold or candidate.substitution):
        return substituted
    if candidate.relevance < policy.match_threshold and (conflict := _number_conflict(candidates, policy)):
        return conflict
    strength = candidate.relevance
    if candidate.relevance < policy.match_threshold:
        return Judgement.unverifiable("text", 1.0 - strength, f"no passage states this; closest: {_feature_line(candidate)}",
                                      [_evidence(candidate)], candidate.features)
    if candidate.conflicts:
        return Judgement("refuted", "text", strength, f"{'; '.join(candidate.conflicts)} ({_feature_line(candidate)})",
                         [_evidence(candidate)], candidate.features)
    numbers_missing = candidate.features["numbers_matched"] < candidate.features["numbers_claimed"]
    if (candidate.relevance >= policy.support_threshold and candidate.features["coverage"] >= policy.support_coverage
            and not numbers_missing):
        return Judgement("supported", "text", strength, f"the source states it: {_feature_line(candidate)}",
                         [_evidence(candidate)], candidate.features)
    reason = "a claimed number is not in the passage" if numbers_missing else "the match is partial"
    return Judgement.unverifiable("text", 1.0 - strength, f"{reason}: {_feature_line(candidate)}",
                                  [_evidence(candidate)], candidate.features)


def unusable_scope(paper_id: str | None, library: Library, strengths: StrengthPolicy) -> Judgement | list[str] | None:
    """The papers to search (None: all of them), or the judgement when there is nothing to search."""
    if not library.papers():
        return Judgement.unverifiable("text", strengths.no_source,
                                      "no papers are ingested: run `synth ingest PDF|ARXIV_ID...` first")
    if paper_id is None:
        return None
    resolved = resolve_paper(paper_id, library)
    if resolved is None:
        return Judgement.unverifiable("text", strengths.no_source, f"paper {paper_id!r} is not in the library: "
                                      f"ingest it (`synth ingest {paper_id}`) or drop paper_id")
    return [resolved]


def _bare_arxiv_id(arxiv_id: str) -> str:
    return re.sub(r"v\d+$", "", arxiv_id)


def resolve_paper(reference: str, library: Library) -> str | None:
    """The library id of the paper a claim names by library id, arXiv id or PDF file name.

    A local PDF ``1706.03762.pdf`` is stored as ``1706-03762``; a claim (or a ledger) written
    against the arXiv id or the file name must still find it rather than read as unknown."""
    try:
        return library.paper(reference).paper.paper_id
    except UnknownPaperError:
        pass
    wanted = _bare_arxiv_id(reference.removesuffix(".pdf"))
    for summary in library.papers():
        paper = library.paper(summary.paper_id).paper
        if wanted in (_bare_arxiv_id(paper.arxiv_id or ""), Path(paper.pdf_path).stem):
            return paper.paper_id
    return None


class TextVerifier:
    """Registry entry ``text``: claims against the ingested papers; accepts every claim, so it goes last.

    Caches embeddings and per-paper entity sets across the claims of one library.
    With a chat model (synth.llm), the LLM judges the best ``llm_passages``
    candidates instead of the feature rules; retrieval and quoting stay the same.
    """

    name = "text"
    kind = "textual"

    def __init__(self) -> None:
        self._library: Library | None = None
        self._vectors: dict[str, np.ndarray] = {}
        self._paper_entities: dict[str, set[tuple[str, str]]] = {}

    def accepts(self, claim: ClaimInput) -> bool:
        return True

    def _use(self, library: Library) -> None:
        if library is not self._library:
            self._library, self._vectors, self._paper_entities = library, {}, {}

    def _embed(self, texts: list[str]) -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if text not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self._library.embedder.embed(missing)))
        return np.stack([self._vectors[text] for text in texts])

    def _entities_of_paper(self, paper_id: str) -> set[tuple[str, str]]:
        if paper_id not in self._paper_entities:
            self._paper_entities[paper_id] = entity_names(paper_text(self._library, paper_id), ENTITY_KINDS_SWAPPABLE)
        return self._paper_entities[paper_id]

    def _candidates_without_unknown_names(self, claim: str, scope: list[str], policy: TextPolicy) -> list[Candidate]:
        """Passages found with the names the paper never uses replaced by their kind
        ('evaluated on MIRACL' -> 'evaluated on dataset'): where the paper says what it uses instead."""
        known = self._entities_of_paper(scope[0])
        unknown = [m for m in find_mentions(claim) if m.kind in ENTITY_KINDS_SWAPPABLE and (m.kind, m.name) not in known]
        if not unknown:
            return []
        query = claim
        for mention in reversed(unknown):
            query = query[: mention.start] + mention.kind + query[mention.end :]
        return candidates_for(query, self._library, scope, policy)

    def _judged_candidates(self, claim: str, scope: list[str] | None, policy: TextPolicy) -> list[Candidate]:
        candidates = candidates_for(claim, self._library, scope, policy)
        if scope:
            candidates += self._candidates_without_unknown_names(claim, scope, policy)
        if candidates:
            vectors = self._embed([claim] + [c.quote for c in candidates])
            for candidate, similarity in zip(candidates, vectors[1:] @ vectors[0]):
                candidate.similarity = float(similarity)
                judge_candidate(claim, candidate, self._entities_of_paper(candidate.paper_id), policy)
        return candidates

    def verify(self, claim: ClaimInput, context: VerifyContext) -> Judgement:
        self._use(context.library)
        policy, strengths = context.policy.text, context.policy.strengths
        unusable = unusable_scope(claim.paper_id, self._library, strengths)
        if isinstance(unusable, Judgement):
            return unusable
        candidates = self._judged_candidates(claim.text, unusable, policy)
        if not candidates:
            return Judgement.unverifiable("text", strengths.no_source, "hybrid search found no passage for this claim")
        if context.llm is not None:
            best = sorted(candidates, key=lambda c: c.relevance, reverse=True)[: policy.llm_passages]
            return llm_judge(context.llm, claim.text, best, strengths.llm_unchecked)
        return decide(candidates, policy)
