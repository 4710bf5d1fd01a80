"""Table-cell checks (synth.models.cells): a claimed number read under the row and column the claim names."""

from __future__ import annotations

import pytest

from synth.ingest.tables import TableRow
from synth.models.cells import cell_checks, claimed_tables, read_cells
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
    # no number to read, two rows ranked (tests below)
    ("The big Transformer beats the ConvS2S ensemble on English-German.", 1.0, 0.0),
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


def test_names_with_numbers_and_settings_are_kept_whole() -> None:
    """Names that differ only in a number ("test-crawl10", "ResNet-50", "win =3", "Threshold = 1.5") are different names."""
    crawl = TableRow("4", "", "CodeR", (("test-crawl10", "61.2"), ("test-crawl11", "58.9"), ("test-ep", "70.3"))).unit_text()
    assert cell_checks("On test-crawl11, CodeR scores 58.9.", [crawl]) == {"cell_match": 1.0, "cell_conflict": 0.0}
    assert cell_checks("On test-crawl11, CodeR scores 61.2.", [crawl]) == {"cell_match": 0.0, "cell_conflict": 1.0}
    windows = [TableRow("6", "", f"CLSM win ={size}", (("NDCG@1", score),)).unit_text()
               for size, score in (("1", "0.340"), ("3", "0.348"))]
    assert cell_checks("CLSM with win = 3 reaches an NDCG@1 of 0.340.", windows)["cell_conflict"] == 1.0
    thresholds = TableRow("3", "", "Potsdam", (("Threshold = 1.0", "15.87"), ("Threshold = 1.5", "9.85"))).unit_text()
    assert cell_checks("With a threshold of 1.5, 15.87% of each Potsdam map is flagged.", [thresholds]) == {
        "cell_match": 0.0, "cell_conflict": 1.0}
    assert cell_checks("With a threshold of 1.5, 9.85% of each Potsdam map is flagged.", [thresholds])["cell_match"] == 1.0


def test_a_second_value_in_the_rows_format_that_the_row_never_states_is_a_conflict() -> None:
    """acl-p07-1088 Table 1: 0.827 is HMM-T's Founded score; its Headquartered score is 0.734."""
    rows = [TableRow("1", "", relation, (("HMM-T", hmm), ("N-GRAMS", ngrams))).unit_text()
            for relation, hmm, ngrams in (("Headquartered", "0.734", "0.589"), ("Founded", "0.827", "0.636"))]
    claim = "On Headquartered, HMM-T reaches {} against 0.589 for N-GRAMS."
    assert cell_checks(claim.format("0.827"), rows) == {"cell_match": 0.0, "cell_conflict": 1.0}
    assert cell_checks(claim.format("0.734"), rows) == {"cell_match": 1.0, "cell_conflict": 0.0}
    # a number in another format (a count, a year) is no value of the row
    assert cell_checks("On Headquartered in 2007, over 5 runs, N-GRAMS reaches 0.589.", rows)["cell_match"] == 1.0


def test_a_scaled_claim_reads_a_cell_whose_header_carries_the_scale() -> None:
    row = TableRow("3", "", "base", (("N", "6"), ("params (M)", "65"))).unit_text()
    assert cell_checks("The base model has about 65 million parameters.", [row])["cell_match"] == 1.0
    assert cell_checks("The base model has 65,000,000 parameters.", [row])["cell_match"] == 0.0  # no scale to drop
    scaled = TableRow("3", "", "ELMo", ((None, "92.2"), ("Params", "93.6M"))).unit_text()
    assert cell_checks("ELMo has 93.6 million parameters.", [scaled])["cell_match"] == 1.0


def test_a_claims_average_names_the_specific_row_it_ties_with_not_the_average_row() -> None:
    """LongEval Table 3: standard deviation of faithfulness scores across annotators, by dataset."""
    rows = [TableRow("3", "", label, (("COARSE", coarse), ("FINE", fine))).unit_text() for label, coarse, fine in (
        ("PubMed", "11.8", "7.3"), ("PubMed + ngram block", "11.7", "9.3"), ("Average", "14.0", "7.8"))]
    claim = "On PubMed, FINE-grained judgments showed an average standard deviation across annotators of {}."
    assert cell_checks(claim.format("9.3"), rows) == {"cell_match": 0.0, "cell_conflict": 1.0}
    assert cell_checks(claim.format("7.3"), rows) == {"cell_match": 1.0, "cell_conflict": 0.0}
    assert cell_checks("Averaged over datasets, FINE judgments vary by 7.8.", rows)["cell_match"] == 1.0


