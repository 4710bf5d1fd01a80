"""LAReQA retrieval metrics from query and candidate embeddings.

Per query (a question in one language) we compute, from one pass over the
multilingual pool (all candidates of all languages):

- the rank of each relevant candidate (one per language of its parallel
  group) in the multilingual pool, and its rank in its own language's pool;
- multilingual AP: average precision over all relevant candidates in the
  multilingual pool (the trec_eval ``map`` definition with every candidate
  retrieved);
- pool AP for X->Y: AP of the single Y answer in the pool restricted to Y,
  i.e. ``1 / rank``; X->X is the monolingual setting;
- rank distance (language bias, lower is better): with ``r_a`` the rank of
  the relevant candidate in language ``a`` in the multilingual pool, the mean
  of ``|r_a - r_b|`` over all unordered pairs of languages ``{a, b}`` of the
  question's group; undefined (NaN) for a question with fewer than two
  languages. Reported as the mean over queries;
- own-language first: whether the best-ranked relevant candidate is in the
  query's language ("own-language share" is the mean over queries).

Rank = 1 + the number of candidates with a strictly higher score, so tied
scores are resolved in the relevant candidate's favour (with float
similarities of real encoders ties are vanishingly rare; trec_eval breaks
them by document id instead, which is why the cross-check uses tie-free runs).

Aggregation: mAP = mean of AP over queries; cross-lingual mAP = mean over
every X->Y pair (X != Y) of that pair's mAP; monolingual mAP = mean over X of
X->X. Intervals: a bootstrap over parallel question groups (a resampled
question brings all of its language versions), percentile 95% interval; paired
differences between strategies reuse the same resamples.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import torch

from synth.reproduce.result import Difference, Interval

BLOCK_ELEMENTS = 1 << 25
"""Similarity entries held at once (~128 MiB float32): the full XQuAD-R pool fits easily."""
METRICS = ("multilingual_map", "cross_lingual_map", "monolingual_map", "rank_distance", "own_language_share")


@dataclass
class RetrievalTask:
    """Integer view of an evaluation pool.

    ``relevant[q, l]`` is the candidate index of query ``q``'s answer in
    language ``l`` (-1 where the question has no version in ``l``);
    ``groups[q]`` numbers the parallel group (question id) of query ``q``.
    """

    languages: list[str]
    query_language: np.ndarray
    candidate_language: np.ndarray
    relevant: np.ndarray
    groups: np.ndarray


@dataclass
class PerQuery:
    """Per-query values; NaN where a value is undefined for a query."""

    multilingual_ap: np.ndarray
    pool_ap: np.ndarray
    """[Q, L]: AP of the query against the pool of language l alone."""
    rank_distance: np.ndarray
    own_language_first: np.ndarray
    multilingual_ranks: np.ndarray
    """[Q, L]: rank of the language-l answer in the multilingual pool (0 = absent)."""


def relevant_ranks(
    queries: torch.Tensor, candidates: torch.Tensor, task: RetrievalTask
) -> tuple[np.ndarray, np.ndarray]:
    """Ranks of each relevant candidate: in the multilingual pool and in its language's pool.

    Candidates are reordered so each language is one contiguous block; per
    query block and relevant answer, one vectorised comparison marks the
    candidates scoring strictly higher and ``np.add.reduceat`` counts them per
    language block. Only ``block x candidates`` scores exist at once, so the
    full XQuAD-R pool (13k x 13k) needs ~130 MiB.
    """
    n_queries, n_languages = task.relevant.shape
    order = np.argsort(task.candidate_language, kind="stable")
    position = np.empty_like(order)
    position[order] = np.arange(len(order))
    bounds = np.searchsorted(task.candidate_language[order], np.arange(n_languages + 1))
    filled = np.flatnonzero(bounds[:-1] < bounds[1:])
    pool = candidates[torch.as_tensor(order)]
    present = task.relevant >= 0
    relevant = np.where(present, position[np.maximum(task.relevant, 0)], 0)
    above = np.zeros((n_queries, n_languages, n_languages), dtype=np.int64)
    block = max(1, BLOCK_ELEMENTS // max(1, len(order)))
    for start in range(0, n_queries, block):
        scores = (queries[start : start + block] @ pool.T).numpy()
        rel_scores = np.take_along_axis(scores, relevant[start : start + block], axis=1)
        for answer in range(n_languages):
            higher = scores > rel_scores[:, answer : answer + 1]
            counts = np.add.reduceat(higher, bounds[filled], axis=1, dtype=np.int64)
            above[start : start + block, answer, filled] = counts
    multi = np.where(present, above.sum(2) + 1, 0)
    own_pool = np.where(present, np.diagonal(above, axis1=1, axis2=2) + 1, 0)
    return multi, own_pool


def average_precision(ranks: np.ndarray) -> np.ndarray:
    """AP per row from the ranks of its relevant items (0 = absent): mean of k / rank_k."""
    ordered = np.sort(np.where(ranks > 0, ranks, np.iinfo(np.int64).max), axis=1)
    present = ordered < np.iinfo(np.int64).max
    hits = np.cumsum(present, axis=1)
    precision = np.where(present, hits / np.where(present, ordered, 1), 0.0)
    return precision.sum(1) / np.maximum(present.sum(1), 1)


def mean_pairwise_distance(ranks: np.ndarray) -> np.ndarray:
    """Mean |r_a - r_b| over unordered pairs of present ranks per row; NaN below two."""
    present = ranks > 0
    diff = np.abs(ranks[:, :, None] - ranks[:, None, :]).astype(float)
    both = present[:, :, None] & present[:, None, :]
    pairs = both.sum((1, 2)) - present.sum(1)
    total = np.where(both, diff, 0.0).sum((1, 2))
    return np.where(pairs > 0, total / np.maximum(pairs, 1), np.nan)


def per_query_metrics(queries: torch.Tensor, candidates: torch.Tensor, task: RetrievalTask) -> PerQuery:
    """Every per-query value from L2-normalised query and candidate embeddings."""
    multi, own_pool = relevant_ranks(queries.float(), candidates.float(), task)
    pool_ap = np.where(own_pool > 0, 1.0 / np.maximum(own_pool, 1), np.nan)
    best_language = np.argmin(np.where(multi > 0, multi, np.iinfo(np.int64).max), axis=1)
    return PerQuery(
        multilingual_ap=average_precision(multi),
        pool_ap=pool_ap,
        rank_distance=mean_pairwise_distance(multi),
        own_language_first=(best_language == task.query_language).astype(float),
        multilingual_ranks=multi,
    )


def pair_maps(values: PerQuery, task: RetrievalTask, weights: np.ndarray) -> np.ndarray:
    """[B, L, L] weighted mAP of query language x pool language (NaN where no query)."""
    n_languages = len(task.languages)
    result = np.full((weights.shape[0], n_languages, n_languages), np.nan)
    defined = ~np.isnan(values.pool_ap)
    filled = np.where(defined, values.pool_ap, 0.0)
    for lang in range(n_languages):
        rows = task.query_language == lang
        numerator = weights[:, rows] @ filled[rows]
        denominator = weights[:, rows] @ defined[rows].astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            result[:, lang, :] = np.where(denominator > 0, numerator / denominator, np.nan)
    return result


def weighted_mean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    defined = ~np.isnan(values)
    total = weights[:, defined] @ values[defined]
    return total / np.maximum(weights[:, defined].sum(1), 1e-12)


def metric_values(values: PerQuery, task: RetrievalTask, weights: np.ndarray) -> dict[str, np.ndarray]:
    """Each summary metric for each weight row (row = one bootstrap resample)."""
    pairs = pair_maps(values, task, weights)
    diagonal = np.eye(len(task.languages), dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a resample may lack a whole setting
        cross = np.nanmean(pairs[:, ~diagonal], axis=1)
        mono = np.nanmean(pairs[:, diagonal], axis=1)
    return {
        "multilingual_map": weighted_mean(values.multilingual_ap, weights),
        "cross_lingual_map": cross,
        "monolingual_map": mono,
        "rank_distance": weighted_mean(values.rank_distance, weights),
        "own_language_share": weighted_mean(values.own_language_first, weights),
    }


def bootstrap_weights(groups: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """[resamples, Q] query weights: how often each query's group was drawn."""
    n_groups = int(groups.max()) + 1
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_groups, size=(resamples, n_groups))
    counts = np.stack([np.bincount(row, minlength=n_groups) for row in draws]).astype(np.float64)
    return counts[:, groups]


