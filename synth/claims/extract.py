"""Offline claim extraction: sentences of ingested papers ranked as checkable claims.

Every sentence of a paper (outside the References) gets

- ``confidence``: the calibrated probability that it is a check-worthy claim
  (synth.claims.worthiness);
- with a question, a relevance in [0, 1]: the hybrid retrieval score of the
  chunk it sits in (normalised by the best chunk) averaged with the cosine
  similarity of sentence and question.

Sentences are ranked by confidence (times relevance when a question is
given); near-duplicates keep only the better-ranked one: embedding cosine >=
DUPLICATE_COSINE, or >= RESTATED_COSINE when most of the numbers recur (an
abstract sentence restated in the results).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synth.claims.parse import claim_id, comparisons_of, entities_of, numbers_of
from synth.claims.segment import sentences
from synth.claims.worthiness import worthiness
from synth.index.library import Library
from synth.ingest.sections import FRONT_MATTER, section_at
from synth.records import Claim, Location, ParsedPaper
from synth.verify.run import method_for

DUPLICATE_COSINE = 0.9
RESTATED_COSINE = 0.8
"""Above this, a claim whose numbers are (mostly) repeated by a better-ranked one is a restatement of it."""
MIN_CONFIDENCE = 0.5
"""Sentences less likely than this to be a claim are never returned."""
QUESTION_DEPTH = 50
_KIND_OF_METHOD = {"dataset": "dataset_fact", "reproduction": "quantitative", "text": "textual"}
_SKIPPED_SECTIONS = ("references", "bibliography", "acknowledg", FRONT_MATTER.lower())
"""Sections whose sentences are never claims: the reference list, thanks, and the title / authors
before the first heading (a title such as "Hybrid Batches Beat Monolingual Ones on 11 Languages"
reads like a claim but states nothing the paper's body does not)."""


@dataclass
class Scored:
    claim: Claim
    relevance: float = 1.0

    @property
    def rank_score(self) -> float:
        return self.claim.confidence * self.relevance


def _kind(text: str) -> str:
    kind = _KIND_OF_METHOD[method_for(text)]
    return "quantitative" if kind == "textual" and numbers_of(text) else kind


def to_claim(text: str, paper_id: str | None, location: Location | None, confidence: float) -> Claim:
    """A Claim record with everything the parser can read from the sentence."""
    return Claim(id=claim_id(text, paper_id), text=text, paper_id=paper_id, location=location, kind=_kind(text),
                 entities=entities_of(text), numbers=numbers_of(text), comparisons=comparisons_of(text),
                 confidence=round(confidence, 4))


def _section_of(parsed: ParsedPaper, page: int, start: int) -> str:
    """The section a sentence starts in; "" throughout a paper where no heading was found (all
    of it would otherwise count as front matter and give no claims)."""
    return section_at(parsed.sections, page, start) if parsed.sections else ""


def _is_title(text: str, parsed: ParsedPaper) -> bool:
    """The paper's title repeated as a line of its own (a running head on later pages)."""
    return " ".join(text.split()).rstrip(".").lower() == " ".join(parsed.paper.title.split()).lower()


def paper_claims(parsed: ParsedPaper) -> list[Claim]:
    """Every sentence of the paper likely enough to be a claim, in reading order."""
    found = []
    for page in parsed.page_texts:
        for sentence in sentences(page.text):
            section = _section_of(parsed, page.number, sentence.start)
            if section.lower().startswith(_SKIPPED_SECTIONS) or _is_title(sentence.text, parsed):
                continue
            confidence = worthiness(" ".join(sentence.text.split()))
            if confidence >= MIN_CONFIDENCE:
                location = Location(page=page.number, section=section, start=sentence.start, end=sentence.end)
                found.append(to_claim(sentence.text, parsed.paper.paper_id, location, confidence))
    return found


def _chunk_scores(library: Library, question: str, paper_ids: list[str]) -> dict[tuple[str, int], list]:
    """(paper, page) -> [(start, end, normalised hybrid score)] of the chunks the question retrieves."""
    hits = library.search(question, k=QUESTION_DEPTH, paper_ids=paper_ids)
    best = max((hit.score for hit in hits), default=1.0) or 1.0
    spans: dict[tuple[str, int], list] = {}
    for hit in hits:
        page_text = library.paper(hit.paper_id).page_texts[hit.page - 1].text
        start = max(page_text.find(hit.text[:200]), 0)
        spans.setdefault((hit.paper_id, hit.page), []).append((start, start + len(hit.text), hit.score / best))
    return spans


def _relevances(library: Library, question: str, claims: list[Claim], paper_ids: list[str]) -> list[float]:
    spans = _chunk_scores(library, question, paper_ids)
    vectors = library.embedder.embed([question] + [claim.text for claim in claims])
    similarities = np.clip(vectors[1:] @ vectors[0], 0.0, 1.0)
    relevances = []
    for claim, similarity in zip(claims, similarities):
        location = claim.location
        chunk_scores = [score for start, end, score in spans.get((claim.paper_id, location.page), [])
                        if start <= location.start < end]
        relevances.append(0.5 * max(chunk_scores, default=0.0) + 0.5 * float(similarity))
    return relevances


def _restates(claim: Claim, better: Claim) -> bool:
    """Most of the claim's numbers recur in the better-ranked claim (abstract vs results restatements)."""
    values = {q.value for q in claim.numbers}
    return bool(values) and len(values & {q.value for q in better.numbers}) >= 0.75 * len(values)


def _is_duplicate(cosine: float, claim: Claim, better: Claim) -> bool:
    return cosine >= DUPLICATE_COSINE or (cosine >= RESTATED_COSINE and _restates(claim, better))


def _without_near_duplicates(ranked: list[Scored], library: Library) -> list[Scored]:
    if not ranked:
        return ranked
    vectors = library.embedder.embed([scored.claim.text for scored in ranked])
    kept: list[int] = []
    for index in range(len(ranked)):
        if not any(_is_duplicate(float(vectors[index] @ vectors[other]), ranked[index].claim, ranked[other].claim)
                   for other in kept):
            kept.append(index)
    return [ranked[index] for index in kept]


def extract_claims(library: Library, paper_ids: list[str], question: str | None = None,
                   top: int | None = None) -> list[Claim]:
    """The best ``top`` claims of the papers (all of them when top is None), best first.

    Raises UnknownPaperError (a SynthError) for a paper id the library does not hold.
    """
    claims = [claim for paper_id in paper_ids for claim in paper_claims(library.paper(paper_id))]
    relevances = _relevances(library, question, claims, paper_ids) if question and claims else [1.0] * len(claims)
    ranked = sorted((Scored(claim, relevance) for claim, relevance in zip(claims, relevances)),
                    key=lambda scored: scored.rank_score, reverse=True)
    unique = _without_near_duplicates(ranked, library)
    return [scored.claim for scored in unique[:top]]
