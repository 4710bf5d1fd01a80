"""Offline claim extraction: sentences of ingested papers ranked as checkable claims.

Every sentence of a paper (outside the References) gets

- ``confidence``: the calibrated probability that it is a check-worthy claim
  (synth.claims.worthiness);
- with a question, a relevance in [0, 1]: the hybrid retrieval score of the
  chunk it sits in (normalised by the best chunk) averaged with the cosine
  similarity of sentence and question.

Sentences are ranked by confidence (times relevance when a question is
given); near-duplicates keep only the better-ranked one: embedding cosine >=
duplicate_cosine, or >= restated_cosine when most of the numbers recur (an
abstract sentence restated in the results). The thresholds and weights are
``settings.verify.extraction`` (synth.verify.policy.ExtractionPolicy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from synth.claims.worthiness import worthiness
from synth.index.library import Library
from synth.ingest.citations import is_about_cited_work
from synth.ingest.sections import FRONT_MATTER, section_at
from synth.ingest.tables import row_unit_spans
from synth.records import Claim, Location, ParsedPaper
from synth.text.comparisons import comparisons_of
from synth.text.mentions import entities_of, numbers_of
from synth.text.normalise import claim_id
from synth.settings import Settings
from synth.text.segment import SENTENCE, locate, sentences
from synth.verify.policy import ExtractionPolicy
from synth.verify.run import claim_kind

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


def _kind(text: str, settings: Settings) -> str:
    kind = claim_kind(text, settings)
    return "quantitative" if kind == "textual" and numbers_of(text) else kind


def to_claim(text: str, paper_id: str | None, location: Location | None, confidence: float,
             settings: Settings) -> Claim:
    """A Claim record with everything the parser can read from the sentence."""
    return Claim(id=claim_id(text, paper_id), text=text, paper_id=paper_id, location=location,
                 kind=_kind(text, settings),
                 entities=entities_of(text), numbers=numbers_of(text), comparisons=comparisons_of(text),
                 confidence=round(confidence, 4))


def _section_of(parsed: ParsedPaper, page: int, start: int) -> str:
    """The section a sentence starts in; "" throughout a paper where no heading was found (all
    of it would otherwise count as front matter and give no claims)."""
    return section_at(parsed.sections, page, start) if parsed.sections else ""


def _is_title(text: str, parsed: ParsedPaper) -> bool:
    """The paper's title repeated as a line of its own (a running head on later pages)."""
    return " ".join(text.split()).rstrip(".").lower() == " ".join(parsed.paper.title.split()).lower()


_CAPTION_OPENING = re.compile(r"(?:Figure|Fig\.|FIGURE|Table|TABLE)\s+[A-Z]?\d{1,2}\s*[:.|]")
"""'Figure 4: Illustration of ...': a caption describes a figure or table; the finding is in the text."""


_NUMERIC_TOKEN = re.compile(r"[-+(]?\d[\d.,%x\u00d7]*\)?")
_PROSE_TOKEN = re.compile(r"[a-z][a-z'-]{2,}[.,;:]?")


def _states_no_finding(text: str) -> bool:
    """A caption, a sentence that only introduces a list ('... capable of working on many tasks:'), or a
    table or plot that pypdf read as a line of text: more numbers than words ('0.2 0.4 0.6 Pearson
    correlation rouge-1_f1 ...', 'DSSM 0.327 0.363 0.438 CLSM ...')."""
    tokens = text.split()
    numbers = sum(bool(_NUMERIC_TOKEN.fullmatch(token)) for token in tokens)
    words = sum(bool(_PROSE_TOKEN.fullmatch(token)) for token in tokens)
    return bool(_CAPTION_OPENING.match(text.lstrip())) or text.rstrip().endswith(":") or numbers > words


def _continues_last_page(text: str, page_text: str, start: int) -> bool:
    """The rest of a sentence the previous page began ('ting matches ...' after 'This set-'):
    the page's first words, in lower case. A fragment, not a claim."""
    return not page_text[:start].strip() and text[:1].islower()


