"""The ingested papers as sentences that can count as evidence of what a paper studies.

A sentence names a thing as *studied* only when the paper itself works with
it. These do not count, and each has its own role:

- ``reference``: in the References section, or shaped like a bibliography entry;
- ``related``: in related work, background, discussion, limitations or future work;
- ``negated``: the clause says it was not evaluated / not studied / left to future work;
- ``cited``: the name carries a citation and the clause has no "we"/"our" (someone else's work);
- ``example``: an example named in passing ("such as news archives").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from synth.index.library import Library
from synth.records import Evidence, ParsedPaper
from synth.text.segment import sentences

NON_EVIDENCE_SECTIONS = re.compile(
    r"references|bibliography|related\s+work|background|prior\s+work|previous\s+work|literature|acknowledg|"
    r"discussion|limitation|future\s+work|ethic|broader\s+impact", re.I)
REFERENCE_SECTIONS = re.compile(r"references|bibliography", re.I)
_REFERENCE_ENTRY = re.compile(r"\b(?:In\s+Proceedings|Proc\.|arXiv:\s?\d|arXiv\s+preprint|pp\.\s?\d|Vol\.|"
                              r"Conference\s+on|Transactions\s+on|Journal\s+of)\b", re.I)
_NEGATED = re.compile(
    r"\b(?:(?:did|do|does|was|were|is|are|have|has)\s+not|didn't|don't|doesn't|wasn't|weren't|isn't|aren't|"
    r"haven't|never|not)\s+(?:\w+\s+){0,2}?(?:evaluat\w*|stud\w*|test\w*|use[ds]?|using|consider\w*|includ\w*|"
    r"report\w*|cover\w*|experiment\w*|run|ran|measur\w*|examin\w*|explor\w*|address\w*|investigat\w*|"
    r"benchmark\w*|compar\w*|apply|applied|analy[sz]\w*)\b"
    r"|\b(?:leave|left)\b[^.;]*\bfuture\s+(?:work|research)\b|\b(?:beyond|outside)\s+the\s+scope\b"
    r"|\bno\s+(?:experiments?|evaluations?|results)\s+(?:on|with|for)\b|\bwithout\s+(?:evaluating|testing|using)\b",
    re.I)
_CLAUSE_BREAK = re.compile(r";|\bbut\b|\bwhereas\b|\bwhile\b", re.I)
_CITATION = re.compile(r"^\s*(?:\([A-Z][\w'-]+(?:\s+et\s+al\.|\s+and\s+[A-Z][\w'-]+)?,?\s+\d{4}[a-z]?\)|\[\d+(?:[,–-]\s*\d+)*\])")
_FIRST_PERSON = re.compile(r"\b(?:we|our|us)\b", re.I)
_EXAMPLE = re.compile(r"\b(?:such\s+as|for\s+example|for\s+instance|e\.g\.|like)\s*,?\s*(?:\S+\s+){0,3}$", re.I)


@dataclass(frozen=True)
class SourceSentence:
    paper_id: str
    page: int
    start: int
    end: int
    text: str
    section: str

    @property
    def evidence_section(self) -> bool:
        return not NON_EVIDENCE_SECTIONS.search(self.section)

    def evidence(self) -> Evidence:
        return Evidence(paper_id=self.paper_id, page=self.page, section=self.section or None, quote=self.text)

    def role(self, start: int | None = None, end: int | None = None) -> str:
        """What this sentence does with the thing named at ``text[start:end]`` (the whole sentence when None)."""
        if REFERENCE_SECTIONS.search(self.section) or _REFERENCE_ENTRY.search(self.text):
            return "reference"
        clause = self._clause(start, end)
        if _NEGATED.search(clause):
            return "negated"
        if not self.evidence_section:
            return "related"
        if start is not None and _CITATION.match(self.text[end:]) and not _FIRST_PERSON.search(clause):
            return "cited"
        if start is not None and _EXAMPLE.search(self.text[max(0, start - 40):start]):
            return "example"
        return "studied"

    def _clause(self, start: int | None, end: int | None) -> str:
        if start is None:
            return self.text
        bounds = [0, *(m.start() for m in _CLAUSE_BREAK.finditer(self.text)), len(self.text)]
        for left, right in zip(bounds, bounds[1:]):
            if left <= start < right or (left <= start and end <= right):
                return self.text[left:right]
        return self.text


def _section_at(parsed: ParsedPaper, page: int, offset: int) -> str:
    name = ""
    for span in parsed.sections:
        if (span.page, span.start) <= (page, offset):
            name = span.name
    return name


_SEGMENTED: dict[tuple[str, str], tuple[SourceSentence, ...]] = {}
"""(paper id, content hash) -> its sentences: segmenting a long paper takes seconds, so once per process."""


def _paper_sentences(parsed: ParsedPaper) -> tuple[SourceSentence, ...]:
    key = (parsed.paper.paper_id, parsed.paper.sha256)
    if key not in _SEGMENTED:
        found = []
        for page in parsed.page_texts:
            for sentence in sentences(page.text):
                section = _section_at(parsed, page.number, sentence.start)
                found.append(SourceSentence(key[0], page.number, sentence.start, sentence.end, sentence.text, section))
        _SEGMENTED[key] = tuple(found)
    return _SEGMENTED[key]


class Sources:
    """Every sentence of every ingested paper, with its section."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.paper_ids = [summary.paper_id for summary in library.papers()]
        self.sentences: list[SourceSentence] = []
        for paper_id in self.paper_ids:
            self.sentences += _paper_sentences(library.paper(paper_id))

    def of_papers(self, papers: set[str]) -> list[SourceSentence]:
        return [sentence for sentence in self.sentences if sentence.paper_id in papers]

    def in_chunk(self, paper_id: str, page: int, chunk_text: str) -> list[SourceSentence]:
        """The sentences a search hit's chunk covers (chunks are substrings of the page text)."""
        page_text = self.library.paper(paper_id).page_texts[page - 1].text
        start = page_text.find(chunk_text)
        if start < 0:
            return []
        end = start + len(chunk_text)
        return [s for s in self.sentences
                if s.paper_id == paper_id and s.page == page and s.start < end and start < s.end]
