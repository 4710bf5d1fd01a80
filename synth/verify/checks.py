"""Independent checks of one claim, and the rule that combines them into its verdict.

A claim is checked through channels (``synth.records.CheckChannel``):

- ``source_text``: the text of the paper the claim is attributed to (a ``verify`` input
  naming ``paper_id``), or of every ingested paper when it names none (an audited report's
  claim). A claim *extracted* from paper P gets this channel as provenance only
  ("claimed by P, p. N", outcome ``not_applicable``): its own sentence never supports it.
- ``other_sources``: for an extracted claim, the ``checks.other_papers`` other papers that
  search ranks best for it, one check each. A passage that only reports cited work
  ("X et al. (2025) report ..."), or that does not name the claim's datasets, benchmarks,
  models and distinctive names (scope; a claim naming none has no scope another paper can
  share), informs but does not decide; nor does one the
  cross-encoder reads the other way (entailment below contradiction for an agreement).
- ``internal_consistency``: for an extracted claim that states numbers, P's own text away
  from the claimed sentence. A contradiction with a same-unit number stated instead of a
  claimed one (the abstract says 0.58, the table 0.52) is a finding and decides; agreement is
  P agreeing with itself and does not.
- ``dataset`` and ``reproduction``: the data-fact and reproduction verifiers, whose own
  rules say when they decide (synth.studies.hybrid_batch).

The rule (``combine``): checks that decide and agree, with none contradicting, make the
claim supported; deciding contradictions with no agreement make it refuted; deciding checks
that disagree, or no deciding check at all, leave it ``insufficient_evidence``. A text check
(another paper's, P's own elsewhere) decides only when its P(right) is above
``checks.min_cross_confidence`` (0.5: more likely right than wrong; a coin flip is not
evidence); the check on the claim's own source text, when it is above
``checks.min_source_confidence`` (1/3: the combiner chooses among three verdicts, "not enough
evidence" among them, so its likeliest verdict is not overruled by a less likely one; on the
real-paper dev claims the 0.5 bar there turned 77 of 101 verdicts into "not enough evidence" and
cost 0.12 macro-F1). A multi-part claim ("X; Y", "X, and Y") is also checked part by part, and a
part that is refuted refutes the claim: its parts can be read out of context
("it reaches 0.449"), so a part that is merely undecided does not undo the whole claim's verdict.
An undecided verdict's confidence is never above one minus the P(right) of the surest check that
leans to a verdict: a source-text agreement at 0.45 that did not decide leaves "not enough
evidence" at most 0.55, where the rules' old calibration (fitted on 38 claims, all right) said 0.975.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from synth.ingest.citations import is_about_cited_work
from synth.records import Check, CheckChannel, CheckOutcome, Verdict, VerifyMethod
from synth.text.mentions import find_mentions, number_mentions
from synth.verify.calibration import confidence
from synth.verify.candidates import excluding
from synth.verify.inputs import ClaimInput
from synth.verify.judgement import INSUFFICIENT, Judgement
from synth.verify.policy import ChecksPolicy, VerifyPolicy
from synth.verify.protocol import Verifier, VerifyContext

OUTCOME_OF_VERDICT: dict[Verdict, CheckOutcome] = {
    "supported": "agrees", "refuted": "contradicts", INSUFFICIENT: "silent",
}
METHOD_OF_CHANNEL: dict[CheckChannel, VerifyMethod] = {
    "source_text": "text", "other_sources": "text", "internal_consistency": "text",
    "dataset": "dataset", "reproduction": "reproduction",
}
_PART_BREAK = re.compile(r";\s+|,\s+(?:and|while|whereas|but)\s+")
"""Where a claim splits into parts that can each be refuted on their own."""


def check_of(channel: CheckChannel, judgement: Judgement, note: str | None = None) -> Check:
    """A verifier's judgement as one (deciding) check of ``channel``."""
    outcome = OUTCOME_OF_VERDICT[judgement.verdict]
    papers = sorted({e.paper_id for e in judgement.evidence})
    return Check(channel=channel, outcome=outcome, evidence=judgement.evidence,
                 note=note or judgement.rationale, confidence=confidence(judgement),
                 agreeing=papers if outcome == "agrees" else [],
                 contradicting=papers if outcome == "contradicts" else [])


