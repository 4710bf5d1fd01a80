"""What a question takes for granted, and whether the ingested papers study it.

``check_premises(question, library, settings=None, entailment=None) -> list[PremiseCheck]``
(synth.premises.check); ``extract_premises(question) -> list[Premise]`` gives the typed
premises alone (synth.premises.extract); known names are in synth.premises.vocab.
"""

from synth.premises.check import EntailmentFn, check_premises
from synth.premises.extract import Premise, extract_premises

__all__ = ["EntailmentFn", "Premise", "check_premises", "extract_premises"]
