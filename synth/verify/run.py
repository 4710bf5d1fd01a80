"""Check each claim with every kind of verifier that accepts it, and combine the checks into its verdict.

The verifiers and their order come from ``settings.verify.verifiers``
(synth.verify.registry); by default:

- dataset facts (counts / languages of XQuAD-R, MLQA-R) -> computed from the data;
- directional claims about hybrid batch training -> reproduction result files;
- every claim -> the text of the ingested papers (the trained ``nli`` verifier).

The first accepting verifier of each kind checks the claim; the checks and the rule
combining them are synth.verify.checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from pathlib import Path

from synth.index.library import Library
from synth.records import Check, CheckChannel, Claim, ClaimKind, Evidence, Verification, VerifyMethod
from synth.settings import Settings
from synth.verify.checks import (MEASURED_FIRST, METHOD_OF_CHANNEL, Combined, check_of, claim_parts, combine, text_checks,
                                 text_inputs)
from synth.verify.inputs import ClaimInput
from synth.verify.judgement import Judgement
from synth.verify.protocol import Verifier, VerifyContext
from synth.verify.registry import verifiers as registered

READ_AHEAD_CLAIMS = 32
"""Claims whose text checks a verifier prepares together (``read_ahead``): one embedding call for
their candidate sentences, while the first verdict of a long run still comes within seconds."""
CHANNEL_OF_METHOD: dict[VerifyMethod, CheckChannel] = {"text": "source_text", "dataset": "dataset",
                                                       "reproduction": "reproduction"}


def route(claim: ClaimInput, verifiers: list[Verifier]) -> Verifier | None:
    """The first verifier that accepts the claim (None when none does)."""
    return next((verifier for verifier in verifiers if verifier.accepts(claim)), None)


def routes(claim: ClaimInput, verifiers: list[Verifier]) -> list[Verifier]:
    """The first accepting verifier of each kind: every kind of check the claim can get."""
    chosen: dict[str, Verifier] = {}
    for verifier in verifiers:
        if verifier.kind not in chosen and verifier.accepts(claim):
            chosen[verifier.kind] = verifier
    return list(chosen.values())


def claim_kind(text: str, settings: Settings) -> ClaimKind:
    """The kind of claim the verifier that would take this text checks ('textual' when none would)."""
    verifier = route(ClaimInput.of(text), registered(settings.verify))
    return verifier.kind if verifier else "textual"


def judge(claim: ClaimInput, verifiers: list[Verifier], context: VerifyContext) -> Judgement:
    """The first accepting verifier's own judgement, without the other checks: what the labeled
    benchmarks (synth.verify.evaluate) measure and the strength calibration is fitted on."""
    verifier = route(claim, verifiers)
    if verifier is None:
        return Judgement.unverifiable("text", context.policy.strengths.no_source,
                                      f"no verifier in settings.verify.verifiers ({', '.join(context.policy.verifiers)}) "
                                      f"takes this claim")
    return verifier.verify(claim, context)


def checks_for(claim: ClaimInput, verifiers: list[Verifier], context: VerifyContext) -> list[Check]:
    """Every check the claim gets from the verifiers that accept it."""
    found: list[Check] = []
    for verifier in routes(claim, verifiers):
        if verifier.kind == "textual":
            found += text_checks(claim, verifier, context)
            continue
        judgement = verifier.verify(claim, context)
        found += judgement.checks or [check_of(CHANNEL_OF_METHOD[judgement.method], judgement)]
    return found


def _part_checks(claim: ClaimInput, verifiers: list[Verifier], context: VerifyContext,
                 parts: list[str]) -> tuple[list[Check], Combined | None]:
    """The parts' checks (notes say which part), and the first refuted part's verdict, if any."""
    checks, refuted = [], None
    for number, part in enumerate(parts, start=1):
        part_checks = checks_for(claim.part(part), verifiers, context)
        checks += [check.model_copy(update={"note": f"part {number} ({part}): {check.note}"}) for check in part_checks]
        verdict = combine(part_checks, context.policy.checks)
        if verdict.verdict == "refuted" and refuted is None:
            refuted = Combined("refuted", verdict.decided_by, verdict.confidence, f"part {number} refuted, {verdict.rationale}")
    return checks, refuted


def _combined(claim: ClaimInput, verifiers: list[Verifier], context: VerifyContext) -> tuple[list[Check], Combined]:
    checks = checks_for(claim, verifiers, context)
    combined = combine(checks, context.policy.checks)
    parts = claim_parts(claim.text, context.policy.checks)
    if len(parts) == 1 or combined.verdict == "refuted" or set(combined.decided_by) & set(MEASURED_FIRST):
        return checks, combined
    part_checks, refuted = _part_checks(claim, verifiers, context, parts)
    return checks + part_checks, refuted or combined


def _spoken(checks: list[Check]) -> list[Check]:
    """The checks that found something (agreeing or contradicting, counted or not)."""
    return [c for c in checks if c.outcome in ("agrees", "contradicts")]


def _self_agreement(check: Check) -> bool:
    """A claim's own paper agreeing with it elsewhere: said in the rationale, never shown as evidence."""
    return check.channel == "internal_consistency" and check.outcome == "agrees"


