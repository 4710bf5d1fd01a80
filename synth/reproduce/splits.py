"""Zero-shot splits: train on one dataset, evaluate on the other, never on itself.

XQuAD-R and MLQA-R share two Wikipedia articles (by English title, underscores
read as spaces); they are dropped from whichever dataset is used for training
so that no evaluation passage is ever seen in training.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from synth.reproduce.data import LareqaDataset

SHARED_ARTICLES: frozenset[str] = frozenset({"Harvard University", "Prime number"})
EVAL_DATASET_OF: dict[str, str] = {"mlqa-r": "xquad-r", "xquad-r": "mlqa-r"}
"""Training dataset -> the held-out dataset it is evaluated on."""


@dataclass(frozen=True)
class Split:
    train: str
    eval: str


def zero_shot_split(train_dataset: str) -> Split:
    return Split(train=train_dataset, eval=EVAL_DATASET_OF[train_dataset])


def filter_articles(dataset: LareqaDataset, keep: Callable[[str], bool]) -> LareqaDataset:
    """A copy holding only the questions and candidates of articles where ``keep(title)``."""
    kept_index = {i: c for i, c in enumerate(dataset.candidates) if keep(c.article)}
    new_index = {old: new for new, old in enumerate(kept_index)}
    questions = [q for q in dataset.questions if keep(q.article)]
    relevant = {
        key: new_index[old] for key, old in dataset.relevant.items() if old in new_index
    }
    kept_qids = {key[0] for key in relevant}
    return LareqaDataset(
        name=dataset.name,
        languages=list(dataset.languages),
        questions=[q for q in questions if q.qid in kept_qids],
        candidates=list(kept_index.values()),
        relevant=relevant,
        files=dict(dataset.files),
    )


def training_view(dataset: LareqaDataset) -> LareqaDataset:
    """The dataset with the articles shared with the other dataset removed."""
    return filter_articles(dataset, lambda title: title not in SHARED_ARTICLES)


def first_articles(dataset: LareqaDataset, count: int | None) -> LareqaDataset:
    """The first ``count`` articles (in file order): a smaller evaluation pool for CPU runs."""
    if count is None:
        return dataset
    ordered = list(dict.fromkeys(q.article for q in dataset.questions))
    chosen = set(ordered[:count])
    return filter_articles(dataset, lambda title: title in chosen)