def test_prose_without_row_units_gives_no_cell_evidence() -> None:
    prose = "The big Transformer scores 28.4 BLEU on English-German, more than any earlier model."
    assert cell_checks("The big Transformer scores 28.4 BLEU on English-German.", [prose]) == {
        "cell_match": 0.0, "cell_conflict": 0.0}


MUSE = [TableRow("1", "Word translation retrieval P@1", label, cells) for label, cells in [
    ("Procrustes - CSLS", (("en-es", "81.4"), ("en-ru", "51.7"), ("en-zh", "42.7"))),
    ("Adv - Refine - CSLS", (("en-es", "81.7"), ("en-ru", "44.0"), ("en-zh", "32.5"))),
]] + [TableRow("2", "Sentence translation retrieval", "Adv - Refine - CSLS", (("en-it", "66.2"),))]


def test_a_claimed_number_in_digits_brings_in_every_row_of_the_table_that_states_it() -> None:
    claim = "The supervised Procrustes-CSLS baseline attains 51.7 P@1 on English-to-Chinese word translation."
    assert claimed_tables(claim, MUSE) == MUSE[:2]
    assert cell_checks(claim, ["The claim's own search found only prose."], claimed_tables(claim, MUSE)) == {
        "cell_match": 0.0, "cell_conflict": 1.0}  # 51.7 is the en-ru cell; en-zh is 42.7


BASE = TableRow("3", "Variations on the Transformer architecture", "base", (("N", "6"), ("h", "8"), ("PPL (dev)", "4.92")))


@pytest.mark.parametrize("claim", [
    "The base model averaged the last eight checkpoints.",  # spelled out: "h" is 8
    "Procrustes-CSLS attains 52 P@1 on English-to-Russian.",  # rounds to 51.7, states no cell
    "Procrustes-CSLS is the supervised baseline.",  # no number
])
def test_no_table_comes_in_without_a_number_the_claim_writes_in_digits_and_a_cell_states(claim: str) -> None:
    assert claimed_tables(claim, [*MUSE, BASE]) == []


def test_a_ranking_without_a_number_brings_in_the_table_holding_both_sides_unless_told_not_to() -> None:
    claim = "On English-to-Russian word translation, Procrustes-CSLS beats Adv-Refine-CSLS."
    assert claimed_tables(claim, MUSE) == MUSE[:2], "table 2 holds only one side"
    assert claimed_tables(claim, MUSE, rankings=False) == []
    assert cell_checks(claim, ["Only prose was found."], claimed_tables(claim, MUSE)) == {
        "cell_match": 1.0, "cell_conflict": 0.0}  # en-ru: 51.7 against 44.0


def _stacked(table: str, blocks: list[list[tuple[str, str]]]) -> list[TableRow]:
    return [TableRow(table, "Results on Potsdam (top) and Vaihingen (bottom)", label, (("mIoU", value),))
            for block in blocks for label, value in block]


@pytest.mark.parametrize("vaihingen_hotspot, match, conflict", [
    ("64.5", 0.0, 0.0),  # ahead on Potsdam, behind on Vaihingen: the claim names neither, the table says neither
    ("66.0", 1.0, 0.0),  # ahead in both blocks
])
def test_a_ranking_in_a_table_stacking_two_blocks_under_one_caption_must_hold_in_both(
        vaihingen_hotspot: str, match: float, conflict: float) -> None:
    rows = _stacked("1", [[("Max", "66.72"), ("Hotspot (ours)", "67.98")], [("Max", "65.61"), ("Hotspot (ours)", vaihingen_hotspot)]])
    claim = "Hotspot pooling reaches a higher mIoU than max pooling."
    assert cell_checks(claim, [], rows) == {"cell_match": match, "cell_conflict": conflict}


def test_a_ranking_is_read_in_the_first_table_whose_cells_can_be_compared() -> None:
    both_in_one_cell = [TableRow("2", "SQuAD", label, (("EM / F1", value),))
                        for label, value in [("QANet", "73.6 / 82.7"), ("BiDAF", "67.7 / 77.3")]]
    adversarial = [TableRow("6", "Adversarial SQuAD", label, (("AddSent", value),)) for label, value in [("QANet", "45.2"), ("BiDAF", "34.3")]]
    claim = "BiDAF outscores QANet."
    assert cell_checks(claim, [], [*both_in_one_cell, *adversarial]) == {"cell_match": 0.0, "cell_conflict": 1.0}