def _rationale(combined: Combined, checks: list[Check]) -> str:
    """The verdict's reason, then what each check that found something found; silent checks are counted."""
    shown = [c for c in _spoken(checks) if c.decides] if combined.decided_by else _spoken(checks)
    if not shown:
        shown = [c for c in checks if not (c.channel == "source_text" and c.outcome == "not_applicable")] or checks
    silent = [c for c in checks if c.outcome == "silent" and c not in shown]
    notes = [f"{c.channel.replace('_', ' ')} {c.outcome}{'' if c.decides else ' (not counted)'}: {c.note}" for c in shown]
    if silent:
        channels = ", ".join(dict.fromkeys(c.channel.replace("_", " ") for c in silent))
        notes.append(f"{len(silent)} check(s) found nothing either way ({channels})")
    return "; ".join([combined.rationale, *notes])


def _method(combined: Combined, checks: list[Check]) -> VerifyMethod:
    if combined.decided_by:
        return METHOD_OF_CHANNEL[combined.decided_by[0]]
    made = [c for c in checks if c.outcome != "not_applicable"] or checks
    return METHOD_OF_CHANNEL[made[0].channel] if made else "text"


def _evidence(combined: Combined, checks: list[Check]) -> list[Evidence]:
    """Quotes of the deciding checks; of an undecided verdict, of the checks that found something."""
    used = [c for c in checks if c.channel in combined.decided_by and c.decides] if combined.decided_by \
        else [c for c in _spoken(checks) if not _self_agreement(c)] or [c for c in checks if c.channel == "source_text"]
    return list({(e.paper_id, e.page, e.quote): e for c in used for e in c.evidence}.values())


def verify_one(claim: ClaimInput, verifiers: list[Verifier], context: VerifyContext) -> Verification:
    """All checks of one claim (part by part when it has several) and the verdict they give."""
    if routes(claim, verifiers):
        checks, combined = _combined(claim, verifiers, context)
    else:
        checks = [Check(channel="source_text", outcome="not_applicable", decides=False,
                        note=f"no verifier in settings.verify.verifiers ({', '.join(context.policy.verifiers)}) "
                             f"takes this claim; add 'nli' to check it against the papers")]
        combined = combine(checks, context.policy.checks)
    return Verification(id=claim.id, claim=claim.text, verdict=combined.verdict, confidence=round(combined.confidence, 4),
                        method=_method(combined, checks), evidence=_evidence(combined, checks),
                        rationale=_rationale(combined, checks), checks=checks, decided_by=combined.decided_by,
                        claimed_by=claim.claimed_by)


def data_folders(settings: Settings, data_dir: Path | None, results_dir: Path | None,
                 use_results: bool) -> tuple[Path, Path | None]:
    """The dataset folder and reproduction-results folder a run reads (``settings``' when not given;
    no results folder at all with ``use_results`` False)."""
    results = (results_dir if results_dir is not None else settings.results_dir) if use_results else None
    return (data_dir if data_dir is not None else settings.lareqa_dir), results


def verify_claims(
    claims_in: Iterable[ClaimInput | Claim | dict],
    library: Library | None,
    settings: Settings,
    data_dir: Path | None = None,
    results_dir: Path | None = None,
    on_done=None,
    use_results: bool = True,
) -> list[Verification]:
    """Verify claims (ClaimInput, Claim records or {"text", "paper_id"?, "id"?} dicts).

    ``data_dir`` / ``results_dir`` default to settings.lareqa_dir / settings.results_dir;
    ``use_results`` False (``--reproduce none``): no reproduction result is read at all;
    ``library`` defaults to Library(settings) when a text claim needs it;
    ``on_done`` is called after each claim (progress bars).
    """
    data, results = data_folders(settings, data_dir, results_dir, use_results)
    context = VerifyContext(settings, data, results, library, use_results=use_results)
    verifiers, verifications, items = registered(settings.verify), [], iter(claims_in)
    while window := [ClaimInput.from_any(item) for item in islice(items, READ_AHEAD_CLAIMS)]:
        read_ahead(window, verifiers, context)
        for claim in window:
            verifications.append(verify_one(claim, verifiers, context))
            if on_done:
                on_done()
    return verifications


def read_ahead(claims: list[ClaimInput], verifiers: list[Verifier], context: VerifyContext) -> None:
    """Hand each textual verifier that can ``prepare`` what the text checks of ``claims`` will ask it."""
    for verifier in verifiers:
        prepare = getattr(verifier, "prepare", None)
        if verifier.kind == "textual" and prepare is not None:
            prepare([asked for claim in claims if verifier in routes(claim, verifiers)
                     for asked in text_inputs(claim, context)], context)
