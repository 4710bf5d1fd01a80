"""Extraction pieces that need no library: restatement detection and claim records."""

from __future__ import annotations

import pytest

from synth.claims.extract import _is_duplicate, paper_claims, to_claim
from synth.ingest.sections import detect_sections
from synth.records import Location, Page, Paper, ParsedPaper
from synth.settings import Settings

SETTINGS = Settings()
POLICY = SETTINGS.verify.extraction

ABSTRACT = "Language-balanced negative sampling lowers the own-language share of mContriever from 0.58 to 0.37."
RESULTS = ("Language-balanced negatives lower the own-language share of mContriever from 0.58 to 0.37 and its "
           "rank distance from 12.8 to 7.7.")
OTHER = "BM25 reaches an average nDCG@10 of 0.449 against 0.425 and wins on 6 of the 8 datasets."


def _claim(text: str):
    return to_claim(text, "p1", Location(page=1, section="4 Results", start=0, end=len(text)), 0.9, SETTINGS)


def test_restated_numbers_make_a_moderately_similar_claim_a_duplicate():
    assert _is_duplicate(0.82, _claim(ABSTRACT), _claim(RESULTS), POLICY)
    assert not _is_duplicate(0.82, _claim(OTHER), _claim(RESULTS), POLICY)
    assert _is_duplicate(0.95, _claim(OTHER), _claim(RESULTS), POLICY)
    assert not _is_duplicate(0.7, _claim(ABSTRACT), _claim(RESULTS), POLICY)


def test_claim_records_carry_kind_entities_numbers_and_comparisons():
    claim = _claim("Hybrid batch training outperforms monolingual training on MLQA-R in mAP.")
    assert claim.kind == "quantitative" and claim.entities.datasets == ["MLQA-R"]
    assert claim.comparisons[0].direction == "better"
    fact = _claim("XQuAD-R has 1,190 questions per language.")
    assert fact.kind == "dataset_fact" and fact.numbers[0].value == 1190
    assert _claim("The encoder maps both to unit vectors.").kind == "textual"


TITLE = "Hybrid Batches Beat Monolingual Batches by 0.03 mAP on XQuAD-R"
BODY = "Hybrid batches reach 0.578 mAP on XQuAD-R, against 0.561 for cross-lingual batches."


def _parsed(pages: list[str]) -> ParsedPaper:
    page_records = [Page(number=number, text=text) for number, text in enumerate(pages, start=1)]
    paper = Paper(paper_id="p1", title=TITLE, source="local", pdf_path="p1.pdf", sha256="0" * 64)
    return ParsedPaper(paper=paper, page_texts=page_records, sections=detect_sections(page_records))


def test_title_and_author_lines_are_not_extracted_as_claims():
    parsed = _parsed([f"{TITLE}\n\nAnna Lindqvist\n\nAbstract\n\n{BODY}\n", f"{TITLE}\n\n2 Results\n\n{BODY}\n"])
    texts = [" ".join(claim.text.split()) for claim in paper_claims(parsed, SETTINGS)]
    assert texts == [BODY, BODY]
    headless = paper_claims(_parsed([f"{BODY}\n"]), SETTINGS)
    assert [claim.text.strip() for claim in headless] == [BODY] and headless[0].location.section == ""


def test_the_end_of_a_sentence_hyphenated_across_a_page_break_is_not_a_claim():
    """'... This set-' ends page 1, 'ting matches ...' opens page 2 (1602.03483, pp. 3-4): a fragment."""
    rest = "ting matches the method applied to text classification tasks, reaching 0.578 mAP on XQuAD-R."
    parsed = _parsed([f"Abstract\n\n{BODY} This set-\n", f"{rest} {BODY}\n"])
    texts = [" ".join(claim.text.split()) for claim in paper_claims(parsed, SETTINGS)]
    assert rest not in texts
    assert texts.count(BODY) == 2


@pytest.mark.parametrize("lines", [
    # from the real report: 'Figure 4: Illustration of ...' and '... capable of working on many tasks:'
    pytest.param(("Figure 4: Hybrid batches reach 0.578 mAP on XQuAD-R at the max-pooling layer.",
                  "We show that hybrid batches reach 0.578 mAP on XQuAD-R on these tasks:"), id="caption-and-lead-in"),
    # from 2301.13298 and shen2014-clsm: axis ticks, and a table whose caption was not found, as one "sentence"
    pytest.param(("0.2 0.0 0.2 0.4 0.6 0.8 1.0 Pearson correlation rouge-1_f1 rouge-2_f1 bert_score SQuALITY FINE COARSE 0.2",
                  "# Models NDCG @1 NDCG @3 1 DSSM 0.327 0.363 2 CLSM win =1 0.340 0.374 reaching 0.578 mAP on XQuAD-R"),
                 id="plot-and-table-read-as-text"),
])
def test_lines_that_state_no_finding_are_not_claims(lines: tuple[str, str]):
    parsed = _parsed(["Abstract\n\n" + "\n\n".join(lines) + f"\n\n{BODY}\n"])
    texts = [" ".join(claim.text.split()) for claim in paper_claims(parsed, SETTINGS)]
    assert texts == [BODY]


def test_table_rows_are_evidence_not_claims():
    """A row unit ('Table 2, row "...": BLEU EN-DE: 28.4; ...') scores high on worthiness (numbers,
    a comparison in its caption) but states nothing; a sentence citing the table is the claim."""
    from synth.ingest.tables import TableRow

    row = TableRow("2", "The Transformer achieves better BLEU scores than previous models", "Transformer (big)",
                   (("BLEU EN-DE", "28.4"), ("BLEU EN-FR", "41.8"))).unit_text()
    parsed = _parsed([f"2 Results\n\n{row}\n{row.replace('(big)', '(base)')}\n\n{BODY}\n"])
    texts = [" ".join(claim.text.split()) for claim in paper_claims(parsed, SETTINGS)]
    assert texts == [BODY]
