"""``report.json``: everything the templates use, schema-versioned.

Every output format (Markdown, HTML, PDF, BibTeX) is rendered from one
``ReportDocument``, so a report can be re-rendered from its JSON alone. Field
names are an interface: extend, do not rename, and bump ``SCHEMA_VERSION``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from synth.errors import ConfigError
from synth.records import Evidence, PremiseCheck, Verdict, VerifyMethod
from synth.files import write_text_atomic
from synth.reproduce.result import Interval

SCHEMA_VERSION = 1

ReportKind = Literal["report", "audit"]


class Citation(BaseModel):
    """Where a summary sentence comes from: a source id and a page."""

    paper_id: str
    page: int | None = None


class SummarySentence(BaseModel):
    text: str
    citations: list[Citation] = Field(min_length=1, description="every sentence is cited")


class Source(BaseModel):
    """One paper the report drew on."""

    id: str
    title: str
    authors: list[str] = Field(default_factory=list)
    year: int | None = None
    found_by: str = Field("", description="user PDF, arXiv search 'q', reference of X")
    url: str | None = None
    origin: Literal["arxiv", "local"] = "local"
    pages: int = 0


class OriginalVerdict(BaseModel):
    """What the audited report said about a claim."""

    verified: bool
    confidence: float
    mark: str = Field(description="the mark as printed, e.g. ✓ or ×")


class ClaimRow(BaseModel):
    """One row of the claims table: a claim and our verdict on it."""

    id: str
    claim: str
    paper_id: str | None = None
    verdict: Verdict
    confidence: float
    method: VerifyMethod
    evidence: list[Evidence] = Field(default_factory=list)
    rationale: str = ""
    original: OriginalVerdict | None = Field(None, description="audits only: the audited report's verdict")
    disagreement: bool = Field(False, description="audits only: our verdict contradicts the original")


class StrategyRow(BaseModel):
    """Measured scores of one strategy on one held-out dataset."""

    eval_dataset: str
    strategy: str
    train_dataset: str | None
    multilingual_map: Interval
    cross_lingual_map: Interval
    monolingual_map: Interval
    rank_distance: Interval


class ComparisonRow(BaseModel):
    """A claimed comparison next to the measured paired difference."""

    claimed: str
    eval_dataset: str
    metric: str
    measured: Interval
    outcome: Literal["agrees", "contradicts", "inconclusive"]


class Figure(BaseModel):
    path: str = Field(description="relative to the folder holding report.json")
    caption: str


class Reproduction(BaseModel):
    """The reproduction run the report shows, with what differs from the paper."""

    config_name: str
    model_spec: str
    device: str
    seeds: list[int]
    wall_time_s: float
    result_path: str
    model_sha256: str = ""
    data_sha256: dict[str, str] = Field(default_factory=dict)
    substitutions: list[str] = Field(default_factory=list)
    strategies: list[StrategyRow] = Field(default_factory=list)
    comparisons: list[ComparisonRow] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)


class Limitation(BaseModel):
    what: str
    why: str


class Provenance(BaseModel):
    tool_version: str
    created_at: str = Field(description="ISO 8601 UTC")
    command: str
    embedding_model: str
    model_hashes: dict[str, str] = Field(default_factory=dict)
    data_hashes: dict[str, str] = Field(default_factory=dict)
    config: dict[str, str] = Field(default_factory=dict)


class AuditedReport(BaseModel):
    """Audits only: the report under audit."""

    path: str
    title: str
    claims: int
    references: list[str] = Field(default_factory=list)


class ReportDocument(BaseModel):
    schema_version: int = SCHEMA_VERSION
    kind: ReportKind = "report"
    title: str
    question: str
    premises: list[PremiseCheck] = Field(default_factory=list)
    answer: list[SummarySentence] = Field(default_factory=list)
    answer_method: Literal["extractive", "llm", "none"] = "extractive"
    sources: list[Source] = Field(default_factory=list)
    claims: list[ClaimRow] = Field(default_factory=list)
    reproduction: Reproduction | None = None
    limitations: list[Limitation] = Field(default_factory=list)
    provenance: Provenance
    audited: AuditedReport | None = None

    def verdict_counts(self) -> dict[str, int]:
        """Claims per verdict, every verdict present (zeros included)."""
        counts = {"supported": 0, "refuted": 0, "insufficient_evidence": 0}
        for row in self.claims:
            counts[row.verdict] += 1
        return counts

    def disagreements(self) -> int:
        return sum(row.disagreement for row in self.claims)


def save_document(document: ReportDocument, path: Path) -> None:
    write_text_atomic(path, document.model_dump_json(indent=2) + "\n")


def load_document(path: Path) -> ReportDocument:
    """Read a report.json, refusing one written by a newer schema."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    version = data.get("schema_version", 0)
    if version > SCHEMA_VERSION:
        raise ConfigError(
            f"{path}: report schema {version} is newer than this synth's ({SCHEMA_VERSION}); upgrade synth"
        )
    return ReportDocument.model_validate(data)
