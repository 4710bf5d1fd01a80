"""The verifiers synth knows, by name; ``settings.verify.verifiers`` picks and orders them.

Adding a verifier is one entry here (a class meeting synth.verify.protocol.Verifier,
constructed without arguments) plus its name in the policy's ``verifiers`` list,
placed before the ones it should take claims from (``text`` accepts every claim,
so it comes last). A learned text verifier would be e.g. ``"nli": NliTextVerifier``
with ``verifiers = ["dataset", "reproduction", "nli"]``.
"""

from __future__ import annotations

from collections.abc import Callable

from synth.errors import ConfigError
from synth.studies.hybrid_batch.dataset import DatasetFactVerifier
from synth.studies.hybrid_batch.reproduction import ReproductionVerifier
from synth.verify.policy import VerifyPolicy
from synth.verify.protocol import Verifier
from synth.verify.nli import NliTextVerifier
from synth.verify.text import TextVerifier

REGISTRY: dict[str, Callable[[], Verifier]] = {
    "dataset": DatasetFactVerifier,
    "reproduction": ReproductionVerifier,
    "nli": NliTextVerifier,
    "text": TextVerifier,
}


def verifiers(policy: VerifyPolicy) -> list[Verifier]:
    """Fresh verifiers in the policy's order (each run gets its own caches)."""
    unknown = [name for name in policy.verifiers if name not in REGISTRY]
    if unknown:
        raise ConfigError(f"settings.verify.verifiers names unknown verifier(s) {', '.join(unknown)}; "
                          f"use any of {', '.join(REGISTRY)} (SYNTH_VERIFY__VERIFIERS)")
    return [REGISTRY[name]() for name in policy.verifiers]
