"""What the sources study instead of a question's unsupported premises, said in one sentence.

A question that presupposes BEIR over papers evaluated on XQuAD-R is answered
for XQuAD-R; the report says so first ("the sources evaluate on XQuAD-R and
MLQA-R, not BEIR"), with citations to the papers that study the question's
subject (synth.report.sections.answer).
"""

from __future__ import annotations

from synth.records import Evidence, PremiseCheck

MAX_CLAUSES = 3
MAX_CITED = 2
_VERBS = {"benchmark": "evaluate on", "dataset": "evaluate on", "other": "evaluate on", "domain": "evaluate on",
          "model": "use", "metric": "report", "language": "cover", "method": "study",
          "comparison": "compare against"}
"""What the sources do with the alternatives of a premise of each kind (its kind's family, check._FAMILY)."""
_RESCOPED_FINDINGS = frozenset({"contradicted", "studied_elsewhere", "mentioned_only", "not_studied", "not_found"})
"""Category errors are left to the premise section: the question misnames a thing, it does not move away."""


def _listed(names: list[str], last: str) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {last} {names[-1]}"


def rescoping(checks: list[PremiseCheck]) -> str | None:
    """'The sources do not study everything the question assumes: they evaluate on XQuAD-R and MLQA-R,
    not BEIR or MIRACL; they use XLM-R, not mT5.'; None when every premise holds or nothing stands instead."""
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for check in checks:
        if check.status == "not_supported" and check.finding in _RESCOPED_FINDINGS and check.sources_use_instead:
            key = (_VERBS[check.kind], tuple(check.sources_use_instead))
            groups.setdefault(key, []).append(check.name or check.mention)
    if not groups:
        return None
    clauses = [f"they {verb} {_listed(list(instead), 'and')}, not {_listed(names, 'or')}"
               for (verb, instead), names in list(groups.items())[:MAX_CLAUSES]]
    return "The sources do not study everything the question assumes: " + "; ".join(clauses) + "."


def rescoping_evidence(checks: list[PremiseCheck]) -> list[Evidence]:
    """Where the alternatives are studied: the subject papers' sentences that decided the checks
    (a 'we did not evaluate X' first, then what is studied), one per page."""
    ordered = [c for c in checks if c.finding == "contradicted"] + [c for c in checks if c.status == "supported"]
    cited: dict[tuple[str, int], Evidence] = {}
    for check in ordered:
        for evidence in check.evidence:
            cited.setdefault((evidence.paper_id, evidence.page or 0), evidence)
    return list(cited.values())[:MAX_CITED]
