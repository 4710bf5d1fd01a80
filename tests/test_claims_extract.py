"""Extraction pieces that need no library: restatement detection and claim records."""

from __future__ import annotations

from synth.claims.extract import _is_duplicate, to_claim
from synth.records import Location

ABSTRACT = "Language-balanced negative sampling lowers the own-language share of mContriever from 0.58 to 0.37."
RESULTS = ("Language-balanced negatives lower the own-language share of mContriever from 0.58 to 0.37 and its "
           "rank distance from 12.8 to 7.7.")
OTHER = "BM25 reaches an average nDCG@10 of 0.449 against 0.425 and wins on 6 of the 8 datasets."


def _claim(text: str):
    return to_claim(text, "p1", Location(page=1, section="4 Results", start=0, end=len(text)), 0.9)


def test_restated_numbers_make_a_moderately_similar_claim_a_duplicate():
    assert _is_duplicate(0.82, _claim(ABSTRACT), _claim(RESULTS))
    assert not _is_duplicate(0.82, _claim(OTHER), _claim(RESULTS))
    assert _is_duplicate(0.95, _claim(OTHER), _claim(RESULTS))
    assert not _is_duplicate(0.7, _claim(ABSTRACT), _claim(RESULTS))


def test_claim_records_carry_kind_entities_numbers_and_comparisons():
    claim = _claim("Hybrid batch training outperforms monolingual training on MLQA-R in mAP.")
    assert claim.kind == "quantitative" and claim.entities.datasets == ["MLQA-R"]
    assert claim.comparisons[0].direction == "better"
    fact = _claim("XQuAD-R has 1,190 questions per language.")
    assert fact.kind == "dataset_fact" and fact.numbers[0].value == 1190
    assert _claim("The encoder maps both to unit vectors.").kind == "textual"
