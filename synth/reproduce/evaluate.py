"""Evaluate an encoder on one LAReQA dataset: encode, rank, summarise."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np
import torch

from synth.files import atomic_file
from synth.reproduce.data import LareqaDataset
from synth.reproduce.metrics import PerQuery, RetrievalTask, Summary, per_query_metrics, summarise
from synth.reproduce.result import StrategyResult


class TextEncoder(Protocol):
    def encode(self, texts: list[str], kind: str, batch_size: int, max_length: int, progress: bool) -> np.ndarray: ...


def retrieval_task(dataset: LareqaDataset) -> RetrievalTask:
    """Integer arrays for the metrics: languages, relevance matrix, question groups."""
    lang_index = {lang: i for i, lang in enumerate(dataset.languages)}
    group_index = {qid: i for i, qid in enumerate(dataset.question_ids())}
    relevant = np.full((len(dataset.questions), len(dataset.languages)), -1, dtype=np.int64)
    for row, question in enumerate(dataset.questions):
        for lang in dataset.group_languages(question.qid):
            relevant[row, lang_index[lang]] = dataset.relevant[(question.qid, lang)]
    return RetrievalTask(
        languages=list(dataset.languages),
        query_language=np.array([lang_index[q.language] for q in dataset.questions]),
        candidate_language=np.array([lang_index[c.language] for c in dataset.candidates]),
        relevant=relevant,
        groups=np.array([group_index[q.qid] for q in dataset.questions]),
    )


def evaluate_encoder(
    encoder: TextEncoder, dataset: LareqaDataset, batch_size: int = 64, max_length: int = 128, progress: bool = True
) -> PerQuery:
    """Per-query metrics of ``encoder`` on every question of ``dataset`` against its whole pool."""
    queries = encoder.encode([q.text for q in dataset.questions], "query", batch_size, max_length, progress)
    passages = encoder.encode([c.text for c in dataset.candidates], "passage", batch_size, max_length, progress)
    return per_query_metrics(torch.from_numpy(np.asarray(queries)), torch.from_numpy(np.asarray(passages)), retrieval_task(dataset))


def save_per_query(values: PerQuery, path: Path) -> None:
    """Atomic .npz of the per-query values (lets a resumed run rebuild paired differences)."""
    with atomic_file(path) as handle:
        np.savez(handle, **{name: getattr(values, name) for name in PerQuery.__dataclass_fields__})


def load_per_query(path: Path) -> PerQuery:
    with np.load(path) as stored:
        return PerQuery(**{name: stored[name] for name in PerQuery.__dataclass_fields__})


def strategy_result(
    summary: Summary, strategy: str, dataset: LareqaDataset, train_dataset: str | None, seed: int | None, **extra: object
) -> StrategyResult:
    """A ``StrategyResult`` record from a metrics summary."""
    return StrategyResult(
        strategy=strategy,
        train_dataset=train_dataset,
        eval_dataset=dataset.name,
        seed=seed,
        languages=list(dataset.languages),
        multilingual_map=summary.intervals["multilingual_map"],
        cross_lingual_map=summary.intervals["cross_lingual_map"],
        monolingual_map=summary.intervals["monolingual_map"],
        pair_map=summary.pair_map,
        rank_distance=summary.intervals["rank_distance"],
        own_language_share=summary.intervals["own_language_share"],
        **extra,
    )


def evaluate_and_summarise(
    encoder: TextEncoder, dataset: LareqaDataset, batch_size: int, max_length: int, resamples: int, seed: int
) -> tuple[PerQuery, Summary]:
    values = evaluate_encoder(encoder, dataset, batch_size, max_length)
    return values, summarise(values, retrieval_task(dataset), resamples, seed)
