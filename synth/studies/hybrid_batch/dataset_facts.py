"""Structural facts of the LAReQA datasets, computed from the files themselves.

A claim such as "XQuAD-R has 11 parallel languages, hence 110 cross-lingual
pairs" is checked by counting, not by reading a paper: languages are the
``<code>.json`` files of a dataset folder, pairs follow from the language
count (X->Y with X != Y, and X->X), questions / candidates / articles /
paragraphs are counted in each file, and a question's parallel ways are the
number of files holding its ``id``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from synth.errors import DataError

DATASET_FOLDERS = {"XQuAD-R": "xquad-r", "MLQA-R": "mlqa-r"}
"""Canonical dataset name (synth.text.vocab) -> folder under the data dir."""


@dataclass
class LanguageCounts:
    questions: int
    candidates: int
    articles: int
    paragraphs: int


@dataclass
class DatasetFacts:
    name: str
    folder: Path
    per_language: dict[str, LanguageCounts]
    parallel_ways: Counter = field(default_factory=Counter)
    """ways (number of languages a question id occurs in) -> number of question ids"""

    @property
    def languages(self) -> list[str]:
        return sorted(self.per_language)

    @property
    def n_languages(self) -> int:
        return len(self.per_language)

    @property
    def cross_lingual_pairs(self) -> int:
        return self.n_languages * (self.n_languages - 1)

    @property
    def monolingual_pairs(self) -> int:
        return self.n_languages

    @property
    def unique_questions(self) -> int:
        return sum(self.parallel_ways.values())

    def totals(self, attribute: str) -> int:
        return sum(getattr(counts, attribute) for counts in self.per_language.values())

    def per_language_values(self, attribute: str) -> dict[str, int]:
        return {lang: getattr(counts, attribute) for lang, counts in sorted(self.per_language.items())}

    @property
    def paper_id(self) -> str:
        """How evidence from the data is cited (Evidence.paper_id)."""
        return f"dataset:{self.folder.name}"


def _count_file(path: Path) -> tuple[LanguageCounts, list[str]]:
    try:
        articles = json.loads(path.read_text(encoding="utf-8"))["data"]
    except (OSError, ValueError, KeyError) as error:
        raise DataError(f"{path}: not a SQuAD-format JSON file ({error}); restore the file or pass another --data") from error
    paragraphs = [paragraph for article in articles for paragraph in article["paragraphs"]]
    question_ids = [qa["id"] for paragraph in paragraphs for qa in paragraph["qas"]]
    counts = LanguageCounts(
        questions=len(question_ids),
        candidates=sum(len(paragraph.get("sentences", [])) for paragraph in paragraphs),
        articles=len(articles),
        paragraphs=len(paragraphs),
    )
    return counts, question_ids


@lru_cache(maxsize=8)
def _load(folder: Path, stamp: tuple[tuple[str, float], ...], name: str) -> DatasetFacts:
    per_language: dict[str, LanguageCounts] = {}
    occurrences: Counter = Counter()
    for path in sorted(folder.glob("*.json")):
        counts, question_ids = _count_file(path)
        per_language[path.stem] = counts
        occurrences.update(set(question_ids))
    return DatasetFacts(name=name, folder=folder, per_language=per_language,
                        parallel_ways=Counter(occurrences.values()))


def load_facts(data_dir: Path, name: str) -> DatasetFacts:
    """Counts for one dataset (cached while its files are unchanged).

    Raises DataError naming the folder when it or its language files are missing.
    """
    folder = Path(data_dir) / DATASET_FOLDERS[name]
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        raise DataError(
            f"dataset folder {folder} not found or has no <language>.json files: "
            f"pass --data DIR pointing at the LAReQA folder (holding xquad-r/ and mlqa-r/)"
        )
    stamp = tuple((path.name, path.stat().st_mtime) for path in files)
    return _load(folder, stamp, name)
