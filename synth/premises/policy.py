"""The premise check's policy: every threshold a premise's status depends on, in one object.

The values were fitted on the dev split of bench/bench_premises.py only (the test split
is held out); bench/RESULTS.md (issue 10) has the figures with and without entailment.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


def _share(default: float, description: str) -> float:
    return Field(default, ge=0.0, le=1.0, description=description)


class PremisePolicy(BaseModel):
    """How a source sentence comes to state a premise (synth.premises.check)."""

    meaning_chunks: int = Field(12, ge=1, description="chunks the dense index returns per premise; their "
                                                      "sentences are the candidates for a meaning match")
    meaning_strong: float = _share(0.62, "cosine similarity at which a sentence states the premise's method or "
                                         "setting by itself")
    meaning_weak: float = _share(0.5, "below this cosine no sentence is taken to mean the premise; between the "
                                      "two the entailment model decides (a sentence using every telling word of "
                                      "the premise, itself or as a paraphrase, matches at any score)")
    entailment: bool = Field(True, description="ask the trained NLI verifier (synth.models.nli) about sentences "
                                               "in the weak band; off: the embedding match alone decides")
    entailment_min: float = _share(0.5, "entailment probability at which a weak-band sentence states the premise")
