"""Route each claim to the first verifier that accepts it, and calibrate the verdict.

The verifiers and their order come from ``settings.verify.verifiers``
(synth.verify.registry); by default:

- dataset facts (counts / languages of XQuAD-R, MLQA-R) -> computed from the data;
- directional claims about hybrid batch training -> reproduction result files;
- everything else -> the text of the ingested papers.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from synth.index.library import Library
from synth.records import Claim, ClaimKind, Verification
from synth.settings import Settings
from synth.verify.calibration import confidence
from synth.verify.inputs import ClaimInput
from synth.verify.judgement import Judgement
from synth.verify.protocol import Verifier, VerifyContext
from synth.verify.registry import verifiers as registered


def route(claim: ClaimInput, verifiers: list[Verifier]) -> Verifier | None:
    """The first verifier that accepts the claim (None when none does)."""
    return next((verifier for verifier in verifiers if verifier.accepts(claim)), None)


def claim_kind(text: str, settings: Settings) -> ClaimKind:
    """The kind of claim the verifier that would take this text checks ('textual' when none would)."""
    verifier = route(ClaimInput.of(text), registered(settings.verify))
    return verifier.kind if verifier else "textual"


def judge(claim: ClaimInput, verifiers: list[Verifier], context: VerifyContext) -> Judgement:
    verifier = route(claim, verifiers)
    if verifier is None:
        return Judgement.unverifiable("text", context.policy.strengths.no_source,
                                      f"no verifier in settings.verify.verifiers ({', '.join(context.policy.verifiers)}) "
                                      f"takes this claim; add 'text' to check it against the papers")
    return verifier.verify(claim, context)


def to_verification(claim: ClaimInput, judgement: Judgement) -> Verification:
    return Verification(id=claim.id, claim=claim.text, verdict=judgement.verdict, confidence=confidence(judgement),
                        method=judgement.method, evidence=judgement.evidence, rationale=judgement.rationale)


def verify_claims(
    claims_in: Iterable[ClaimInput | Claim | dict],
    library: Library | None,
    settings: Settings,
    data_dir: Path | None = None,
    results_dir: Path | None = None,
    on_done=None,
) -> list[Verification]:
    """Verify claims (ClaimInput, Claim records or {"text", "paper_id"?, "id"?} dicts).

    ``data_dir`` / ``results_dir`` default to settings.lareqa_dir / settings.results_dir;
    ``library`` defaults to Library(settings) when a text claim needs it;
    ``on_done`` is called after each claim (progress bars).
    """
    context = VerifyContext(settings, data_dir if data_dir is not None else settings.lareqa_dir,
                            results_dir if results_dir is not None else settings.results_dir, library)
    verifiers, verifications = registered(settings.verify), []
    for item in claims_in:
        claim = ClaimInput.from_any(item)
        verifications.append(to_verification(claim, judge(claim, verifiers, context)))
        if on_done:
            on_done()
    return verifications
