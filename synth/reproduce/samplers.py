"""Batch samplers for the three strategies; every batch holds one language pair.

- monolingual: every batch is X->X (question in X, answer sentence in X);
- cross_lingual: every batch is X->Y with X != Y;
- hybrid: each batch is monolingual or cross-lingual, chosen at random with
  weights proportional to the number of training examples available of each
  kind (the paper's "sampled based on dataset size"; on fully parallel data
  that is 1 : L-1), or with a fixed monolingual share from the config.

Within a kind, a pair is drawn with probability proportional to its example
count, then the batch's examples are drawn without replacement, skipping a
repeated question or answer text (a repeated passage would be a false
in-batch negative).

Batches are a pure function of (seed, step): the generator for step ``s`` is
seeded with ``(seed, s)``, so resuming at step ``s`` needs no sampler state
and every DDP rank agrees on the pair without communication.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from synth.reproduce.data import LareqaDataset

TrainStrategy = Literal["monolingual", "cross_lingual", "hybrid"]
LanguagePair = tuple[str, str]


@dataclass(frozen=True)
class Batch:
    pair: LanguagePair
    queries: list[str]
    passages: list[str]

    @property
    def is_monolingual(self) -> bool:
        return self.pair[0] == self.pair[1]


def example_pools(dataset: LareqaDataset) -> dict[LanguagePair, list[tuple[str, str]]]:
    """(query language, passage language) -> [(question text, answer sentence text)]."""
    question_text = {(q.qid, q.language): q.text for q in dataset.questions}
    pools: dict[LanguagePair, list[tuple[str, str]]] = {}
    for qid in dataset.question_ids():
        languages = [lang for lang in dataset.group_languages(qid) if (qid, lang) in question_text]
        for query_lang in languages:
            for passage_lang in languages:
                answer = dataset.candidates[dataset.relevant[(qid, passage_lang)]].text
                pools.setdefault((query_lang, passage_lang), []).append((question_text[(qid, query_lang)], answer))
    return pools


def distinct_size(examples: list[tuple[str, str]]) -> int:
    """Largest batch a pool can fill without a repeated question or passage text (upper bound)."""
    return min(len({q for q, _ in examples}), len({p for _, p in examples}))


class PairBatchSampler:
    """Draws one-language-pair batches for ``strategy``, deterministically per step."""

    def __init__(
        self,
        pools: dict[LanguagePair, list[tuple[str, str]]],
        strategy: TrainStrategy,
        batch_size: int,
        seed: int,
        monolingual_share: float | None = None,
        world_size: int = 1,
    ) -> None:
        self.pools = {pair: examples for pair, examples in pools.items() if distinct_size(examples) >= 2 * world_size}
        self.strategy = strategy
        self.batch_size = batch_size
        self.seed = seed
        self.world_size = world_size
        self.mono_pairs = sorted(pair for pair in self.pools if pair[0] == pair[1])
        self.cross_pairs = sorted(pair for pair in self.pools if pair[0] != pair[1])
        self.monolingual_share = self._monolingual_share(monolingual_share)

    def _monolingual_share(self, fixed: float | None) -> float:
        """Probability that a batch is monolingual under this strategy."""
        if self.strategy == "monolingual":
            share = 1.0
        elif self.strategy == "cross_lingual":
            share = 0.0
        elif fixed is not None:
            share = fixed
        else:
            mono, cross = self.example_count(self.mono_pairs), self.example_count(self.cross_pairs)
            share = mono / (mono + cross)
        if (share > 0 and not self.mono_pairs) or (share < 1 and not self.cross_pairs):
            raise ValueError(f"strategy {self.strategy!r} needs pairs the training data lacks (languages too few?)")
        return share

    def example_count(self, pairs: list[LanguagePair]) -> int:
        return sum(len(self.pools[pair]) for pair in pairs)

    def choose_pair(self, rng: np.random.Generator) -> LanguagePair:
        pairs = self.mono_pairs if rng.random() < self.monolingual_share else self.cross_pairs
        sizes = np.array([len(self.pools[pair]) for pair in pairs], dtype=float)
        return pairs[int(rng.choice(len(pairs), p=sizes / sizes.sum()))]

    def batch(self, step: int, rank: int = 0) -> Batch:
        """The batch of ``step`` for DDP ``rank`` (each rank gets its slice of one global batch)."""
        rng = np.random.default_rng([self.seed, step])
        pair = self.choose_pair(rng)
        examples = self._distinct_examples(self.pools[pair], rng, self.batch_size * self.world_size)
        per_rank = len(examples) // self.world_size  # equal slices: a small pair shrinks every rank's batch alike
        share = examples[rank * per_rank : (rank + 1) * per_rank]
        return Batch(pair=pair, queries=[q for q, _ in share], passages=[p for _, p in share])

    @staticmethod
    def _distinct_examples(examples: list[tuple[str, str]], rng: np.random.Generator, count: int) -> list[tuple[str, str]]:
        chosen: list[tuple[str, str]] = []
        seen_queries: set[str] = set()
        seen_passages: set[str] = set()
        for index in rng.permutation(len(examples)):
            query, passage = examples[index]
            if query in seen_queries or passage in seen_passages:
                continue
            chosen.append((query, passage))
            seen_queries.add(query)
            seen_passages.add(passage)
            if len(chosen) == count:
                break
        return chosen
