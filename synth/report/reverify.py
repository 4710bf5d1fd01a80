"""``synth reverify``: re-check every ledger claim and report what moved.

The whole run (read latest verdicts, verify, append the new ones) happens under
the ledger's file lock, so a second run waits and then diffs against the
first run's verdicts: nothing is lost and no change is reported twice.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Callable

from pydantic import BaseModel

from synth.records import Claim, Verification
from synth.files import write_text_atomic
from synth.report.ledger import Ledger, LedgerClaim, evidence_hash, ledger_lock, utc_now
from synth.report.render import escape_markdown

DEFAULT_TOLERANCE = 0.05
"""Confidence moves at or below this are noise, not a change."""

Verifier = Callable[[list[Claim]], list[Verification]]


class ClaimChange(BaseModel):
    id: str
    claim: str
    before_verdict: str | None
    after_verdict: str
    before_confidence: float | None
    after_confidence: float
    verdict_changed: bool
    confidence_moved: bool
    evidence_changed: bool
    rationale: str


class ReverifyDiff(BaseModel):
    ledger: str
    checked_at: str
    tolerance: float
    claims_checked: int
    verdict_changes: int
    confidence_moves: int
    changes: list[ClaimChange]

    @property
    def changed(self) -> bool:
        """Any verdict changed: what makes ``synth reverify`` exit 1."""
        return self.verdict_changes > 0


def compare(entry: LedgerClaim, fresh: Verification, fresh_hash: str, tolerance: float) -> ClaimChange:
    before = entry.latest
    delta = abs(fresh.confidence - before.confidence) if before else 0.0
    return ClaimChange(
        id=entry.id,
        claim=entry.text,
        before_verdict=before.verdict if before else None,
        after_verdict=fresh.verdict,
        before_confidence=before.confidence if before else None,
        after_confidence=fresh.confidence,
        verdict_changed=before is not None and before.verdict != fresh.verdict,
        confidence_moved=delta > tolerance,
        evidence_changed=before is not None and before.evidence_hash != fresh_hash,
        rationale=fresh.rationale,
    )


def diff_verdicts(
    entries: list[LedgerClaim], fresh: list[Verification], tolerance: float, ledger: str
) -> ReverifyDiff:
    """Changes between each claim's latest ledger verdict and its new one; only
    claims whose verdict, confidence (beyond ``tolerance``) or evidence moved are listed."""
    fresh_by_id = {item.id: item for item in fresh}
    compared = [
        compare(entry, fresh_by_id[entry.id], evidence_hash(fresh_by_id[entry.id].evidence), tolerance)
        for entry in entries
        if entry.id in fresh_by_id
    ]
    changes = [c for c in compared if c.verdict_changed or c.confidence_moved or c.evidence_changed]
    return ReverifyDiff(
        ledger=ledger,
        checked_at=utc_now(),
        tolerance=tolerance,
        claims_checked=len(compared),
        verdict_changes=sum(c.verdict_changed for c in changes),
        confidence_moves=sum(c.confidence_moved for c in changes),
        changes=changes,
    )


def claim_of(entry: LedgerClaim) -> Claim:
    return Claim(id=entry.id, text=entry.text, paper_id=entry.paper_id, location=entry.location)


def reverify_ledger(ledger_path: Path, verify: Verifier, tolerance: float = DEFAULT_TOLERANCE) -> ReverifyDiff:
    """Re-verify every claim of the ledger, append the verdicts, return the diff."""
    with ledger_lock(ledger_path), closing(Ledger(ledger_path, create=False)) as ledger:
        entries = ledger.claims()
        fresh = verify([claim_of(entry) for entry in entries]) if entries else []
        diff = diff_verdicts(entries, fresh, tolerance, str(ledger_path))
        ledger.record(fresh, source="reverify", recorded_at=diff.checked_at)
    return diff


def diff_markdown(diff: ReverifyDiff) -> str:
    lines = [
        "# Re-verification diff",
        "",
        f"Ledger `{diff.ledger}`, checked {diff.checked_at}: {diff.claims_checked} claims, "
        f"{diff.verdict_changes} verdict changes, {diff.confidence_moves} confidence moves beyond {diff.tolerance:.2f}.",
        "",
    ]
    if not diff.changes:
        return "\n".join(lines + ["Nothing changed.", ""])
    lines += ["| Claim | Verdict before → after | Confidence before → after | Evidence changed |", "|---|---|---|---|"]
    for change in diff.changes:
        before = f"{change.before_confidence:.2f}" if change.before_confidence is not None else "–"
        lines.append(
            f"| {escape_markdown(change.claim)} | {change.before_verdict or '–'} → **{change.after_verdict}** | "
            f"{before} → {change.after_confidence:.2f} | {'yes' if change.evidence_changed else 'no'} |"
        )
    return "\n".join(lines + [""])


def write_diff(diff: ReverifyDiff, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / "reverify-diff.json", out / "reverify-diff.md"
    write_text_atomic(json_path, diff.model_dump_json(indent=2) + "\n")
    write_text_atomic(md_path, diff_markdown(diff))
    return [json_path, md_path]
