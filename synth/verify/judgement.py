"""What each verifier hands back before calibration turns it into a Verification."""

from __future__ import annotations

from dataclasses import dataclass, field

from synth.records import Evidence


@dataclass
class Judgement:
    """A verdict with the evidence and the features that decided it.

    ``strength`` is the verifier's own raw certainty in [0, 1]; the calibrator
    (synth.verify.calibration) maps (method, verdict, strength) to the
    probability that the verdict is right.
    """

    verdict: str
    method: str
    strength: float
    rationale: str
    evidence: list[Evidence] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
