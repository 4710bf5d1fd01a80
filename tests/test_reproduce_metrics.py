"""Metrics: cross-checked against pytrec_eval (trec_eval's map) and brute-force ranks."""

from __future__ import annotations

import numpy as np
import pytest
import pytrec_eval
import torch

from synth.reproduce import metrics
from synth.reproduce.metrics import (
    RetrievalTask,
    average_precision,
    mean_pairwise_distance,
    paired_difference,
    per_query_metrics,
    summarise,
)

LANGUAGES = ["en", "de", "zh"]


def random_task(seed: int = 0, questions: int = 40, per_language: int = 60, dim: int = 16, drop: float = 0.3):
    """Random embeddings; each question exists in 1-3 languages (MLQA-like gaps)."""
    rng = np.random.default_rng(seed)
    n_lang = len(LANGUAGES)
    candidate_language = np.repeat(np.arange(n_lang), per_language)
    present = rng.random((questions, n_lang)) > drop
    present[np.arange(questions), rng.integers(0, n_lang, questions)] = True
    answers = np.stack([rng.integers(0, per_language, questions) + lang * per_language for lang in range(n_lang)], 1)
    rows = [(q, lang) for q in range(questions) for lang in range(n_lang) if present[q, lang]]
    relevant = np.stack([np.where(present[q], answers[q], -1) for q, _ in rows])
    task = RetrievalTask(
        languages=LANGUAGES,
        query_language=np.array([lang for _, lang in rows]),
        candidate_language=candidate_language,
        relevant=relevant,
        groups=np.array([q for q, _ in rows]),
    )
    queries = torch.nn.functional.normalize(torch.randn(len(rows), dim, generator=torch.Generator().manual_seed(seed)), dim=1)
    candidates = torch.nn.functional.normalize(torch.randn(len(candidate_language), dim, generator=torch.Generator().manual_seed(seed + 1)), dim=1)
    return task, queries, candidates


def trec_map(scores: np.ndarray, task: RetrievalTask, pool: np.ndarray, relevant_columns: list[int]) -> dict[str, float]:
    """Per-query trec_eval map over the candidates in ``pool``."""
    qrels, run = {}, {}
    for q in range(len(task.query_language)):
        rel = {f"d{task.relevant[q, c]}": 1 for c in relevant_columns if task.relevant[q, c] >= 0}
        if rel:
            qrels[f"q{q}"] = rel
            run[f"q{q}"] = {f"d{d}": float(scores[q, d]) for d in pool}
    evaluated = pytrec_eval.RelevanceEvaluator(qrels, {"map"}).evaluate(run)
    return {qid: values["map"] for qid, values in evaluated.items()}


def test_map_equals_pytrec_eval() -> None:
    task, queries, candidates = random_task()
    ours = per_query_metrics(queries, candidates, task)
    scores = (queries @ candidates.T).numpy()
    everything = np.arange(len(task.candidate_language))
    reference = trec_map(scores, task, everything, list(range(len(LANGUAGES))))
    assert len(reference) == len(task.query_language)
    for qid, value in reference.items():
        assert ours.multilingual_ap[int(qid[1:])] == pytest.approx(value, abs=1e-6)
    for lang in range(len(LANGUAGES)):
        pool = np.flatnonzero(task.candidate_language == lang)
        reference = trec_map(scores, task, pool, [lang])
        for qid, value in reference.items():
            assert ours.pool_ap[int(qid[1:]), lang] == pytest.approx(value, abs=1e-6)
        missing = task.relevant[:, lang] < 0
        assert np.isnan(ours.pool_ap[missing, lang]).all()


def test_blocks_do_not_change_results(monkeypatch: pytest.MonkeyPatch) -> None:
    task, queries, candidates = random_task(seed=4)
    whole = per_query_metrics(queries, candidates, task)
    monkeypatch.setattr(metrics, "BLOCK_ELEMENTS", 200)
    blocked = per_query_metrics(queries, candidates, task)
    np.testing.assert_array_equal(whole.multilingual_ranks, blocked.multilingual_ranks)
    np.testing.assert_allclose(whole.multilingual_ap, blocked.multilingual_ap)


