"""``report.json``: everything the templates use, schema-versioned.

Every output format (Markdown, HTML, PDF, BibTeX) is rendered from one
``ReportDocument``, so a report can be re-rendered from its JSON alone. Field
names are an interface: extend, do not rename, and bump ``SCHEMA_VERSION``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, Field

from synth.errors import ConfigError
from synth.records import Check, CheckChannel, Evidence, PremiseCheck, Verdict, VerifyMethod
from synth.files import write_text_atomic
from synth.studies.hybrid_batch.records import Figure, Reproduction

SCHEMA_VERSION = 4
"""2: provenance records the verification policy (verify_policy); 3: claims carry their checks,
the channels that decided them and who claimed them; the report lists contradictions; 4: a method
appendix says how the trained verifier decides and how often it is right on held-out claims."""

ReportKind = Literal["report", "audit"]


class Citation(BaseModel):
    """Where a summary sentence comes from: a source id and a page."""

    paper_id: str
    page: int | None = None


class SummarySentence(BaseModel):
    text: str
    citations: list[Citation] = Field(min_length=1, description="every sentence is cited")
    standing: Literal["supported", "claimed_only", "retrieved"] | None = Field(
        None, description="supported: a claim the checks supported; claimed_only: a claim only its own paper "
                          "states (no independent check decided it); retrieved: a matching source sentence that "
                          "was not a checked claim; none: the premise check's sentence or an LLM's")


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
    checks: list[Check] = Field(default_factory=list, description="every independent check (synth.verify.checks)")
    decided_by: list[CheckChannel] = Field(default_factory=list, description="the channels that decided the verdict")
    claimed_by: str | None = Field(None, description="'P, p. N' for a claim extracted from paper P (provenance)")
    same_finding_as: list[int] = Field(default_factory=list,
                                       description="1-based rows stating the same finding (one verdict for all)")


class Contradiction(BaseModel):
    """A claim that a check contradicts: what contradicts it, and where."""

    row: int = Field(description="1-based row of the claims table")
    claim: str
    claimed_by: str | None = None
    channel: CheckChannel
    contradicting: list[str] = Field(default_factory=list, description="papers (or runs) that contradict it")
    evidence: list[Evidence] = Field(default_factory=list)
    decides: bool = Field(description="whether the contradiction decided the verdict (else it is reported only)")


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
    verify_policy: dict[str, str] = Field(default_factory=dict,
                                          description="settings.verify flattened: every threshold the verdicts used")


class AuditedReport(BaseModel):
    """Audits only: the report under audit."""

    path: str
    title: str
    claims: int
    references: list[str] = Field(default_factory=list)


class HeldOutFigures(BaseModel):
    """How the verifier did on one held-out claim set it was never fitted on."""

    claims: int
    macro_f1: float
    accuracy: float
    refuted_f1: float
    ece: float
    ece_if_calibrated: float | None = Field(
        None, description="the ECE that confidences exactly equal to P(right) would show on a set this size: "
                          "the sampling noise an ECE must be read against (synth.models.calibration.calibrated_ece)")
    macro_f1_interval: tuple[float, float] | None = Field(
        None, description="95% bootstrap interval of the macro-F1, resampling whole papers (real-paper claims) or "
                          "claims: the sampling noise a macro-F1 must be read against (synth.models.calibration.f1_interval)")
    refuted_f1_interval: tuple[float, float] | None = Field(None, description="the same for the refuted F1")


class VerifierMethod(BaseModel):
    """The method appendix: what decides a text verdict and what its confidence is worth."""

    model: str = Field(description="the cross-encoder and what it was fine-tuned from")
    model_sha256: str
    combiner: str = Field(description="the fitted verdict combiner and its options")
    fitted_on: dict[str, int] = Field(default_factory=dict, description="dev claims per source the combiner was fitted on")
    held_out: dict[str, HeldOutFigures] = Field(default_factory=dict, description="figures per held-out claim set")
    held_out_note: str = Field("", description="what the held-out figures are and how to read them")
    reliability: Figure | None = None


SECTION_NAMES = ("premises", "answer", "sources", "claims", "reproduction", "limitations", "method", "provenance")
"""Every section a document can show (synth.report.sections; a template partial each)."""
SectionName = Literal["premises", "answer", "sources", "claims", "reproduction", "limitations", "method", "provenance"]


class ReportDocument(BaseModel):
    schema_version: int = SCHEMA_VERSION
    kind: ReportKind = "report"
    sections: list[SectionName] = Field(default_factory=lambda: list(SECTION_NAMES),
                                        description="the sections shown, in order (synth.report.sections)")
    title: str
    question: str
    premises: list[PremiseCheck] = Field(default_factory=list)
    answer: list[SummarySentence] = Field(default_factory=list)
    answer_method: Literal["extractive", "llm", "none"] = "extractive"
    sources: list[Source] = Field(default_factory=list)
    claims: list[ClaimRow] = Field(default_factory=list)
    contradictions: list[Contradiction] = Field(default_factory=list)
    verdict_rule: str = Field("", description="how the verdicts were decided, with the policy values used")
    reproduction: Reproduction | None = None
    limitations: list[Limitation] = Field(default_factory=list)
    method: VerifierMethod | None = None
    provenance: Provenance
    audited: AuditedReport | None = None

    def verdict_counts(self) -> dict[str, int]:
        """Claims per verdict, every verdict present (zeros included)."""
        counts = dict.fromkeys(get_args(Verdict), 0)
        for row in self.claims:
            counts[row.verdict] += 1
        return counts

    def sources_quoted(self) -> list[str]:
        """Sources whose text a check of some claim quoted (the others were searched and said nothing)."""
        quoted = {e.paper_id for row in self.claims for check in row.checks for e in check.evidence}
        return [source.id for source in self.sources if source.id in quoted]

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
