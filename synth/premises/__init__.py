"""What a question takes for granted, and whether the ingested papers study it.

``check_premises(question, library, settings=None, entailment=None, policy=None) -> list[PremiseCheck]``
(synth.premises.check); ``extract_premises(question) -> list[Premise]`` gives the typed
premises alone (synth.premises.extract); known names are in synth.text.vocab (QUESTION_KINDS).
"""

from synth.premises.check import EntailmentFn, check_premises, nli_entailment
from synth.premises.extract import Premise, extract_premises
from synth.verify.policy import PremisePolicy

__all__ = ["EntailmentFn", "Premise", "PremisePolicy", "check_premises", "extract_premises", "nli_entailment"]
