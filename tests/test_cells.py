"""Table-cell checks (synth.models.cells): a claimed number read under the row and column the claim names."""

from __future__ import annotations

import pytest

from synth.ingest.tables import TableRow
from synth.models.cells import cell_checks
from synth.models.judge import ScoredCandidate, claim_features

BIG = TableRow("2", "The Transformer achieves better BLEU scores", "Transformer (big)",
               (("BLEU EN-DE", "28.4"), ("BLEU EN-FR", "41.8"), ("Training Cost (FLOPs) EN-DE", "2.3 · 10^19"))).unit_text()
CONVS2S = TableRow("2", "", "ConvS2S Ensemble [9]", (("BLEU EN-DE", "26.36"), ("BLEU EN-FR", "41.29"))).unit_text()
TABLE = f"{BIG}\n{CONVS2S}"


@pytest.mark.parametrize("claim, match, conflict", [
    ("The big Transformer scores 28.4 BLEU on the WMT 2014 English-to-German test set.", 1.0, 0.0),
    ("In the paper's BLEU comparison, the ConvS2S ensemble gets 26.36 on English-German newstest2014.", 1.0, 0.0),
    # the value of the other language pair's column
    ("The big Transformer scores 41.8 BLEU on the WMT 2014 English-to-German test set.", 0.0, 1.0),
    # the value of another row
    ("The big Transformer scores 26.36 BLEU on English-German.", 0.0, 1.0),
    ("The big Transformer scores 27.3 BLEU on English-German.", 0.0, 1.0),
    # names no row: the table says nothing either way
    ("The model gets 26.36 BLEU on English-German.", 0.0, 0.0),
    # no number to read
    ("The big Transformer beats the ConvS2S ensemble on English-German.", 0.0, 0.0),
])
def test_a_claimed_number_is_read_under_the_named_row_and_column(claim: str, match: float, conflict: float) -> None:
    assert cell_checks(claim, ["Some prose first.", TABLE]) == {"cell_match": match, "cell_conflict": conflict}


def test_a_row_whose_columns_the_claim_does_not_name_matches_anywhere_in_it() -> None:
    row = TableRow("3", "", "ELMo", ((None, "92.2"), ("Params", "93.6M"))).unit_text()
    assert cell_checks("ELMo reaches 92.2 on the task.", [row])["cell_match"] == 1.0
    assert cell_checks("ELMo reaches 90.1 on the task.", [row]) == {"cell_match": 0.0, "cell_conflict": 0.0}


def test_metrics_at_different_cutoffs_are_different_columns() -> None:
    row = TableRow("5", "Comparative results", "BLTM", (("#", "7"), ("NDCG@1", "0.316^α"), ("NDCG@3", "0.344^α"),
                                                       ("NDCG@10", "0.410^α"))).unit_text()
    assert cell_checks("BLTM achieves an NDCG@1 of 0.320.", [row]) == {"cell_match": 0.0, "cell_conflict": 1.0}
    assert cell_checks("BLTM achieves an NDCG@10 of 0.410.", [row]) == {"cell_match": 1.0, "cell_conflict": 0.0}
    assert cell_checks("BLTM achieves an NDCG@1 of 0.410.", [row]) == {"cell_match": 0.0, "cell_conflict": 1.0}


def test_prose_without_row_units_gives_no_cell_evidence() -> None:
    prose = "The big Transformer scores 28.4 BLEU on English-German, more than any earlier model."
    assert cell_checks("The big Transformer scores 28.4 BLEU on English-German.", [prose]) == {
        "cell_match": 0.0, "cell_conflict": 0.0}


def test_the_combiner_sees_the_cell_checks() -> None:
    candidates = [ScoredCandidate(TABLE, 0.6, (0.2, 0.7, 0.1))]
    features = claim_features("The big Transformer scores 41.8 BLEU on English-German.", candidates, scoped=True)
    assert (features["cell_match"], features["cell_conflict"]) == (0.0, 1.0)


def test_a_row_unit_whose_caption_a_passage_cut_off_still_reads_its_last_cell() -> None:
    cut = 'Table 7, row "combine-skip": MR: 76.5; TREC: 92.2 [caption: Results on the classification tasks; some'
    assert cell_checks("The combine-skip model reaches 92.2% accuracy on TREC.", [cut])["cell_match"] == 1.0