def interval(point: float, samples: np.ndarray) -> Interval:
    samples = samples[~np.isnan(samples)]
    if samples.size == 0:
        return Interval(mean=float(point), low=float(point), high=float(point))
    low, high = np.percentile(samples, [2.5, 97.5])
    return Interval(mean=float(point), low=float(low), high=float(high))


@dataclass
class Summary:
    intervals: dict[str, Interval]
    pair_map: dict[str, dict[str, float]]
    samples: dict[str, np.ndarray]
    """Bootstrap values per metric, kept for paired differences."""


def summarise(values: PerQuery, task: RetrievalTask, resamples: int = 1000, seed: int = 0) -> Summary:
    """Point estimates, percentile intervals and the query-language x pool-language mAP matrix."""
    full = np.ones((1, len(task.groups)))
    points = metric_values(values, task, full)
    samples = metric_values(values, task, bootstrap_weights(task.groups, resamples, seed))
    pairs = pair_maps(values, task, full)[0]
    pair_map = {
        x: {y: float(pairs[i, j]) for j, y in enumerate(task.languages) if not np.isnan(pairs[i, j])}
        for i, x in enumerate(task.languages)
    }
    return Summary(
        intervals={name: interval(points[name][0], samples[name]) for name in METRICS},
        pair_map=pair_map,
        samples=samples,
    )


def paired_difference(
    ours: Summary, other: Summary, metric: str, eval_dataset: str, strategy: str, other_strategy: str
) -> Difference:
    """``ours - other`` on resamples shared by both (same seed, same queries)."""
    point = ours.intervals[metric].mean - other.intervals[metric].mean
    return Difference(
        metric=metric,
        eval_dataset=eval_dataset,
        strategy=strategy,
        other=other_strategy,
        difference=interval(point, ours.samples[metric] - other.samples[metric]),
    )
