"""Dataset-fact verifier: claims compared with counts computed from the LAReQA files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synth.studies.hybrid_batch.dataset import is_dataset_fact, stated_facts, verify_dataset_fact

EXAMPLE_PAIRS = ("For XQuAD-R (MLQA-R), there are 11 and 7 parallel languages; thus, there are 110 (42) and "
                 "11 (7) cross-lingual and monolingual")
EXAMPLE_LANGUAGES = ("XQuAD-R and MLQA-R are question-answering datasets with parallel questions and passages in "
                     "11 languages and 7 languages,")


def test_numbers_are_attributed_to_datasets_by_parentheses_and_order():
    facts = {(f.dataset, f.quantity): f.value for f in stated_facts(EXAMPLE_PAIRS)}
    assert facts == {("XQuAD-R", "languages"): 11, ("MLQA-R", "languages"): 7,
                     ("XQuAD-R", "cross_lingual_pairs"): 110, ("XQuAD-R", "monolingual_pairs"): 11,
                     ("MLQA-R", "cross_lingual_pairs"): 42, ("MLQA-R", "monolingual_pairs"): 7}
    assert is_dataset_fact(EXAMPLE_LANGUAGES)
    assert not is_dataset_fact("The mean average precision (mAP) is reported for XQuAD-R and MLQA-R.")


@pytest.mark.lareqa
def test_example_report_dataset_claims_come_out_with_computed_numbers(lareqa_dir: Path):
    judgement = verify_dataset_fact(EXAMPLE_PAIRS, lareqa_dir)
    assert judgement.verdict == "supported"
    assert "XQuAD-R cross lingual pairs: claimed 110, computed 110" in judgement.rationale
    assert "MLQA-R cross lingual pairs: claimed 42, computed 42" in judgement.rationale
    quotes = {e.paper_id: e.quote for e in judgement.evidence if e.section == "language pairs"}
    assert "110 cross-lingual pairs" in quotes["dataset:xquad-r"] and "42 cross-lingual" in quotes["dataset:mlqa-r"]
    languages = verify_dataset_fact(EXAMPLE_LANGUAGES, lareqa_dir)
    assert languages.verdict == "supported" and "MLQA-R languages: claimed 7, computed 7" in languages.rationale


@pytest.mark.lareqa
@pytest.mark.parametrize("claim, shown", [
    ("MLQA-R covers 8 languages.", "computed 7"),
    ("For XQuAD-R there are 121 cross-lingual language pairs.", "computed 110"),
    ("MLQA-R includes Thai.", "has no Thai"),
    ("In MLQA-R every question is parallel across all 7 languages.", "4 (4-way parallel)"),
])
def test_wrong_dataset_facts_are_refuted_with_the_computed_value(lareqa_dir: Path, claim: str, shown: str):
    judgement = verify_dataset_fact(claim, lareqa_dir)
    assert judgement.verdict == "refuted" and shown in judgement.rationale


def _write_language(folder: Path, language: str, question_ids: list[str]) -> None:
    qas = [{"id": qid, "question": "q?", "answers": [{"answer_start": 0, "text": "a"}]} for qid in question_ids]
    data = {"data": [{"title": "t", "paragraphs": [{"context": "a b.", "qas": qas, "sentences": ["a b."],
                                                     "sentence_breaks": [[0, 4]]}]}]}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{language}.json").write_text(json.dumps(data))


def test_counts_follow_the_files_given_with_data(tmp_path: Path):
    for language in ("en", "de", "ar"):
        _write_language(tmp_path / "xquad-r", language, ["q1", "q2"])
    assert verify_dataset_fact("XQuAD-R has 3 languages and 6 cross-lingual pairs.", tmp_path).verdict == "supported"
    refuted = verify_dataset_fact("XQuAD-R has 11 languages.", tmp_path)
    assert refuted.verdict == "refuted" and "computed 3" in refuted.rationale


def test_missing_data_folder_gives_insufficient_evidence_with_the_reason(tmp_path: Path):
    missing = verify_dataset_fact(EXAMPLE_LANGUAGES, tmp_path / "nowhere")
    assert missing.verdict == "insufficient_evidence" and "--data" in missing.rationale
    (tmp_path / "empty").mkdir()
    no_files = verify_dataset_fact(EXAMPLE_LANGUAGES, tmp_path / "empty")
    assert no_files.verdict == "insufficient_evidence" and "xquad-r" in no_files.rationale


@pytest.mark.parametrize("claim", [
    "On XQuAD-R the rank distance of XLM-R falls from 14.2 with monolingual batches to 9.1 with cross-lingual "
    "and 8.4 with hybrid batches.",
    "In the monolingual setting on XQuAD-R, hybrid batches reach 0.744 against 0.741, while cross-lingual batches "
    "lose up to 0.031 mAP.",
    "XQuAD-R has 11 languages, on which the hybrid model reaches 0.578 mAP.",
])
def test_claims_stating_scores_are_not_routed_to_the_dataset_verifier(claim: str):
    assert not is_dataset_fact(claim)


@pytest.mark.parametrize("claim", [
    EXAMPLE_PAIRS,
    "XQuAD-R has parallel questions and passages in 11 languages and MLQA-R in 7 languages.",
    "MLQA-R includes Thai.",
    "In MLQA-R every question is parallel across all 7 languages.",
])
def test_claims_counting_languages_or_pairs_are_routed_to_the_dataset_verifier(claim: str):
    assert is_dataset_fact(claim)
