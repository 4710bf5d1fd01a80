"""One verdict per finding, and the contradictions a report found.

Two claims of one report state the same finding when they are near paraphrases (embedding
cosine at least ``checks.same_finding_cosine``), or when they are alike (cosine at least
``checks.related_cosine``) and the study reads the same comparison in both
(synth.studies.hybrid_batch.reproduction.finding_of: "hybrid batches give the best
multilingual mAP" in the abstract and, with numbers, in the results). Embedding cosine alone
does not tell these apart: two different results of one paper are often closer than one
result stated twice. Such claims get one verdict, the rule of synth.verify.checks applied to
the checks of all of them; each keeps its own checks and says which rows it shares it with.
"""

from __future__ import annotations

import numpy as np

from synth.records import Check, CheckChannel, Evidence, Verification
from synth.report.document import ClaimRow, Contradiction
from synth.studies.hybrid_batch.reproduction import finding_of
from synth.verify.checks import combine
from synth.verify.policy import ChecksPolicy


def same_finding(similar: np.ndarray, texts: list[str], policy: ChecksPolicy) -> np.ndarray:
    """Pairs (upper triangle) that state the same finding, by the rule in the module docstring."""
    readings = [finding_of(text) for text in texts]
    same = similar >= policy.same_finding_cosine
    for first, second in zip(*np.nonzero(np.triu(similar >= policy.related_cosine, k=1))):
        reading = readings[first]
        same[first, second] |= reading is not None and reading == readings[second]
    return np.triu(same, k=1)


def finding_groups(same: np.ndarray) -> list[list[int]]:
    """Indices grouped by single linkage over a same-finding matrix."""
    group_of = list(range(len(same)))

    def root(index: int) -> int:
        while group_of[index] != index:
            index = group_of[index]
        return index

    for first, second in zip(*np.nonzero(same)):
        group_of[root(int(second))] = root(int(first))
    groups: dict[int, list[int]] = {}
    for index in range(len(same)):
        groups.setdefault(root(index), []).append(index)
    return list(groups.values())


def _merged(item: Verification, members: list[Verification], others: list[int], policy: ChecksPolicy) -> Verification:
    checks: list[Check] = [check for member in members for check in member.checks]
    combined = combine(checks, policy)
    rows = ", ".join(str(row + 1) for row in others)
    return item.model_copy(update={
        "verdict": combined.verdict, "confidence": round(combined.confidence, 4), "decided_by": combined.decided_by,
        "rationale": f"one verdict with row(s) {rows}, which state the same finding ({combined.rationale}); "
                     f"this claim's own checks: {item.rationale}",
    })


def merge_same_findings(verifications: list[Verification], vectors: np.ndarray,
                        policy: ChecksPolicy) -> tuple[list[Verification], dict[int, list[int]]]:
    """(verifications with one verdict per finding, row -> the other rows of its finding)."""
    merged, same_as = list(verifications), {}
    if not verifications:
        return merged, same_as
    same = same_finding(vectors @ vectors.T, [item.claim for item in verifications], policy)
    for group in finding_groups(same):
        if len(group) < 2:
            continue
        members = [verifications[index] for index in group]
        for index in group:
            others = [other for other in group if other != index]
            merged[index] = _merged(verifications[index], members, others, policy)
            same_as[index] = others
    return merged, same_as


MEASURED: tuple[CheckChannel, ...] = ("dataset", "reproduction")
"""Channels whose contradictions are listed even when a rule kept them from deciding (a run too small)."""


def _reported(check: Check) -> bool:
    """A contradiction worth listing: it decided, or it is a measurement only the strength rule kept from deciding."""
    return check.outcome == "contradicts" and (check.decides or check.channel in MEASURED)


def _contradicting_quotes(check: Check) -> list[Evidence]:
    return [e for e in check.evidence if "contradicted" in e.quote][:1] or check.evidence[:1]


def contradictions(rows: list[ClaimRow]) -> list[Contradiction]:
    """Every listed contradiction of the report's claims, in row order."""
    found = []
    for number, row in enumerate(rows, start=1):
        for check in row.checks:
            if _reported(check):
                against = check.contradicting or sorted({e.paper_id for e in check.evidence})
                found.append(Contradiction(row=number, claim=row.claim, claimed_by=row.claimed_by,
                                           channel=check.channel, contradicting=against,
                                           evidence=_contradicting_quotes(check), decides=check.decides))
    return found