def test_ranks_match_a_full_sort() -> None:
    task, queries, candidates = random_task(seed=2)
    ours = per_query_metrics(queries, candidates, task)
    scores = (queries @ candidates.T).numpy()
    order = np.argsort(-scores, axis=1)
    for q in range(len(task.query_language)):
        position = np.empty_like(order[q])
        position[order[q]] = np.arange(1, len(order[q]) + 1)
        expected = [position[d] if d >= 0 else 0 for d in task.relevant[q]]
        assert list(ours.multilingual_ranks[q]) == expected
        best = int(np.argmin([r if r else 10**9 for r in expected]))
        assert ours.own_language_first[q] == float(best == task.query_language[q])


def test_average_precision_by_hand() -> None:
    ranks = np.array([[1, 3, 0], [2, 0, 0], [0, 0, 5]])
    np.testing.assert_allclose(average_precision(ranks), [(1 / 1 + 2 / 3) / 2, 1 / 2, 1 / 5])


def test_rank_distance_definition() -> None:
    ranks = np.array([[1, 3, 10], [4, 0, 6], [7, 0, 0]])
    distance = mean_pairwise_distance(ranks)
    assert distance[0] == pytest.approx((2 + 9 + 7) / 3)
    assert distance[1] == pytest.approx(2)
    assert np.isnan(distance[2])


def test_summary_means_and_intervals() -> None:
    task, queries, candidates = random_task(seed=5)
    values = per_query_metrics(queries, candidates, task)
    summary = summarise(values, task, resamples=200, seed=0)
    multilingual = summary.intervals["multilingual_map"]
    assert multilingual.mean == pytest.approx(values.multilingual_ap.mean())
    assert multilingual.low <= multilingual.mean <= multilingual.high and multilingual.low < multilingual.high
    en_de = values.pool_ap[task.query_language == 0, 1]
    assert summary.pair_map["en"]["de"] == pytest.approx(np.nanmean(en_de))
    cross = [summary.pair_map[x][y] for x in LANGUAGES for y in LANGUAGES if x != y]
    assert summary.intervals["cross_lingual_map"].mean == pytest.approx(np.mean(cross))
    mono = [summary.pair_map[x][x] for x in LANGUAGES]
    assert summary.intervals["monolingual_map"].mean == pytest.approx(np.mean(mono))


def test_paired_difference_detects_a_better_model() -> None:
    task, queries, candidates = random_task(seed=6)
    weak = per_query_metrics(queries, candidates, task)
    answers = candidates[torch.as_tensor(task.relevant.max(1))]
    strong = per_query_metrics(torch.nn.functional.normalize(queries + 2 * answers, dim=1), candidates, task)
    weak_summary, strong_summary = summarise(weak, task, 200, 0), summarise(strong, task, 200, 0)
    better = paired_difference(strong_summary, weak_summary, "multilingual_map", "x", "hybrid", "baseline")
    assert better.difference.low > 0
    same = paired_difference(weak_summary, weak_summary, "rank_distance", "x", "hybrid", "baseline")
    assert same.difference.low == same.difference.high == same.difference.mean == 0


def test_language_without_candidates_in_the_pool() -> None:
    task, queries, candidates = random_task(seed=8)
    kept = task.candidate_language != 1  # no German candidates at all (a missing language file)
    rows = (task.relevant[:, [0, 2]] >= 0).any(1)
    relevant = np.where(np.isin(task.relevant, np.flatnonzero(kept)), task.relevant, -1)
    remap = np.cumsum(kept) - 1
    relevant = np.where(relevant >= 0, remap[np.maximum(relevant, 0)], -1)[rows]
    small = RetrievalTask(LANGUAGES, task.query_language[rows], task.candidate_language[kept], relevant, task.groups[rows])
    ours = per_query_metrics(queries[torch.as_tensor(rows)], candidates[torch.as_tensor(kept)], small)
    scores = (queries[torch.as_tensor(rows)] @ candidates[torch.as_tensor(kept)].T).numpy()
    reference = trec_map(scores, small, np.arange(kept.sum()), [0, 1, 2])
    for qid, value in reference.items():
        assert ours.multilingual_ap[int(qid[1:])] == pytest.approx(value, abs=1e-6)
    assert np.isnan(ours.pool_ap[:, 1]).all() and (ours.multilingual_ranks[:, 1] == 0).all()
