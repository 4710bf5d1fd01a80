"""``synth audit``: re-verify an existing synthesis report's claims.

The audited report's verdict (✓/× and confidence) is kept next to ours; a
row is flagged when the two disagree: the report marked a claim verified and
we find it refuted or without sufficient evidence, or it marked a claim
unverified and we find it supported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from synth.records import Claim, Verification
from synth.report import stages
from synth.report.document import AuditedReport, ClaimRow, Limitation, OriginalVerdict, ReportDocument
from synth.report.parse import ParsedReport, ReportedClaim, parse_report
from synth.report.pipeline import ReportBuilder, ReportRequest, answer_of, build_provenance
from synth.report.progress import StageDisplay
from synth.settings import Settings
from synth.text.normalise import claim_id


@dataclass
class AuditRequest:
    report: Path
    out: Path
    papers: list[Path] = field(default_factory=list)
    arxiv: bool = True
    data_dir: Path | None = None
    ledger_path: Path | None = None
    command: str = "synth audit"


def disagrees(original: ReportedClaim, verdict: str) -> bool:
    return verdict != "supported" if original.verified else verdict == "supported"


def audit_rows(parsed: ParsedReport, claims: list[Claim], verifications: list[Verification]) -> list[ClaimRow]:
    by_id = {item.id: item for item in verifications}
    rows = []
    for original, claim in zip(parsed.claims, claims):
        ours = by_id[claim.id]
        rows.append(ClaimRow(
            id=claim.id, claim=original.text, verdict=ours.verdict, confidence=ours.confidence, method=ours.method,
            evidence=ours.evidence, rationale=ours.rationale,
            original=OriginalVerdict(verified=original.verified, confidence=original.confidence, mark=original.mark),
            disagreement=disagrees(original, ours.verdict),
        ))
    return rows


def truncation_limits(parsed: ParsedReport) -> list[Limitation]:
    cut = [index for index, claim in enumerate(parsed.claims, start=1) if claim.truncated]
    if not cut:
        return []
    return [Limitation(what=f"Claims {', '.join(map(str, cut))} are cut off in the audited report",
                       why="they end mid-sentence there; each was verified as printed, so a missing qualifier may change its verdict")]


class Auditor(ReportBuilder):
    """Finds the audited report's references, then verifies its claims."""

    def __init__(self, request: AuditRequest, parsed: ParsedReport, settings: Settings, display: StageDisplay) -> None:
        super().__init__(ReportRequest(question=parsed.question, out=request.out, papers=request.papers,
                                       arxiv=request.arxiv, data_dir=request.data_dir, reproduce="cached",
                                       ledger_path=request.ledger_path, command=request.command), settings, display)
        self.audit, self.parsed = request, parsed

    def find_references(self) -> None:
        """Each arXiv reference: from the library when held, else fetched."""
        with self.display.stage("find references", total=len(self.parsed.arxiv_ids)) as advance:
            if self.request.papers:
                stages.ingest_into(self.found, [str(p) for p in self.request.papers], self.settings, self.library, None)
            held = {stages.base_id(p.paper_id): p.paper_id for p in self.library.papers()}
            for arxiv_id in self.parsed.arxiv_ids:
                base = stages.base_id(arxiv_id)
                if base in held:
                    self.found.found_by.setdefault(held[base], "reference of the audited report (in library)")
                elif self.request.arxiv:
                    stages.ingest_into(self.found, [arxiv_id], self.settings, self.library, "reference of the audited report")
                else:
                    self.found.limitations.append(Limitation(
                        what=f"Reference {arxiv_id}", why="not in the library and --no-arxiv given; ingest it or allow arXiv"))
                advance()

    def build(self) -> ReportDocument:
        self.find_references()
        ranked, hits = stages.rank_papers(self.library, self.parsed.question, list(self.found.found_by))
        claims = [Claim(id=claim_id(c.text, None), text=c.text) for c in self.parsed.claims]
        reproduction, results_dir = self.reproduce("cached")
        verifications = self.verify(claims, results_dir, f"audit: {self.parsed.path}")
        premises = self.check_premises()
        answer, method = answer_of(self.parsed.question, claims, verifications, hits, self.settings)
        sources = self.sources(ranked)
        self.limitations += truncation_limits(self.parsed)
        return ReportDocument(
            kind="audit", title=f"Audit: {self.parsed.title}", question=self.parsed.question, premises=premises,
            answer=answer, answer_method=method, sources=sources, claims=audit_rows(self.parsed, claims, verifications),
            reproduction=reproduction, limitations=self.all_limitations(),
            provenance=build_provenance(self.settings, self.audit.command, self.config(), sources, reproduction, self.library),
            audited=AuditedReport(path=Path(self.parsed.path).name, title=self.parsed.title,
                                  claims=len(self.parsed.claims), references=self.parsed.arxiv_ids),
        )


def audit_report(request: AuditRequest, settings: Settings, progress: bool = True) -> ReportDocument:
    parsed = parse_report(request.report)
    with StageDisplay(enabled=progress) as display:
        return Auditor(request, parsed, settings, display).build()