def test_a_row_whose_label_the_parse_lost_and_that_states_the_number_withholds_the_conflict() -> None:
    rows = [TableRow("4", "Results on CodeRAG", label, (("SWE-bench-Lite", value), ("Avg", average)))
            for label, value, average in [("w/ text-only data & synthetic data", "65.9", "70.7"), ("", "67.4", "72.8")]]
    claim = "On SWE-bench-Lite, CodeR trained with text-only data plus the full code data scores 67.4."
    assert cell_checks(claim, [], rows) == {"cell_match": 0.0, "cell_conflict": 0.0}
    assert cell_checks(claim, [], rows[:1]) == {"cell_match": 0.0, "cell_conflict": 1.0}
    assert cell_checks(claim.replace("67.4", "66.3"), [], rows)["cell_conflict"] == 1.0, "the unlabelled row states another number"


def test_the_combiner_sees_the_cell_checks() -> None:
    candidates = [ScoredCandidate(TABLE, 0.6, (0.2, 0.7, 0.1))]
    features = claim_features("The big Transformer scores 41.8 BLEU on English-German.", candidates, scoped=True)
    assert (features["cell_match"], features["cell_conflict"]) == (0.0, 1.0)


ADV_SQUAD = "\n".join(TableRow("6", "The F1 scores on the adversarial SQuAD test set.", label, cells).unit_text() for label, cells in [
    ("QANet", (("AddSent", "45.2"), ("AddOneSent", "55.7"))),
    ("Mnemonic (Hu et al., 2017)", (("AddSent", "46.6"), ("AddOneSent", "56.0"))),
    ("BiDAF (Seo et al., 2016)", (("AddSent", "34.3"), ("AddOneSent", "45.7"))),
])


@pytest.mark.parametrize("claim, match, conflict", [
    ("On adversarial SQuAD, QANet outscores the Mnemonic reader on both AddSent and AddOneSent.", 0.0, 1.0),
    ("On adversarial SQuAD, the Mnemonic reader outscores QANet on both AddSent and AddOneSent.", 1.0, 0.0),
    ("QANet gets a higher AddSent F1 than BiDAF.", 1.0, 0.0),
    ("QANet gets a lower AddSent F1 than BiDAF.", 0.0, 1.0),
    ("QANet does not beat BiDAF on AddSent.", 0.0, 1.0),
    ("BiDAF trails QANet on AddOneSent.", 1.0, 0.0),
    # one side names no row of the table: nothing either way
    ("QANet outscores every earlier reader on AddSent.", 0.0, 0.0),
])
def test_a_ranking_of_two_rows_is_read_in_the_named_columns(claim: str, match: float, conflict: float) -> None:
    assert cell_checks(claim, [ADV_SQUAD]) == {"cell_match": match, "cell_conflict": conflict}


def test_a_reading_names_the_table_and_rows_that_decided_it() -> None:
    reversed_ranking = read_cells("QANet outscores the Mnemonic reader on AddSent.", [ADV_SQUAD])
    assert reversed_ranking.describe() == 'Table 6 ranks "QANet" and "Mnemonic (Hu et al., 2017)" the other way'
    stated = read_cells("BiDAF reaches an AddSent F1 of 34.3.", [ADV_SQUAD])
    assert stated.describe() == 'Table 6, row "BiDAF (Seo et al., 2016)", states its number'
    assert read_cells("QANet outscores every earlier reader on AddSent.", [ADV_SQUAD]).describe() is None


def test_better_on_a_lower_is_better_column_is_the_smaller_number() -> None:
    rows = "\n".join(TableRow("3", "", label, (("PPL (dev)", ppl), ("BLEU (dev)", bleu))).unit_text()
                     for label, ppl, bleu in [("base", "4.92", "25.8"), ("(E) learned positions", "4.95", "25.7")])
    assert cell_checks("The base model beats the learned positions variant on PPL.", [rows])["cell_match"] == 1.0
    assert cell_checks("The learned positions variant has a higher PPL than the base model.", [rows])["cell_match"] == 1.0
    assert cell_checks("The learned positions variant beats the base model on BLEU.", [rows])["cell_conflict"] == 1.0


def test_a_row_unit_whose_caption_a_passage_cut_off_still_reads_its_last_cell() -> None:
    cut = 'Table 7, row "combine-skip": MR: 76.5; TREC: 92.2 [caption: Results on the classification tasks; some'
    assert cell_checks("The combine-skip model reaches 92.2% accuracy on TREC.", [cut])["cell_match"] == 1.0
