"""Claims section: one row per claim with our verdict (and, in an audit, the original's)."""

from __future__ import annotations

from synth.records import Claim, Verification
from synth.report.document import ClaimRow, OriginalVerdict
from synth.report.parse import ParsedReport, ReportedClaim


def _row(item: Verification, same_as: list[int], **extra) -> ClaimRow:
    return ClaimRow(id=item.id, claim=item.claim, verdict=item.verdict, confidence=item.confidence,
                    method=item.method, evidence=item.evidence, rationale=item.rationale, checks=item.checks,
                    decided_by=item.decided_by, claimed_by=item.claimed_by,
                    same_finding_as=[row + 1 for row in same_as], **extra)


def claim_rows(verifications: list[Verification], claims: list[Claim],
               same_finding: dict[int, list[int]] | None = None) -> list[ClaimRow]:
    paper_of = {claim.id: claim.paper_id for claim in claims}
    same_finding = same_finding or {}
    return [_row(item, same_finding.get(index, []), paper_id=paper_of.get(item.id))
            for index, item in enumerate(verifications)]


def disagrees(original: ReportedClaim, verdict: str) -> bool:
    """The audited report marked it verified and we do not support it, or the other way round."""
    return verdict != "supported" if original.verified else verdict == "supported"


def audit_rows(parsed: ParsedReport, verifications: list[Verification],
               same_finding: dict[int, list[int]] | None = None) -> list[ClaimRow]:
    """One row per audited claim, in the audited report's order (``verifications`` follow it)."""
    same_finding = same_finding or {}
    return [
        _row(ours.model_copy(update={"claim": original.text}), same_finding.get(index, []),
             original=OriginalVerdict(verified=original.verified, confidence=original.confidence, mark=original.mark),
             disagreement=disagrees(original, ours.verdict))
        for index, (original, ours) in enumerate(zip(parsed.claims, verifications))
    ]
