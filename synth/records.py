"""Typed records that pass between pipeline stages.

Each stage reads and writes these; JSON output of the CLI is their
``model_dump``. Field names here are public interfaces (JSON fields named in
the issues): rename nothing without a schema bump.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

# --- sources / ingest -------------------------------------------------------

PaperSource = Literal["arxiv", "local"]


class Reference(BaseModel):
    """One entry of a paper's References section."""

    text: str
    arxiv_id: str | None = None
    doi: str | None = None


class Paper(BaseModel):
    """Bibliographic record of one paper, as kept in the library."""

    paper_id: str
    title: str
    authors: list[str] = Field(default_factory=list)
    year: int | None = None
    source: PaperSource
    pdf_path: str
    sha256: str
    pages: int = 0
    abstract: str = ""
    url: str | None = None
    found_by: str = Field("", description="how it was found: user PDF, arXiv search 'q', reference of X")
    references: list[Reference] = Field(default_factory=list)
    arxiv_id: str | None = Field(None, description="for local PDFs: the id in the arXiv stamp or file name")
    locations: Literal["page", "sentence"] = Field(
        "page", description="what page numbers count: PDF pages, or sentences of a corpus document (jsonl/txt/md)"
    )
    parsed_by: str = Field("", description="fingerprint of the ingest code that parsed it (synth.ingest.version); "
                                           "a file parsed by other code is parsed again")


class Page(BaseModel):
    number: int = Field(description="1-based page number")
    text: str = Field(description="cleaned page text; chunk and quote offsets point into it")


class SectionSpan(BaseModel):
    """A detected section heading: where it starts (page, offset in that page)."""

    name: str
    page: int
    start: int


class ParsedPaper(BaseModel):
    paper: Paper
    page_texts: list[Page]
    sections: list[SectionSpan] = Field(default_factory=list)


class Chunk(BaseModel):
    chunk_id: str = Field(description="stable: hash of paper id, page and offsets")
    paper_id: str
    page: int
    section: str
    start: int = Field(description="character offset into the page text")
    end: int
    text: str


class SearchHit(BaseModel):
    """One result of ``synth search --json``."""

    paper_id: str
    title: str
    chunk_id: str
    page: int
    section: str
    start: int = Field(description="character offset of ``text`` in the text of page ``page``")
    end: int
    score: float
    text: str


class PaperSummary(BaseModel):
    """One row of ``synth papers --json``."""

    paper_id: str
    title: str
    authors: list[str]
    year: int | None
    source: PaperSource
    pages: int
    chunks: int


# --- claims / verification --------------------------------------------------

ClaimKind = Literal["textual", "dataset_fact", "quantitative"]
Verdict = Literal["supported", "refuted", "insufficient_evidence"]
VerifyMethod = Literal["text", "dataset", "reproduction"]


class Location(BaseModel):
    page: int
    section: str
    start: int
    end: int


class Quantity(BaseModel):
    value: float
    unit: str | None = None
    text: str = Field(description="the number as written in the claim")


class Comparison(BaseModel):
    """'subject is better/worse/equal than baseline on metric'."""

    subject: str
    baseline: str
    metric: str | None = None
    direction: Literal["better", "worse", "equal"]


class Entities(BaseModel):
    datasets: list[str] = Field(default_factory=list)
    models: list[str] = Field(default_factory=list)
    metrics: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)


class Claim(BaseModel):
    id: str = Field(description="hash of normalised text + paper id")
    text: str
    paper_id: str | None = None
    location: Location | None = None
    kind: ClaimKind = "textual"
    entities: Entities = Field(default_factory=Entities)
    numbers: list[Quantity] = Field(default_factory=list)
    comparisons: list[Comparison] = Field(default_factory=list)
    confidence: float = Field(0.5, ge=0.0, le=1.0, description="calibrated P(claim is check-worthy and relevant)")


class Evidence(BaseModel):
    paper_id: str
    page: int | None = None
    section: str | None = None
    quote: str = Field(description="exact substring of the parsed paper text, or of a data/result file")


CheckChannel = Literal["source_text", "other_sources", "internal_consistency", "dataset", "reproduction"]
"""Where a check looked: the text of the source the claim is attributed to, the other
ingested papers, the claim's own paper away from the claimed sentence, the data files,
a reproduction run."""
CheckOutcome = Literal["agrees", "contradicts", "silent", "not_applicable"]


class Check(BaseModel):
    """One independent check of a claim (synth.verify.checks); a verdict is combined from these."""

    channel: CheckChannel
    outcome: CheckOutcome
    evidence: list[Evidence] = Field(default_factory=list)
    note: str = ""
    decides: bool = Field(True, description="False when the rule lets this check inform but not decide the "
                                            "verdict (a claim's own paper agreeing with itself, a run too small)")
    confidence: float | None = Field(None, ge=0.0, le=1.0, description="P(this outcome is right), where known")
    agreeing: list[str] = Field(default_factory=list, description="papers (ids) whose text agrees")
    contradicting: list[str] = Field(default_factory=list, description="papers (ids) whose text contradicts")


class Verification(BaseModel):
    """One element of ``synth verify --json``."""

    id: str
    claim: str
    verdict: Verdict
    confidence: float = Field(ge=0.0, le=1.0)
    method: VerifyMethod
    evidence: list[Evidence] = Field(default_factory=list)
    rationale: str
    checks: list[Check] = Field(default_factory=list, description="every check made, deciding or not")
    decided_by: list[CheckChannel] = Field(default_factory=list,
                                           description="the channels whose checks decided the verdict (none: "
                                                       "no independent check could)")
    claimed_by: str | None = Field(None, description="'P, p. N' when the claim was extracted from paper P: "
                                                     "its provenance, never its support")


PremiseFinding = Literal[
    "studied",            # a source that studies the subject studies it too (evidence quotes it)
    "contradicted",       # a subject source says it was not evaluated / not studied
    "studied_elsewhere",  # studied only by sources that do not study the subject
    "mentioned_only",     # named only in references, related work, citations or examples
    "not_studied",        # a known name no source names
    "not_found",          # an unknown name found in no source and no vocabulary
    "category_error",     # the question gets its type wrong (the XLM-R benchmark, XL-Sum subset of BEIR)
    "no_sources",         # nothing is ingested
]
"""Why a PremiseCheck has its status (synth.premises.check)."""


class PremiseCheck(BaseModel):
    """One presupposition of a question and whether the sources support it."""

    premise: str
    kind: Literal["benchmark", "dataset", "method", "model", "language", "metric", "domain", "comparison", "other"]
    supported: bool | None = Field(description="None when the sources say nothing either way")
    status: Literal["supported", "not_supported", "unclear"]
    evidence: list[Evidence] = Field(default_factory=list)
    sources_use_instead: list[str] = Field(default_factory=list)
    rationale: str = ""
    name: str = Field("", description="canonical name of the premise's thing (BEIR, nDCG@10, hybrid batch training)")
    mention: str = Field("", description="the words of the question that presuppose it")
    size: str | None = Field(None, description="model size the question names (6B-175B), if any")
    finding: PremiseFinding = Field("studied", description="why the status: see PremiseFinding")
    subject: str | None = Field(None, description="the question's main subject; supported means studied with it")
    match: Literal["name", "meaning", "none"] = Field("none", description="how the evidence was found")

