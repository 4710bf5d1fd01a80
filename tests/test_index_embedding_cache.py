"""Embeddings are computed once per text and model, then read from index/embeddings.sqlite."""

from __future__ import annotations

import numpy as np

from synth.index.embeddings import CACHE_FILE, Embedder, cpu_multiplies_bfloat16, token_budget_batches, uses_bfloat16
from synth.settings import Settings

TEXTS = ["Dense retrieval beats BM25 on NQ.", "Warm-up stabilises training.", "Dense retrieval beats BM25 on NQ."]


def test_second_embed_is_read_from_the_cache_and_equals_a_fresh_one(settings, monkeypatch):
    first = Embedder(settings).embed(TEXTS)
    assert (settings.index_dir / CACHE_FILE).exists()
    again = Embedder(settings)
    monkeypatch.setattr(again, "_encode", lambda texts: (_ for _ in ()).throw(AssertionError(texts)))
    np.testing.assert_array_equal(again.embed(TEXTS), first)
    fresh = Embedder(settings, cache=False).embed(TEXTS)
    np.testing.assert_allclose(first, fresh, atol=1e-5)
    assert first.shape == (3, fresh.shape[1]) and np.allclose(first[0], first[2])


def test_only_new_texts_are_encoded(settings):
    embedder = Embedder(settings)
    embedder.embed(TEXTS[:1])
    encoded: list[list[str]] = []
    real = embedder._encode
    embedder._encode = lambda texts: encoded.append(texts) or real(texts)
    vectors = embedder.embed(TEXTS)
    assert encoded == [[TEXTS[1]]] and vectors.shape[0] == len(TEXTS)


def test_a_repeated_query_is_read_from_the_cache_without_encoding(settings, monkeypatch):
    query = "Which retriever wins on NQ?"
    first = Embedder(settings).embed_query(query)
    again = Embedder(settings)
    monkeypatch.setattr(again, "_encode", lambda texts: (_ for _ in ()).throw(AssertionError(texts)))
    np.testing.assert_array_equal(again.embed_query(query), first)
    np.testing.assert_allclose(first, Embedder(settings, cache=False).embed_query(query), atol=1e-5)


def test_precision_setting_picks_bfloat16_only_on_cpu_and_auto_follows_the_hardware():
    assert not uses_bfloat16("float32", "cpu") and uses_bfloat16("bfloat16", "cpu")
    assert not uses_bfloat16("auto", "cuda") and not uses_bfloat16("bfloat16", "cuda")
    assert uses_bfloat16("auto", "cpu") == cpu_multiplies_bfloat16()


def test_bfloat16_vectors_are_float32_ones_to_four_nines_of_cosine(synth_home):
    """Why one cache serves both precisions (module docstring): the vectors differ, but negligibly."""
    texts = [TEXTS[0] * 8, TEXTS[1]]
    single = Embedder(Settings(home=synth_home, embedding_precision="float32"), cache=False).embed(texts)
    brain = Embedder(Settings(home=synth_home, embedding_precision="bfloat16"), cache=False).embed(texts)
    assert not np.array_equal(single, brain)  # the autocast is in effect
    assert (single * brain).sum(axis=1).min() >= 0.9999


def test_batches_hold_texts_of_similar_length_within_the_token_budget():
    lengths = [5, 300, 10, 10, 3000, 7, 12, 250]
    batches = token_budget_batches(lengths, budget=40)
    assert sorted(index for batch in batches for index in batch) == list(range(len(lengths)))
    assert [index for batch in batches for index in batch] == sorted(range(len(lengths)), key=lengths.__getitem__)
    for batch in batches:
        assert len(batch) == 1 or len(batch) * max(lengths[index] for index in batch) <= 40
    assert batches[:2] == [[0, 5, 2, 3], [6]]  # 12 would make five texts of 12 tokens: 60 > 40
    assert token_budget_batches([], budget=40) == []


def test_a_batch_of_mixed_lengths_embeds_each_text_as_it_embeds_alone(synth_home):
    """Batching by length changes only padding, which the attention mask hides."""
    texts = [TEXTS[0] * 12, TEXTS[1], "BM25", TEXTS[0], TEXTS[1] * 5]
    embedder = Embedder(Settings(home=synth_home), cache=False)
    together = embedder.embed(texts)
    alone = np.stack([embedder.embed([text])[0] for text in texts])
    assert (together * alone).sum(axis=1).min() >= 0.9999