def provenance_check(claim: ClaimInput) -> Check:
    return Check(channel="source_text", outcome="not_applicable", decides=False,
                 note=f"claimed by {claim.claimed_by}: the claim's own sentence is its provenance, not its support")


SCOPE_KINDS = ("dataset", "benchmark", "model")
"""What a claim is about, in the sense of the scope rule: another paper's passage that does not name
the claim's datasets, benchmarks and models is about something else and cannot decide it."""


_DISTINCTIVE = re.compile(r"\b(?:[A-Za-z]*[a-z][A-Z]\w*|[A-Z]{2,}[\w+-]*)")
"""Names no vocabulary lists but their spelling gives away (StarSpace, fastText, TFIDF, VSE++, BM25)."""


def _names(text: str) -> set[str]:
    known = {m.name for m in find_mentions(text) if m.kind in SCOPE_KINDS}
    return known | {name.lower() for name in _DISTINCTIVE.findall(text)}


def _in_scope(claim: ClaimInput, judgement: Judgement) -> bool:
    """Whether the claim names a dataset, benchmark, model or distinctive name and the evidence names
    every one of them. A claim that names none ("we observe the same result here") has nothing that ties
    another paper's passage to it: "Table 1 shows the results." of an unrelated paper refuted that one
    at 0.66 (reports/real, 7 Dec)."""
    named = _names(claim.whole or claim.text)
    stated = set().union(*(_names(e.quote) for e in judgement.evidence)) if judgement.evidence else set()
    return bool(named) and named <= stated


def _reading_agrees(check: Check, judgement: Judgement) -> bool:
    """On text other than the claim's source, the cross-encoder must lean the same way as the verdict
    (entailment above contradiction to agree, below to contradict); a verifier without one passes."""
    entail, contradict = judgement.features.get("ent_max"), judgement.features.get("con_max")
    if entail is None or contradict is None or check.outcome not in ("agrees", "contradicts"):
        return True
    return entail > contradict if check.outcome == "agrees" else contradict > entail


def _reports_cited_work(judgement: Judgement) -> bool:
    return bool(judgement.evidence) and all(is_about_cited_work(e.quote) for e in judgement.evidence)


def _other_papers(claim: ClaimInput, context: VerifyContext, policy: ChecksPolicy) -> list[str]:
    others = [summary.paper_id for summary in context.library.papers() if summary.paper_id != claim.paper_id]
    if not others or not policy.other_papers:
        return []
    hits = context.library.search(claim.text, k=policy.other_search_depth, paper_ids=others)
    return list(dict.fromkeys(hit.paper_id for hit in hits))[: policy.other_papers]


def _cross_context(context: VerifyContext) -> VerifyContext:
    """The context other-text checks run in: reading ``checks.other_depth`` candidates, not ``nli.depth``."""
    def fewer_candidates(policy: VerifyPolicy) -> None:
        policy.nli.depth = policy.checks.other_depth

    return context.derived("cross", fewer_candidates)


def other_source_checks(claim: ClaimInput, verifier: Verifier, context: VerifyContext) -> list[Check]:
    """One check per other paper that search ranks best for the claim."""
    papers = _other_papers(claim, context, context.policy.checks)
    context = _cross_context(context)
    if not papers:
        return [Check(channel="other_sources", outcome="not_applicable", decides=False,
                      note=f"no ingested paper besides {claim.paper_id} to check it against")]
    checks = []
    for paper_id in papers:
        judgement = verifier.verify(claim.attributed_to(paper_id), context)
        checks.append(_other_source_check(claim, paper_id, judgement, context.policy.checks))
    return checks


