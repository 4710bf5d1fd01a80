"""What each verifier hands back before calibration turns it into a Verification."""

from __future__ import annotations

from dataclasses import dataclass, field

from synth.records import Check, Evidence, Verdict, VerifyMethod


@dataclass
class Judgement:
    """A verdict with the evidence and the features that decided it.

    ``strength`` is the verifier's own raw certainty in [0, 1]; the calibrator
    (synth.verify.calibration) maps (method, verdict, strength) to the
    probability that the verdict is right.
    """

    verdict: Verdict
    method: VerifyMethod
    strength: float
    rationale: str
    evidence: list[Evidence] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    confidence: float | None = None
    """Set by a verifier whose own model is calibrated (``nli``); otherwise synth.verify.calibration maps strength."""
    checks: list[Check] = field(default_factory=list)
    """Set by a verifier that knows better than its verdict alone what it checked (the reproduction's
    strength and scope rules); otherwise synth.verify.checks makes one check of the verdict."""

    @classmethod
    def unverifiable(cls, method: VerifyMethod, strength: float, rationale: str,
                     evidence: list[Evidence] | None = None, features: dict[str, float] | None = None) -> "Judgement":
        """An ``insufficient_evidence`` judgement (the one verdict every verifier can give)."""
        return cls(INSUFFICIENT, method, strength, rationale, evidence or [], features or {})


INSUFFICIENT: Verdict = "insufficient_evidence"
"""The verdict when the evidence decides nothing; compare with this, never with a bare string."""
