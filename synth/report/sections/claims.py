"""Claims section: one row per claim with our verdict (and, in an audit, the original's)."""

from __future__ import annotations

from synth.records import Claim, Verification
from synth.report.document import ClaimRow, OriginalVerdict
from synth.report.parse import ParsedReport, ReportedClaim


def claim_rows(verifications: list[Verification], claims: list[Claim]) -> list[ClaimRow]:
    paper_of = {claim.id: claim.paper_id for claim in claims}
    return [
        ClaimRow(id=item.id, claim=item.claim, paper_id=paper_of.get(item.id), verdict=item.verdict,
                 confidence=item.confidence, method=item.method, evidence=item.evidence, rationale=item.rationale)
        for item in verifications
    ]


def disagrees(original: ReportedClaim, verdict: str) -> bool:
    """The audited report marked it verified and we do not support it, or the other way round."""
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
