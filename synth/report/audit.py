"""``synth audit``: re-verify an existing synthesis report's claims.

The audited report's verdict (✓/× and confidence) is kept next to ours; a
row is flagged when the two disagree: the report marked a claim verified and
we find it refuted or without sufficient evidence, or it marked a claim
unverified and we find it supported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from synth.records import Claim
from synth.report import stages
from synth.report.document import AuditedReport, Limitation, ReportDocument
from synth.report.findings import contradictions
from synth.report.parse import ParsedReport, parse_report
from synth.report.pipeline import Stages
from synth.report.progress import StageDisplay
from synth.report.sections import AUDIT_SECTIONS, names
from synth.report.sections.answer import answer_of
from synth.report.sections.claims import audit_rows
from synth.report.sections.limitations import truncation_limits
from synth.report.sections.method import verifier_method
from synth.report.sections.provenance import build_provenance
from synth.settings import Settings
from synth.text.normalise import claim_id
from synth.verify.checks import verdict_rule

AUDIT_REPRODUCTION = "cached"
"""An audit judges quantitative claims against the committed reproduction; it never trains."""


@dataclass
class AuditRequest:
    report: Path
    out: Path
    papers: list[Path] = field(default_factory=list)
    arxiv: bool = True
    data_dir: Path | None = None
    ledger_path: Path | None = None
    command: str = "synth audit"


class Auditor:
    """Finds the audited report's references, then verifies its claims and fills the audit's sections."""

    def __init__(self, request: AuditRequest, parsed: ParsedReport, settings: Settings, display: StageDisplay) -> None:
        self.request, self.parsed, self.settings, self.display = request, parsed, settings, display
        self.stages = Stages(settings, display, request.data_dir, request.ledger_path, request.arxiv)

    def find_references(self) -> list[Limitation]:
        """Each arXiv reference: from the library when held, else fetched."""
        limitations: list[Limitation] = []
        with self.display.stage("find references", total=len(self.parsed.arxiv_ids), watch=limitations) as advance:
            if self.request.papers:
                limitations += self.stages.ingest([str(p) for p in self.request.papers], None)
            held = {stages.base_id(p.paper_id): p.paper_id for p in self.stages.library.papers()}
            for arxiv_id in self.parsed.arxiv_ids:
                base = stages.base_id(arxiv_id)
                if base in held:
                    self.stages.found.found_by.setdefault(held[base], "reference of the audited report (in library)")
                elif self.request.arxiv:
                    limitations += self.stages.ingest([arxiv_id], "reference of the audited report")
                else:
                    limitations.append(Limitation(
                        what=f"Reference {arxiv_id}", why="not in the library and --no-arxiv given; ingest it or allow arXiv"))
                advance()
        return limitations

    def build(self) -> ReportDocument:
        parsed, library = self.parsed, self.stages.library
        found_limits = self.find_references()
        ranked, hits = stages.rank_papers(library, parsed.question, list(self.stages.found.found_by))
        claims = [Claim(id=claim_id(c.text, None), text=c.text) for c in parsed.claims]
        (reproduction, results_dir), reproduction_limits = self.stages.reproduce(AUDIT_REPRODUCTION, self.request.out)
        (verifications, same_finding), unchecked_limits = self.stages.verify(claims, results_dir, f"audit: {parsed.path}")
        premise_checks, premise_limits = self.stages.check_premises(parsed.question)
        answer, method = answer_of(parsed.question, claims, verifications, hits, self.settings, premise_checks)
        sources = self.stages.sources(ranked)
        limitations = (found_limits + reproduction_limits + premise_limits + truncation_limits(parsed)
                       + unchecked_limits)
        config = self.stages.config(self.request.arxiv, None, AUDIT_REPRODUCTION)
        rows = audit_rows(parsed, verifications, same_finding)
        return ReportDocument(
            kind="audit", sections=names(AUDIT_SECTIONS), title=f"Audit: {parsed.title}", question=parsed.question,
            premises=premise_checks, answer=answer, answer_method=method, sources=sources,
            claims=rows, contradictions=contradictions(rows),
            verdict_rule=verdict_rule(self.settings.verify), reproduction=reproduction,
            limitations=limitations, method=verifier_method(self.settings, self.request.out),
            provenance=build_provenance(self.settings, self.request.command, config, sources, reproduction, library),
            audited=AuditedReport(path=Path(parsed.path).name, title=parsed.title,
                                  claims=len(parsed.claims), references=parsed.arxiv_ids),
        )


def audit_report(request: AuditRequest, settings: Settings, progress: bool = True) -> ReportDocument:
    parsed = parse_report(request.report)
    with StageDisplay(enabled=progress) as display:
        return Auditor(request, parsed, settings, display).build()
