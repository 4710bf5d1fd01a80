"""Typed loading of XQuAD-R and MLQA-R (the LAReQA retrieval versions).

Layout expected under a data folder (``--data DIR``, default ``Settings.lareqa_dir``)::

    DIR/xquad-r/{ar,de,el,en,es,hi,ru,th,tr,vi,zh}.json
    DIR/mlqa-r/{ar,de,en,es,hi,vi,zh}.json

Each file is SQuAD v1.1 JSON plus ``sentences`` and ``sentence_breaks`` per
paragraph. Candidates are every sentence of every paragraph in every language;
a question's relevant candidates are, in each language holding a parallel
version of it (same ``id``), the sentence whose break range holds the answer.
"""

from __future__ import annotations

import bisect
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from synth.errors import DataError
from synth.files import file_sha256

log = logging.getLogger(__name__)

DATASET_LANGUAGES: dict[str, tuple[str, ...]] = {
    "xquad-r": ("ar", "de", "el", "en", "es", "hi", "ru", "th", "tr", "vi", "zh"),
    "mlqa-r": ("ar", "de", "en", "es", "hi", "vi", "zh"),
}
PIVOT_LANGUAGE = "en"
"""Every question of both datasets has an English version; its article title names the article."""


@dataclass(frozen=True)
class Question:
    qid: str
    language: str
    text: str
    article: str = field(compare=False)
    """English article title, underscores read as spaces (the same in every language)."""


@dataclass(frozen=True)
class Candidate:
    language: str
    text: str
    article: str = field(compare=False)


@dataclass
class LareqaDataset:
    """One dataset: every question and candidate of the loaded languages.

    ``relevant[(qid, language)]`` is the index in ``candidates`` of the answer
    sentence of question ``qid`` in ``language``; a question's parallel group
    is every language with an entry for its ``qid``.
    """

    name: str
    languages: list[str]
    questions: list[Question]
    candidates: list[Candidate]
    relevant: dict[tuple[str, str], int]
    files: dict[str, Path] = field(default_factory=dict)

    def group_languages(self, qid: str) -> list[str]:
        """Languages in which question ``qid`` (and its answer) exists."""
        return [lang for lang in self.languages if (qid, lang) in self.relevant]

    def question_ids(self) -> list[str]:
        """Distinct question ids in load order."""
        return list(dict.fromkeys(q.qid for q in self.questions))

    def file_hashes(self, root: Path) -> dict[str, str]:
        """sha256 of every loaded file, keyed by its path relative to ``root``."""
        return {str(path.relative_to(root)): file_sha256(path) for path in self.files.values()}


def layout_help(root: Path) -> str:
    return (
        f"expected {root}/xquad-r/<lang>.json and {root}/mlqa-r/<lang>.json "
        "(SQuAD JSON with `sentences`); pass the folder with --data DIR or set SYNTH_LAREQA_DIR"
    )


def language_files(root: Path, name: str, languages: list[str] | None, strict: bool) -> dict[str, Path]:
    """Existing files for the requested languages; a missing one warns (or fails when strict)."""
    if name not in DATASET_LANGUAGES:
        raise DataError(f"unknown dataset {name!r}: use one of {', '.join(DATASET_LANGUAGES)}")
    folder = Path(root) / name
    if not folder.is_dir():
        raise DataError(f"LAReQA data folder not found: {folder}; {layout_help(Path(root))}")
    wanted = languages or list(DATASET_LANGUAGES[name])
    unknown = [lang for lang in wanted if lang not in DATASET_LANGUAGES[name]]
    if unknown:
        raise DataError(f"{name} has no language {', '.join(unknown)}: use {', '.join(DATASET_LANGUAGES[name])}")
    found: dict[str, Path] = {}
    for lang in wanted:
        path = folder / f"{lang}.json"
        if path.is_file():
            found[lang] = path
        elif strict:
            raise DataError(f"missing language file {path} (--strict); add it or drop '{lang}' from the languages")
        else:
            log.warning("missing language file %s: continuing without '%s' (use --strict to fail)", path, lang)
    if PIVOT_LANGUAGE not in found and PIVOT_LANGUAGE in DATASET_LANGUAGES[name]:
        pivot = folder / f"{PIVOT_LANGUAGE}.json"
        if not pivot.is_file():
            raise DataError(f"missing {pivot}: the English file names the articles; {layout_help(Path(root))}")
    if not found:
        raise DataError(f"no language files found in {folder}; {layout_help(Path(root))}")
    return found


def read_squad(path: Path) -> list[dict]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["data"]
    except (OSError, ValueError, KeyError) as error:
        raise DataError(f"cannot read {path} as SQuAD JSON with `sentences`: {error}") from error


def english_titles(folder: Path) -> dict[str, str]:
    """Question id -> English article title (underscores as spaces)."""
    titles: dict[str, str] = {}
    for article in read_squad(folder / f"{PIVOT_LANGUAGE}.json"):
        title = article["title"].replace("_", " ")
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                titles[qa["id"]] = title
    return titles


def answer_sentence(breaks: list[list[int]], answer_start: int) -> int:
    """Index of the sentence holding ``answer_start``: the last one starting at or before it."""
    starts = [start for start, _ in breaks]
    return max(bisect.bisect_right(starts, answer_start) - 1, 0)


def load_dataset(
    root: Path, name: str, languages: list[str] | None = None, strict: bool = False
) -> LareqaDataset:
    """Load ``name`` ("xquad-r" or "mlqa-r") for ``languages`` (default: all)."""
    files = language_files(Path(root), name, languages, strict)
    titles = english_titles(Path(root) / name)
    dataset = LareqaDataset(name=name, languages=list(files), questions=[], candidates=[], relevant={}, files=files)
    for lang, path in files.items():
        add_language(dataset, lang, read_squad(path), titles, path)
    return dataset


def add_language(dataset: LareqaDataset, lang: str, articles: list[dict], titles: dict[str, str], path: Path) -> None:
    for article in articles:
        for paragraph in article["paragraphs"]:
            try:
                sentences, breaks = paragraph["sentences"], paragraph["sentence_breaks"]
            except KeyError as error:
                raise DataError(f"{path}: paragraph without {error}; this is not the LAReQA (-R) format") from error
            first = len(dataset.candidates)
            title = titles.get(paragraph["qas"][0]["id"], article["title"]) if paragraph["qas"] else article["title"]
            dataset.candidates.extend(Candidate(lang, text, title) for text in sentences)
            for qa in paragraph["qas"]:
                article_title = titles.get(qa["id"], title.replace("_", " "))
                dataset.questions.append(Question(qa["id"], lang, qa["question"], article_title))
                sentence = answer_sentence(breaks, qa["answers"][0]["answer_start"])
                dataset.relevant[(qa["id"], lang)] = first + sentence
