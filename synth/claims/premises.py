"""What a question takes for granted, and whether the ingested papers back it.

A question such as "... models trained with hybrid batches, as measured by
BEIR ..." presupposes that hybrid batch training exists in the sources *and*
that it was measured on BEIR. Premises are the named things of the question
(synth.text.vocab: benchmarks, datasets, methods, models, metrics,
languages). The most specific method the sources know (the one found in the
fewest papers) is the question's subject; its papers are the *subject
papers*. Each other premise is

- supported when a subject paper mentions it (the quoted sentence is the evidence);
- not supported when no subject paper does; ``sources_use_instead`` lists
  what the subject papers name of the same kind (their datasets instead of BEIR);
- unclear when the library is empty.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from synth.index.library import Library
from synth.records import Evidence, PremiseCheck
from synth.settings import Settings
from synth.text.mentions import Mention, find_mentions
from synth.text.segment import sentences
from synth.text.vocab import GENERIC_METHODS

_STATEMENTS = {
    "benchmark": "the sources evaluate on {name}",
    "dataset": "the sources use the {name} dataset",
    "method": "the sources study {name}",
    "model": "the sources use the {name} model",
    "metric": "the sources report {name}",
    "language": "the sources cover {name}",
}
MAX_INSTEAD = 5
_SAME_FAMILY = {"benchmark": ("benchmark", "dataset"), "dataset": ("benchmark", "dataset")}


@dataclass
class Sighting:
    paper_id: str
    page: int
    quote: str


def _sightings(library: Library) -> dict[tuple[str, str], list[Sighting]]:
    """(kind, name) -> every sentence (with its paper and page) that names it."""
    found: dict[tuple[str, str], list[Sighting]] = {}
    for summary in library.papers():
        for page in library.paper(summary.paper_id).page_texts:
            for sentence in sentences(page.text):
                for mention in find_mentions(sentence.text):
                    found.setdefault((mention.kind, mention.name), []).append(
                        Sighting(summary.paper_id, page.number, sentence.text))
    return found


def _papers_of(sightings: list[Sighting]) -> set[str]:
    return {sighting.paper_id for sighting in sightings}


def _subject_papers(mentions: list[Mention], seen: dict[tuple[str, str], list[Sighting]],
                    all_papers: set[str]) -> tuple[str | None, set[str]]:
    known = [m for m in mentions
             if m.kind == "method" and m.name not in GENERIC_METHODS and seen.get((m.kind, m.name))]
    if not known:
        return None, all_papers
    subject = min(known, key=lambda m: len(_papers_of(seen[(m.kind, m.name)])))
    return subject.name, _papers_of(seen[(subject.kind, subject.name)])


def _instead(kind: str, excluded: set[str], seen: dict[tuple[str, str], list[Sighting]], papers: set[str]) -> list[str]:
    family = _SAME_FAMILY.get(kind, (kind,))
    counts = Counter({other: sum(s.paper_id in papers for s in sightings)
                      for (other_kind, other), sightings in seen.items()
                      if other_kind in family and other not in excluded})
    return [other for other, count in counts.most_common(MAX_INSTEAD) if count > 0]


def _check(mention: Mention, subject: str | None, papers: set[str],
           seen: dict[tuple[str, str], list[Sighting]]) -> PremiseCheck:
    premise = _STATEMENTS[mention.kind].format(name=mention.name)
    if subject and mention.name != subject:
        premise += f" together with {subject}"
    sightings = [s for s in seen.get((mention.kind, mention.name), []) if s.paper_id in papers]
    if sightings:
        evidence = [Evidence(paper_id=s.paper_id, page=s.page, section=None, quote=s.quote) for s in sightings[:2]]
        return PremiseCheck(premise=premise, kind=mention.kind, supported=True, status="supported", evidence=evidence,
                            rationale=f"{mention.name} is named in {', '.join(sorted(_papers_of(sightings)))}")
    elsewhere = sorted(_papers_of(seen.get((mention.kind, mention.name), [])))
    instead = _instead(mention.kind, {mention.name, subject}, seen, papers)
    where = f"only in papers without {subject} ({', '.join(elsewhere)})" if elsewhere else "in no ingested paper"
    return PremiseCheck(
        premise=premise, kind=mention.kind, supported=False, status="not_supported",
        sources_use_instead=instead,
        rationale=f"not supported by the sources: {mention.name} appears {where}"
                  + (f"; they use {', '.join(instead)} instead" if instead else ""),
    )


def _unique(mentions: tuple[Mention, ...]) -> list[Mention]:
    seen, unique = set(), []
    for mention in mentions:
        if mention.kind in _STATEMENTS and (mention.kind, mention.name) not in seen:
            seen.add((mention.kind, mention.name))
            unique.append(mention)
    return unique


def check_premises(question: str, library: Library, settings: Settings | None = None) -> list[PremiseCheck]:
    """One PremiseCheck per named thing of the question (``settings`` is kept for the LLM backend)."""
    mentions = _unique(find_mentions(question))
    papers = {summary.paper_id for summary in library.papers()}
    if not papers:
        return [PremiseCheck(premise=_STATEMENTS[m.kind].format(name=m.name), kind=m.kind, supported=None,
                             status="unclear", rationale="no papers are ingested: run `synth ingest` first")
                for m in mentions]
    seen = _sightings(library)
    subject, subject_papers = _subject_papers(mentions, seen, papers)
    return [_check(mention, subject, subject_papers, seen) for mention in mentions]
