"""The other stages as the report pipeline calls them: finding and ingesting
papers, extracting and verifying claims (premises and the reproduction are
built by their report sections, synth.report.sections).

Each helper returns what it found plus ``Limitation`` lines for what failed,
so one unreachable service or bad paper never stops the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from synth.errors import SynthError
from synth.index.library import Library
from synth.records import Claim, Verification
from synth.report.cache import ReportCache
from synth.report.document import Limitation
from synth.report.summary import question_words
from synth.settings import Settings
from synth.sources import is_arxiv_id, split_version

MAX_QUERY_TERMS = 8
MAX_CLAIMS = 30


def base_id(paper_id: str) -> str:
    """An arXiv id without its version; any other paper id unchanged."""
    return split_version(paper_id)[0] if is_arxiv_id(paper_id) else paper_id


@dataclass
class Found:
    """Papers found so far: paper id -> how it was found, in discovery order."""

    found_by: dict[str, str] = field(default_factory=dict)
    limitations: list[Limitation] = field(default_factory=list)

    def base_ids(self) -> set[str]:
        return {base_id(paper_id) for paper_id in self.found_by}


def arxiv_query(question: str) -> str:
    """The question's content words OR-ed (arXiv ranks by relevance)."""
    words = [w for w in dict.fromkeys(question.lower().replace("?", " ").split()) if w.strip(".,;:()") in question_words(question)]
    return " OR ".join(f"all:{word.strip('.,;:()')}" for word in words[:MAX_QUERY_TERMS])


def ingest_into(found: Found, sources: list[str], settings: Settings, library: Library, found_by: str | None,
                arxiv_metadata: bool = False) -> None:
    """Ingest ``sources``; every paper that is now in the library joins ``found``. With ``arxiv_metadata``
    a local PDF with an arXiv id takes its title, authors and year from arXiv (the layout's otherwise)."""
    from synth.ingest.run import ingest_sources

    summary = ingest_sources(sources, settings, library, progress=False, found_by=found_by,
                             arxiv_metadata=arxiv_metadata)
    for outcome in summary.ingested + summary.skipped:
        if outcome.paper_id and outcome.paper_id not in found.found_by:
            found.found_by[outcome.paper_id] = found_by or "user PDF"
    for outcome in summary.failed:
        found.limitations.append(Limitation(what=f"Source {outcome.source}", why=outcome.reason))


def search_arxiv(question: str, max_papers: int, settings: Settings) -> tuple[list[str], str, list[Limitation]]:
    """(versioned ids found, the query sent, limitations)."""
    from synth.sources import ArxivClient

    query = arxiv_query(question)
    if not query:
        return [], query, [Limitation(what="arXiv search", why="the question has no searchable words")]
    try:
        with ArxivClient(settings) as client:
            return [entry.arxiv_id for entry in client.search(query, max_results=max_papers)], query, []
    except SynthError as error:
        return [], query, [Limitation(what="arXiv search", why=str(error))]


def referenced_arxiv_ids(library: Library, paper_ids: list[str], known: set[str], question: str,
                         limit: int) -> dict[str, str]:
    """arXiv ids cited by ``paper_ids`` and not yet known (id -> citing paper), the
    references whose text shares most words with the question first."""
    wanted = question_words(question)
    cited: dict[str, tuple[str, int]] = {}
    for paper_id in paper_ids:
        for reference in library.paper(paper_id).paper.references:
            base = base_id(reference.arxiv_id) if reference.arxiv_id else None
            if base and base not in known and base not in {base_id(i) for i in cited}:
                overlap = len(wanted & question_words(reference.text))
                cited[reference.arxiv_id] = (paper_id, overlap)
    ranked = sorted(cited.items(), key=lambda item: -item[1][1])
    return {arxiv_id: citing for arxiv_id, (citing, _) in ranked[:limit]}


def rank_papers(library: Library, question: str, paper_ids: list[str]) -> tuple[list[str], list]:
    """Paper ids by their best passage's hybrid rank for the question, and the hits."""
    if not paper_ids:
        return [], []
    hits = library.search(question, k=max(20, 4 * len(paper_ids)), paper_ids=paper_ids)
    ranked = list(dict.fromkeys(hit.paper_id for hit in hits))
    return ranked + [paper_id for paper_id in paper_ids if paper_id not in ranked], hits


def extract(paper_ids: list[str], question: str, library: Library, cache: ReportCache | None = None) -> list[Claim]:
    """The ``MAX_CLAIMS`` claims most relevant to the question (a report, not an index); read back
    from ``cache`` when nothing they depend on changed."""
    from synth.claims.extract import extract_claims

    def compute() -> list[Claim]:
        return extract_claims(library, paper_ids, question=question, top=MAX_CLAIMS)

    return cache.extraction(question, paper_ids, MAX_CLAIMS, compute) if cache else compute()


def verify(claims: list[Claim], library: Library, settings: Settings, data_dir: Path | None,
           results_dir: Path | None, on_done=None, use_results: bool = True,
           cache: ReportCache | None = None) -> list[Verification]:
    """One verdict per claim; those ``cache`` holds for the same claim and inputs are read back."""
    from synth.verify.run import data_folders, verify_claims

    data_dir, results_dir = data_folders(settings, data_dir, results_dir, use_results)

    def compute(missing: list[Claim]) -> list[Verification]:
        return verify_claims(missing, library, settings, data_dir=data_dir, results_dir=results_dir, on_done=on_done,
                             use_results=use_results)

    return cache.verifications(claims, data_dir, results_dir, compute, on_done) if cache else compute(claims)