def _other_source_check(claim: ClaimInput, paper_id: str, judgement: Judgement, policy: ChecksPolicy) -> Check:
    """Another paper's judgement as a check: it decides unless it only reports cited work, is about other
    datasets or models than the claim, or is less likely right than ``min_cross_confidence``."""
    found = judgement.verdict != INSUFFICIENT
    cited = found and _reports_cited_work(judgement)
    elsewhere = found and not cited and not _in_scope(claim, judgement)
    reason = ("only reports it as cited work, which is not an independent measurement; " if cited else
              "names none or not all of the claim's datasets, models and names (or the claim names none), "
              "so it may be about something else; "
              if elsewhere else "")
    check = check_of("other_sources", judgement, note=f"{paper_id}: {reason}{judgement.rationale}")
    sure = may_decide(check, policy) and _reading_agrees(check, judgement)
    return check.model_copy(update={"decides": not cited and not elsewhere and sure})


def _checked_internally(claim: ClaimInput) -> bool:
    return bool(number_mentions(claim.text))


def internal_check(claim: ClaimInput, verifier: Verifier, context: VerifyContext) -> list[Check]:
    """The claim's numbers against the rest of its own paper (claims without numbers: none)."""
    if not _checked_internally(claim):
        return []
    with excluding(claim.paper_id, claim.claimed_at):
        judgement = verifier.verify(claim.attributed_to(claim.paper_id), _cross_context(context))
    contradicts = judgement.verdict == "refuted" and judgement.features.get("number_conflict", 0.0) > 0
    note = (f"{claim.paper_id} elsewhere states otherwise: " if contradicts
            else f"{claim.paper_id} away from the claimed sentence (agreement with itself does not decide): ")
    check = check_of("internal_consistency", judgement, note=note + judgement.rationale)
    sure = may_decide(check, context.policy.checks) and _reading_agrees(check, judgement)
    return [check.model_copy(update={"decides": contradicts and sure})]


def may_decide(check: Check, policy: ChecksPolicy) -> bool:
    """Whether a text check is likely enough right to decide (a silent one always may: it decides
    nothing but the confidence of an undecided verdict). Another paper's check must be more likely
    right than wrong; the source's own check, above chance among the combiner's three verdicts."""
    bar = policy.min_source_confidence if check.channel == "source_text" else policy.min_cross_confidence
    return check.outcome == "silent" or (check.confidence or 0.0) > bar


def text_inputs(claim: ClaimInput, context: VerifyContext) -> list[ClaimInput]:
    """What ``text_checks`` asks a textual verifier about for this claim (its ``prepare`` reads them ahead)."""
    if claim.claimed_at is None:
        return [claim]
    own = [claim.attributed_to(claim.paper_id)] if _checked_internally(claim) else []
    return [claim.attributed_to(paper_id) for paper_id in _other_papers(claim, context, context.policy.checks)] + own


def text_checks(claim: ClaimInput, verifier: Verifier, context: VerifyContext) -> list[Check]:
    """The text channels for one claim (see the module docstring)."""
    if claim.claimed_at is None:
        check = check_of("source_text", verifier.verify(claim, context))
        return [check.model_copy(update={"decides": may_decide(check, context.policy.checks)})]
    return [provenance_check(claim), *other_source_checks(claim, verifier, context),
            *internal_check(claim, verifier, context)]


