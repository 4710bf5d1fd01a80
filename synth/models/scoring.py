"""Rank a claim's candidate passages and score the best of them with the cross-encoder.

Shared by the text verifier at run time and by combiner fitting / the benchmark, so the
combiner is fitted on features computed exactly as they are computed in ``synth verify``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from synth.models.judge import ScoredCandidate
from synth.models.nli import NliModel

NLI_DEPTH = 8
"""How many of a claim's most similar passages the cross-encoder reads."""

Embed = Callable[[list[str]], np.ndarray]


def rank_by_similarity(claim: str, passages: list[str], embed: Embed) -> list[tuple[int, float]]:
    """(passage index, cosine similarity), most similar first, for unit-length embeddings."""
    if not passages:
        return []
    vectors = embed([claim, *passages])
    similarity = vectors[1:] @ vectors[0]
    order = np.argsort(-similarity)
    return [(int(i), float(similarity[i])) for i in order]


def score_passages(
    claim: str, passages: list[str], similarities: list[float], nli: NliModel
) -> list[ScoredCandidate]:
    """Cross-encoder probabilities for each (passage, claim) pair."""
    probabilities = nli.predict([(passage, claim) for passage in passages])
    return [
        ScoredCandidate(passage, similarity, tuple(float(p) for p in row))  # type: ignore[arg-type]
        for passage, similarity, row in zip(passages, similarities, probabilities)
    ]


def score_claim(claim: str, passages: list[str], embed: Embed, nli: NliModel, depth: int = NLI_DEPTH) -> list[ScoredCandidate]:
    """The ``depth`` most similar passages, scored."""
    ranked = rank_by_similarity(claim, passages, embed)[:depth]
    return score_passages(claim, [passages[i] for i, _ in ranked], [s for _, s in ranked], nli)
