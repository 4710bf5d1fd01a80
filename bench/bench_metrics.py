"""Metric time: our blockwise LAReQA metrics vs pytrec_eval on the same run.

Both start from the same query/candidate embeddings (random, XQuAD-R-like:
parallel questions with one answer per language). pytrec_eval's pipeline:
score matrix -> run dict -> RelevanceEvaluator("map"), multilingual setting
only. Ours: per_query_metrics, which computes in the same pass the multilingual
AP, every X->Y pool AP, rank distance and own-language share. The ratio is
pytrec_eval time / our time, measured in this run on this machine.

    python bench/bench_metrics.py [--questions 300] [--languages 6] [--dim 384]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pytrec_eval
import torch

from synth.reproduce.metrics import RetrievalTask, per_query_metrics


def synthetic(questions: int, languages: int, dim: int, seed: int = 0):
    """Fully parallel task: candidate ``lang * questions + q`` answers question q in lang.

    Parallel sentences share a meaning vector plus language noise, and a query
    is its answer plus noise: ranks spread like a real multilingual encoder's
    (most answers near the top, a tail far down).
    """
    generator = torch.Generator().manual_seed(seed)
    n = questions * languages
    meaning = torch.randn(questions, dim, generator=generator).repeat(languages, 1)
    candidates = torch.nn.functional.normalize(meaning + 0.5 * torch.randn(n, dim, generator=generator), dim=1)
    queries = torch.nn.functional.normalize(candidates + 0.6 * torch.randn(n, dim, generator=generator), dim=1)
    query_language = np.repeat(np.arange(languages), questions)
    groups = np.tile(np.arange(questions), languages)
    relevant = np.stack([lang * questions + groups for lang in range(languages)], 1)
    task = RetrievalTask([f"l{i}" for i in range(languages)], query_language, np.repeat(np.arange(languages), questions),
                         relevant, groups)
    return task, queries, candidates


def pytrec_map(queries: torch.Tensor, candidates: torch.Tensor, task: RetrievalTask) -> tuple[np.ndarray, float, float]:
    """Per-query multilingual AP with pytrec_eval; (values, total seconds, evaluate-only seconds)."""
    began = time.perf_counter()
    scores = (queries @ candidates.T).numpy().astype(float)
    doc_ids = [f"d{i}" for i in range(scores.shape[1])]
    run = {f"q{q}": dict(zip(doc_ids, row.tolist())) for q, row in enumerate(scores)}
    qrels = {f"q{q}": {f"d{d}": 1 for d in rel if d >= 0} for q, rel in enumerate(task.relevant)}
    evaluate_began = time.perf_counter()
    evaluated = pytrec_eval.RelevanceEvaluator(qrels, {"map"}).evaluate(run)
    done = time.perf_counter()
    values = np.array([evaluated[f"q{q}"]["map"] for q in range(len(scores))])
    return values, done - began, done - evaluate_began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--languages", type=int, default=6)
    parser.add_argument("--dim", type=int, default=384)
    args = parser.parse_args()
    task, queries, candidates = synthetic(args.questions, args.languages, args.dim)
    began = time.perf_counter()
    ours = per_query_metrics(queries, candidates, task)
    our_seconds = time.perf_counter() - began
    reference, total, evaluate_only = pytrec_map(queries, candidates, task)
    worst = float(np.max(np.abs(ours.multilingual_ap - reference)))
    n = len(task.query_language)
    print(f"run: {n} queries x {n} candidates, {args.languages} languages, dim {args.dim}, torch threads {torch.get_num_threads()}")
    print(f"ours (all settings + rank distance):   {our_seconds:8.3f} s")
    print(f"pytrec_eval (multilingual map only):   {total:8.3f} s  (evaluate() alone {evaluate_only:.3f} s)")
    print(f"speed-up vs pytrec_eval pipeline:      {total / our_seconds:8.1f}x  (target >= 10x)")
    print(f"speed-up vs evaluate() alone:          {evaluate_only / our_seconds:8.1f}x")
    print(f"max |AP difference|:                   {worst:.2e}")
    print(f"multilingual mAP {ours.multilingual_ap.mean():.3f}, median worst relevant rank "
          f"{np.median(ours.multilingual_ranks.max(1)):.0f} of {n}")


if __name__ == "__main__":
    main()