def verdict_rule(policy: VerifyPolicy) -> str:
    """The rule above in a reader's words, with the values this run used (a report's method note)."""
    return (
        "Each claim gets independent checks. A claim attributed to a paper is checked against that paper's text; one "
        "attributed to none, against every source. A claim extracted from paper P keeps P's sentence as its "
        "provenance (\"claimed by P, p. N\"), never as its support: it is checked against the other papers, against "
        "P's own text elsewhere (a number that differs is a finding; P agreeing with itself is not counted), against "
        "the dataset files, and against the reproduction run, which decides only with at least "
        f"{policy.reproduction.min_seeds} seeds and {policy.reproduction.min_train_steps} training steps, and only for "
        "the models, datasets and languages it measured. A check on another paper's text, or on P's own text "
        f"elsewhere, decides only when its P(right) is above {policy.checks.min_cross_confidence:.2f}; the check "
        f"on a claim's own source text, above {policy.checks.min_source_confidence:.2f} (chance among three "
        "verdicts); a passage that only reports cited work does not decide, and a paper that never writes a name "
        "the claim uses (a dataset it never evaluates) cannot refute it unless a number conflicts. Deciding checks "
        "that agree, with none "
        "contradicting: supported; that contradict, with none agreeing: refuted; checks that disagree, or none "
        "that decides: insufficient evidence. Claims that state the same finding get one verdict, and a claim "
        "with several parts is refuted when one part is."
    )


def claim_parts(text: str, policy: ChecksPolicy) -> list[str]:
    """A multi-part claim ('X; Y', 'X, and Y') as its parts; otherwise the claim itself."""
    parts = [part.strip(" .") for part in _PART_BREAK.split(text)]
    if len(parts) < 2 or any(len(part.split()) < policy.min_part_words for part in parts):
        return [text]
    return parts


@dataclass
class Combined:
    """A verdict from checks: which channels decided it, how sure, and why."""

    verdict: Verdict
    decided_by: list[CheckChannel]
    confidence: float
    rationale: str


def _deciding(checks: list[Check], outcome: CheckOutcome) -> list[Check]:
    return [check for check in checks if check.decides and check.outcome == outcome]


def _most_confident(checks: list[Check]) -> float | None:
    known = [check.confidence for check in checks if check.confidence is not None]
    return max(known) if known else None


MEASURED_FIRST: tuple[CheckChannel, ...] = ("dataset",)
"""Channels whose deciding checks outrank the others: a count computed from the data files is not
overruled by a sentence that may describe another version of the dataset."""


def _undecided_confidence(checks: list[Check], strength: float) -> float:
    """P(insufficient evidence is right): the surest measured silent check's, and never more than one
    minus the P(right) of the surest check leaning to a verdict (an agreement at 0.45 that did not
    decide leaves at most 0.55 for "not enough evidence"; checks that disagree at 0.9 leave 0.1)."""
    silent = _most_confident(_deciding(checks, "silent"))
    leaning = _most_confident([check for check in checks if check.outcome in ("agrees", "contradicts")])
    measured = silent if silent is not None else confidence(Judgement.unverifiable("text", strength, ""))
    return min(measured, 1.0 - leaning) if leaning is not None else measured


def combine(checks: list[Check], policy: ChecksPolicy) -> Combined:
    """The documented rule (module docstring) over every check of a claim."""
    measured = [c for c in checks if c.channel in MEASURED_FIRST and c.decides and c.outcome in ("agrees", "contradicts")]
    agree, contradict = _deciding(measured or checks, "agrees"), _deciding(measured or checks, "contradicts")
    if agree and contradict:
        return Combined(INSUFFICIENT, [], _undecided_confidence(checks, policy.conflicting),
                        f"the checks disagree: {_channels(agree)} agree, {_channels(contradict)} contradict")
    for verdict, deciding in (("supported", agree), ("refuted", contradict)):
        if deciding:
            return Combined(verdict, list(dict.fromkeys(c.channel for c in deciding)),
                            max(c.confidence or 0.0 for c in deciding), f"decided by {_channels(deciding)}")
    return Combined(INSUFFICIENT, [], _undecided_confidence(checks, policy.no_independent_check),
                    "no independent check decides it")


def _channels(checks: list[Check]) -> str:
    return ", ".join(dict.fromkeys(check.channel.replace("_", " ") for check in checks))
