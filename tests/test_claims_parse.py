"""Sentence segmentation, entity / number / comparison reading and claim ids."""

from __future__ import annotations

import pytest

from synth.text.comparisons import comparisons_of, direction_of, is_negated
from synth.text.mentions import entities_of, numbers_agree, numbers_of
from synth.text.normalise import claim_id
from synth.text.segment import sentences

PDF_TEXT = (
    "3.1 Datasets\nXQuAD-R has parallel questions in 11\nlanguages (Roy et al., 2020). Fig. 2 shows\n"
    "a mAP of 0.578 vs. 0.561 for cross-lingual batches.\nTable 1: Zero-shot mAP.\n4 Results\n"
    "Hybrid batches give the best multilingual mAP in all four combinations."
)


def test_sentences_are_exact_substrings_and_survive_line_breaks_and_abbreviations():
    found = sentences(PDF_TEXT)
    assert all(PDF_TEXT[s.start : s.end] == s.text for s in found)
    texts = [" ".join(s.text.split()) for s in found]
    assert "XQuAD-R has parallel questions in 11 languages (Roy et al., 2020)." in texts
    assert "Fig. 2 shows a mAP of 0.578 vs. 0.561 for cross-lingual batches." in texts
    assert not any(text.startswith(("3.1 Datasets", "4 Results")) for text in texts), texts


def test_numbers_skip_years_citations_and_entity_names():
    values = [q.value for q in numbers_of("BM25 reaches 0.449 nDCG@10 on BEIR (Thakur et al., 2021), 3.5% above DPR [12].")]
    assert values == [0.449, 3.5]
    thousands = numbers_of("XQuAD-R has about 13k candidates and 1,190 questions per language.")
    assert [(q.value, q.unit) for q in thousands] == [(13000.0, "candidates"), (1190.0, "questions")]


def test_scale_words_and_letters_multiply_and_widen_the_precision():
    written = numbers_of("It saw 30 million pairs, not 30M queries; the 1.5B model saw 16.4 billion tokens in 5 m.")
    assert [q.value for q in written] == [3e7, 3e7, 1.5e9, pytest.approx(1.64e10), 5.0]  # 5 m: metres or minutes
    assert [q.unit for q in written][:2] == ["pairs", "queries"]
    claimed, stated = numbers_of("16.4B tokens")[0], numbers_of("16.38 billion tokens")[0]
    assert numbers_agree(claimed, stated)  # the claim's precision is 0.1 billion
    assert not numbers_agree(numbers_of("16B tokens")[0], numbers_of("17B tokens")[0])


def test_entities_prefer_the_longer_name():
    entities = entities_of("XQuAD-R and MLQA-R come from XQuAD and MLQA; we fine-tune XLM-R and LaBSE and report mAP.")
    assert entities.datasets == ["XQuAD-R", "MLQA-R", "XQuAD", "MLQA"]
    assert entities.models == ["XLM-R", "LaBSE"] and entities.metrics == ["mAP"]


def test_direction_handles_lower_is_better_and_negation():
    assert direction_of("Hybrid training reduces language bias compared with monolingual training.") == "better"
    assert direction_of("Hybrid training increases language bias.") == "worse"
    assert direction_of("BM25 does not outperform the dense retriever.") == "worse"
    assert direction_of("Its error drops to 3.1%.") == direction_of("Its loss falls below the baseline.") == "better"
    for judged_worse in ("Label smoothing hurts perplexity.", "The model has worse perplexity than the baseline.",
                         "X underperforms Y in loss."):
        assert direction_of(judged_worse) == "worse", judged_worse
    assert is_negated("The models have never seen XQuAD-R.") and not is_negated("not only A but B")
    [comparison] = comparisons_of("Hybrid batch training outperforms monolingual training on MLQA-R in mAP.")
    assert (comparison.subject, comparison.baseline, comparison.metric, comparison.direction) == (
        "hybrid batch training", "monolingual batch training", "mAP", "better")


def test_claim_id_ignores_case_spacing_and_final_period_but_not_the_paper():
    assert claim_id("Hybrid  batches help.", "p1") == claim_id("hybrid batches help", "p1")
    assert claim_id("Hybrid batches help.", "p1") != claim_id("Hybrid batches help.", "p2")
