"""Candidate passages for a claim: sentences of the chunks hybrid search returns, outside reference lists.

Sentence offsets point into the parsed page text, so a quoted candidate is an
exact substring of it. Each sentence keeps its neighbours as context (numbers
and names often sit in the next sentence). Any text verifier (rules, LLM, a
trained model) judges these same candidates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from synth.index.library import Library
from synth.ingest.sections import in_reference_list
from synth.records import Location, ParsedPaper, SearchHit
from synth.text.segment import locate, sentences
from synth.verify.policy import TextPolicy


@dataclass
class Candidate:
    paper_id: str
    page: int
    section: str
    quote: str
    context: str
    similarity: float = 0.0
    overlap: float = 0.0
    relevance: float = 0.0
    """Weighted similarity and overlap (TextPolicy.similarity_weight, overlap_weight), set when judged."""
    features: dict[str, float] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    substitution: str | None = None


_EXCLUDED: ContextVar[tuple[str, Location] | None] = ContextVar("excluded_claim_sentence", default=None)


@contextmanager
def excluding(paper_id: str, location: Location) -> Iterator[None]:
    """While active, the sentence at ``location`` of ``paper_id`` is never a candidate: a claim
    extracted from there is checked against the rest of its paper (internal consistency), and
    whatever text verifier is configured never sees its own provenance as evidence."""
    token = _EXCLUDED.set((paper_id, location))
    try:
        yield
    finally:
        _EXCLUDED.reset(token)


def _excluded(paper_id: str, page: int, start: int, end: int) -> bool:
    held = _EXCLUDED.get()
    if held is None or held[0] != paper_id or held[1].page != page:
        return False
    return start < held[1].end and held[1].start < end


def _chunk_window(page_text: str, hit: SearchHit, margin: int) -> tuple[int, int]:
    found = locate(hit.text, page_text)
    start = found if found >= 0 else 0
    end = start + len(hit.text) if found >= 0 else len(page_text)
    return max(0, start - margin), min(len(page_text), end + margin)


def _page_candidates(parsed: ParsedPaper, hit: SearchHit, seen: set[tuple[str, int, int]],
                     margin: int) -> list[Candidate]:
    page_text = parsed.page_texts[hit.page - 1].text
    window_start, window_end = _chunk_window(page_text, hit, margin)
    page_sentences = sentences(page_text)
    found = []
    for index, sentence in enumerate(page_sentences):
        key = (hit.paper_id, hit.page, sentence.start)
        if sentence.end < window_start or sentence.start > window_end or key in seen:
            continue
        if _excluded(hit.paper_id, hit.page, sentence.start, sentence.end) \
                or in_reference_list(parsed.sections, hit.page, sentence.start):
            continue  # its own provenance, or a cited title ("Vector space models of lexical meaning.")
        seen.add(key)
        neighbours = page_sentences[max(0, index - 1) : index + 2]
        context = " ".join(neighbour.text for neighbour in neighbours)
        found.append(Candidate(hit.paper_id, hit.page, hit.section, sentence.text, context))
    return found


def candidates_for(claim: str, library: Library, paper_ids: list[str] | None, policy: TextPolicy) -> list[Candidate]:
    """Every sentence near the chunks the claim retrieves (each sentence once)."""
    seen: set[tuple[str, int, int]] = set()
    found: list[Candidate] = []
    for hit in library.search(claim, k=policy.search_depth, paper_ids=paper_ids):
        found += _page_candidates(library.paper(hit.paper_id), hit, seen, policy.context_margin)
    return found
