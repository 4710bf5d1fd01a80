"""Reciprocal rank fusion of the dense and lexical rankings.

RRF score of a chunk = sum over rankings of 1 / (RRF_K + rank), rank counted
from 1. It needs no score calibration between cosine similarity and BM25, and
k = 60 is the constant of Cormack, Clarke and Buettcher (SIGIR 2009): it damps
the weight of the very first ranks so that one ranking alone cannot dominate.
"""

from __future__ import annotations

from dataclasses import dataclass

RRF_K = 60


@dataclass(frozen=True)
class RankedChunk:
    """A chunk id with its score in one ranking (higher is better)."""

    chunk_id: str
    paper_id: str
    score: float


def reciprocal_rank_fusion(rankings: list[list[RankedChunk]], k: int, rrf_k: int = RRF_K) -> list[RankedChunk]:
    """Fuse best-first rankings into the top ``k`` chunks, best first (ties: first seen)."""
    fused: dict[str, float] = {}
    paper_of: dict[str, str] = {}
    for ranking in rankings:
        for rank, ranked in enumerate(ranking, start=1):
            fused[ranked.chunk_id] = fused.get(ranked.chunk_id, 0.0) + 1.0 / (rrf_k + rank)
            paper_of[ranked.chunk_id] = ranked.paper_id
    best = sorted(fused.items(), key=lambda item: item[1], reverse=True)[:k]
    return [RankedChunk(chunk_id=chunk_id, paper_id=paper_of[chunk_id], score=score) for chunk_id, score in best]