def paper_claims(parsed: ParsedPaper, settings: Settings) -> list[Claim]:
    """Every sentence of the paper likely enough to be a claim, in reading order."""
    min_confidence = settings.verify.extraction.min_confidence
    found = []
    for page in parsed.page_texts:
        rows = row_unit_spans(page.text)  # a table's rows are evidence that claims cite, not statements
        for sentence in sentences(page.text):
            if sentence.kind != SENTENCE or any(start <= sentence.start < end for start, end in rows):
                continue  # footnotes and display equations state no finding of the paper either
            section = _section_of(parsed, page.number, sentence.start)
            if (section.lower().startswith(_SKIPPED_SECTIONS) or _is_title(sentence.text, parsed)
                    or _continues_last_page(sentence.text, page.text, sentence.start)
                    or _states_no_finding(sentence.text)
                    or is_about_cited_work(sentence.text)):  # another paper's finding, not this one's
                continue
            confidence = worthiness(" ".join(sentence.text.split()))
            if confidence >= min_confidence:
                location = Location(page=page.number, section=section, start=sentence.start, end=sentence.end)
                found.append(to_claim(sentence.text, parsed.paper.paper_id, location, confidence, settings))
    return found


def _chunk_scores(library: Library, question: str, paper_ids: list[str], depth: int) -> dict[tuple[str, int], list]:
    """(paper, page) -> [(start, end, normalised hybrid score)] of the chunks the question retrieves."""
    hits = library.search(question, k=depth, paper_ids=paper_ids)
    best = max((hit.score for hit in hits), default=1.0) or 1.0
    spans: dict[tuple[str, int], list] = {}
    for hit in hits:
        page_text = library.paper(hit.paper_id).page_texts[hit.page - 1].text
        start = max(locate(hit.text, page_text), 0)
        spans.setdefault((hit.paper_id, hit.page), []).append((start, start + len(hit.text), hit.score / best))
    return spans


def _relevances(library: Library, question: str, claims: list[Claim], paper_ids: list[str],
                policy: ExtractionPolicy) -> list[float]:
    spans = _chunk_scores(library, question, paper_ids, policy.question_depth)
    vectors = library.embedder.embed([question] + [claim.text for claim in claims])
    similarities = np.clip(vectors[1:] @ vectors[0], 0.0, 1.0)
    relevances = []
    for claim, similarity in zip(claims, similarities):
        location = claim.location
        chunk_scores = [score for start, end, score in spans.get((claim.paper_id, location.page), [])
                        if start <= location.start < end]
        relevances.append(policy.chunk_weight * max(chunk_scores, default=0.0) + policy.similarity_weight * float(similarity))
    return relevances


def _restates(claim: Claim, better: Claim, policy: ExtractionPolicy) -> bool:
    """Most of the claim's numbers recur in the better-ranked claim (abstract vs results restatements)."""
    values = {q.value for q in claim.numbers}
    return bool(values) and len(values & {q.value for q in better.numbers}) >= policy.restated_share * len(values)


def _is_duplicate(cosine: float, claim: Claim, better: Claim, policy: ExtractionPolicy) -> bool:
    return cosine >= policy.duplicate_cosine or (cosine >= policy.restated_cosine and _restates(claim, better, policy))


def _without_near_duplicates(ranked: list[Scored], library: Library, policy: ExtractionPolicy) -> list[Scored]:
    if not ranked:
        return ranked
    vectors = library.embedder.embed([scored.claim.text for scored in ranked])
    kept: list[int] = []
    for index in range(len(ranked)):
        if not any(_is_duplicate(float(vectors[index] @ vectors[other]), ranked[index].claim, ranked[other].claim, policy)
                   for other in kept):
            kept.append(index)
    return [ranked[index] for index in kept]


def extract_claims(library: Library, paper_ids: list[str], question: str | None = None,
                   top: int | None = None) -> list[Claim]:
    """The best ``top`` claims of the papers (all of them when top is None), best first.

    Raises UnknownPaperError (a SynthError) for a paper id the library does not hold.
    """
    policy = library.settings.verify.extraction
    claims = [claim for paper_id in paper_ids for claim in paper_claims(library.paper(paper_id), library.settings)]
    relevances = (_relevances(library, question, claims, paper_ids, policy) if question and claims
                  else [1.0] * len(claims))
    ranked = sorted((Scored(claim, relevance) for claim, relevance in zip(claims, relevances)),
                    key=lambda scored: scored.rank_score, reverse=True)
    unique = _without_near_duplicates(ranked, library, policy)
    return [scored.claim for scored in unique[:top]]
