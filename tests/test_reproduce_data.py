"""LAReQA loading and the zero-shot splits (generated fixtures + the real files)."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from synth.errors import DataError
from synth.reproduce.data import load_dataset
from synth.reproduce.splits import SHARED_ARTICLES, first_articles, training_view, zero_shot_split
from tests.support.lareqa import MLQA_LANGUAGES, XQUAD_LANGUAGES, write_lareqa_fixture


@pytest.fixture(scope="module")
def fixture_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_lareqa_fixture(tmp_path_factory.mktemp("lareqa"))


def test_relevant_candidate_is_the_sentence_holding_the_answer(fixture_dir: Path) -> None:
    dataset = load_dataset(fixture_dir, "xquad-r", list(XQUAD_LANGUAGES))
    raw = json.loads((fixture_dir / "xquad-r" / "de.json").read_text())
    answers = {qa["id"]: qa["answers"][0]["text"] for a in raw["data"] for p in a["paragraphs"] for qa in p["qas"]}
    for qid, answer in answers.items():
        sentence = dataset.candidates[dataset.relevant[(qid, "de")]]
        assert sentence.language == "de" and answer in sentence.text.split()


def test_parallel_groups_follow_question_ids(fixture_dir: Path) -> None:
    xquad = load_dataset(fixture_dir, "xquad-r", list(XQUAD_LANGUAGES))
    mlqa = load_dataset(fixture_dir, "mlqa-r", list(MLQA_LANGUAGES))
    assert all(xquad.group_languages(qid) == list(XQUAD_LANGUAGES) for qid in xquad.question_ids())
    sizes = {len(mlqa.group_languages(qid)) for qid in mlqa.question_ids()}
    assert min(sizes) >= 2 and max(sizes) <= 4
    assert all("en" in mlqa.group_languages(qid) for qid in mlqa.question_ids())


def test_articles_are_english_titles_with_spaces(fixture_dir: Path) -> None:
    dataset = load_dataset(fixture_dir, "xquad-r", ["de", "en"])
    german = {q.article for q in dataset.questions if q.language == "de"}
    assert SHARED_ARTICLES <= german


def test_missing_folder_names_the_layout_and_the_flag(tmp_path: Path) -> None:
    with pytest.raises(DataError) as error:
        load_dataset(tmp_path / "nowhere", "xquad-r")
    message = str(error.value)
    assert "--data" in message and "xquad-r/<lang>.json" in message and "\n" not in message


def test_missing_language_warns_and_continues_unless_strict(
    fixture_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(fixture_dir, copy)
    (copy / "xquad-r" / "zh.json").unlink()
    with caplog.at_level(logging.WARNING):
        dataset = load_dataset(copy, "xquad-r", list(XQUAD_LANGUAGES))
    assert dataset.languages == ["en", "de", "es"]
    assert "zh.json" in caplog.text and "--strict" in caplog.text
    with pytest.raises(DataError, match="zh.json"):
        load_dataset(copy, "xquad-r", list(XQUAD_LANGUAGES), strict=True)


def test_unknown_language_is_rejected(fixture_dir: Path) -> None:
    with pytest.raises(DataError, match="no language xx"):
        load_dataset(fixture_dir, "xquad-r", ["en", "xx"])


def test_training_view_drops_shared_articles_everywhere(fixture_dir: Path) -> None:
    full = load_dataset(fixture_dir, "mlqa-r", list(MLQA_LANGUAGES))
    train = training_view(full)
    assert not SHARED_ARTICLES & {q.article for q in train.questions}
    assert not SHARED_ARTICLES & {c.article for c in train.candidates}
    kept = [key for key in full.relevant if key in train.relevant]
    assert kept and all(train.candidates[train.relevant[k]].text == full.candidates[full.relevant[k]].text for k in kept)


def test_first_articles_keeps_whole_articles(fixture_dir: Path) -> None:
    small = first_articles(load_dataset(fixture_dir, "xquad-r", list(XQUAD_LANGUAGES)), 1)
    assert {q.article for q in small.questions} == {c.article for c in small.candidates} == {"Harvard University"}
    assert all((q.qid, q.language) in small.relevant for q in small.questions)


@pytest.mark.lareqa
def test_real_counts_match_the_dataset_readme(lareqa_dir: Path) -> None:
    xquad = load_dataset(lareqa_dir, "xquad-r")
    mlqa = load_dataset(lareqa_dir, "mlqa-r")
    assert len(xquad.languages) == 11 and len(mlqa.languages) == 7
    assert sum(c.language == "th" for c in xquad.candidates) == 852
    assert sum(c.language == "en" for c in mlqa.candidates) == 6264
    assert sum(q.language == "en" for q in mlqa.questions) == 1148
    assert len(xquad.candidates) == 13014 and len(xquad.questions) == 11 * 1190


@pytest.mark.lareqa
@pytest.mark.parametrize("train_name", ["mlqa-r", "xquad-r"])
def test_real_zero_shot_split_shares_no_article(lareqa_dir: Path, train_name: str) -> None:
    split = zero_shot_split(train_name)
    train = training_view(load_dataset(lareqa_dir, split.train))
    evaluation = load_dataset(lareqa_dir, split.eval)
    eval_articles = {q.article for q in evaluation.questions}
    assert SHARED_ARTICLES <= eval_articles, "the shared articles stay in the evaluation set"
    assert not {q.article for q in train.questions} & eval_articles
    assert not {c.article for c in train.candidates} & eval_articles
    assert len(train.candidates) < len(load_dataset(lareqa_dir, split.train).candidates)
