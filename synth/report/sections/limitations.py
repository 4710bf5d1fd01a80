"""Limitations section: what could not be found or checked, and why."""

from __future__ import annotations

from textwrap import shorten

from synth.records import Verification
from synth.report.document import Limitation
from synth.report.parse import ParsedReport
from synth.verify.judgement import INSUFFICIENT

CLAIM_CHARS = 100
RATIONALE_CHARS = 300


def unchecked(verifications: list[Verification]) -> list[Limitation]:
    """What could not be checked, and why (the verifier's own rationale)."""
    return [
        Limitation(what=f"Claim not checkable: {shorten(item.claim, CLAIM_CHARS, placeholder=' …')}",
                   why=shorten(item.rationale, RATIONALE_CHARS, placeholder=" … (full rationale in the claims table)"))
        for item in verifications if item.verdict == INSUFFICIENT
    ]


def truncation_limits(parsed: ParsedReport) -> list[Limitation]:
    """Audits: claims cut off mid-sentence in the audited report."""
    cut = [index for index, claim in enumerate(parsed.claims, start=1) if claim.truncated]
    if not cut:
        return []
    return [Limitation(what=f"Claims {', '.join(map(str, cut))} are cut off in the audited report",
                       why="they end mid-sentence there; each was verified as printed, so a missing qualifier may change its verdict")]
