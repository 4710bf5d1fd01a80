"""Sampler properties over many batches: one language pair per batch, the right
kind of pair per strategy, hybrid mixing by example counts, determinism."""

from __future__ import annotations

from pathlib import Path

import pytest

from synth.reproduce.data import load_dataset
from synth.reproduce.samplers import PairBatchSampler, example_pools
from synth.reproduce.splits import training_view
from tests.support.lareqa import MLQA_LANGUAGES, write_lareqa_fixture

STEPS = 400


@pytest.fixture(scope="module")
def pools() -> dict:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        root = write_lareqa_fixture(Path(folder), articles=6, paragraphs=3, questions=3)
        dataset = training_view(load_dataset(root, "mlqa-r", list(MLQA_LANGUAGES)))
    return example_pools(dataset)


def language_of(text: str) -> str:
    return text.split()[0].rsplit("_", 1)[1]


@pytest.mark.parametrize("strategy", ["monolingual", "cross_lingual", "hybrid"])
def test_every_batch_holds_one_language_pair(pools: dict, strategy: str) -> None:
    sampler = PairBatchSampler(pools, strategy, batch_size=4, seed=1)
    for step in range(STEPS):
        batch = sampler.batch(step)
        assert {language_of(q) for q in batch.queries} == {batch.pair[0]}
        assert {language_of(p) for p in batch.passages} == {batch.pair[1]}
        assert len(set(batch.passages)) == len(batch.passages) == len(batch.queries) >= 2
        if strategy == "monolingual":
            assert batch.is_monolingual
        if strategy == "cross_lingual":
            assert not batch.is_monolingual


def test_positives_are_the_parallel_answers(pools: dict) -> None:
    sampler = PairBatchSampler(pools, "cross_lingual", batch_size=4, seed=3)
    for step in range(50):
        batch = sampler.batch(step)
        allowed = set(pools[batch.pair])
        assert all(example in allowed for example in zip(batch.queries, batch.passages))


def test_hybrid_mixes_by_example_counts(pools: dict) -> None:
    sampler = PairBatchSampler(pools, "hybrid", batch_size=4, seed=0)
    mono = sum(len(v) for k, v in pools.items() if k[0] == k[1])
    cross = sum(len(v) for k, v in pools.items() if k[0] != k[1])
    expected = mono / (mono + cross)
    assert sampler.monolingual_share == pytest.approx(expected)
    share = sum(sampler.batch(step).is_monolingual for step in range(2000)) / 2000
    assert abs(share - expected) < 0.04
    seen_pairs = {sampler.batch(step).pair for step in range(2000)}
    assert seen_pairs == set(sampler.mono_pairs) | set(sampler.cross_pairs)


def test_hybrid_fixed_ratio_from_config(pools: dict) -> None:
    sampler = PairBatchSampler(pools, "hybrid", batch_size=4, seed=0, monolingual_share=0.8)
    share = sum(sampler.batch(step).is_monolingual for step in range(2000)) / 2000
    assert abs(share - 0.8) < 0.04


def test_batches_are_a_function_of_seed_and_step(pools: dict) -> None:
    first = PairBatchSampler(pools, "hybrid", batch_size=4, seed=7)
    again = PairBatchSampler(pools, "hybrid", batch_size=4, seed=7)
    other = PairBatchSampler(pools, "hybrid", batch_size=4, seed=8)
    assert [again.batch(s) for s in reversed(range(30))] == [first.batch(s) for s in reversed(range(30))]
    assert [other.batch(s) for s in range(30)] != [first.batch(s) for s in range(30)]


def test_ranks_share_the_pair_and_split_the_examples(pools: dict) -> None:
    sampler = PairBatchSampler(pools, "hybrid", batch_size=2, seed=0, world_size=2)
    for step in range(50):
        rank0, rank1 = sampler.batch(step, 0), sampler.batch(step, 1)
        assert rank0.pair == rank1.pair
        assert not set(rank0.passages) & set(rank1.passages)


def test_strategy_without_usable_pairs_fails_clearly(pools: dict) -> None:
    english_only = {pair: examples for pair, examples in pools.items() if pair == ("en", "en")}
    with pytest.raises(ValueError, match="cross_lingual"):
        PairBatchSampler(english_only, "cross_lingual", batch_size=2, seed=0)
