"""Segmentation of page text shaped like real papers: list items, numbers pysbd cuts off,
footnotes moved to the page end, display equations, and glyphs lost by symbol fonts."""

from __future__ import annotations

from synth.ingest.clean import clean_pages
from synth.ingest.layout import Piece, footnotes_last, run_in_headings_apart
from synth.text.segment import EQUATION, FOOTNOTE, FOOTNOTE_MARK, SENTENCE, locate, sentences

PAGE = """Our research contributions can be summarized as follows:
\uf0b7 We propose a novel model that captures both word n-gram and sentence structures
using carefully designed convolution and pooling operations;
\u2022 Link Prediction in Knowledge Bases: we show that our method
outperforms several methods on Freebase 15K.
(2) we carry out an extensive experimental study on the proposed model.
Supervised methods of the baseline group
Table 7: Test metrics and training time on Wikipedia Sentence Matching.
The main results of our experiments are summarized in Table
5. First, we observe that the model outperforms the term matching baselines.
The feed-forward layer of the encoder is computed as follows
FFN(x) = max(0,xW1 + b1)W2 + b2 (2)
and the inner layer has dimensionality
df f = 2048. We train it with AdamW (beta1 = 0.9, beta2 = 0.95,
weight decay 0.1) for 18,000 steps.
^3 For comparison, we re-implemented the baseline on the current
data set. The data set used in [20] is encoded differently."""


def by_text() -> dict[str, str]:
    return {sentence.text: sentence.kind for sentence in sentences(PAGE)}


def test_list_items_are_sentences_without_their_bullet_or_enumerator():
    units = by_text()
    assert units["Our research contributions can be summarized as follows:"] == SENTENCE
    assert ("We propose a novel model that captures both word n-gram and sentence structures\n"
            "using carefully designed convolution and pooling operations;") in units
    assert "Link Prediction in Knowledge Bases: we show that our method\noutperforms several methods on Freebase 15K." in units
    assert "we carry out an extensive experimental study on the proposed model." in units
    assert not any(text.startswith(("\u2022", "\uf0b7", "(2)")) for text in units)


def test_a_caption_opens_a_unit_of_its_own():
    assert "Table 7: Test metrics and training time on Wikipedia Sentence Matching." in by_text()


def test_a_number_ending_a_sentence_is_not_read_as_the_next_ones_enumerator():
    units = by_text()
    assert "The main results of our experiments are summarized in Table\n5." in units
    assert "First, we observe that the model outperforms the term matching baselines." in units


def test_display_equations_and_footnotes_are_units_of_their_own():
    units = by_text()
    assert units["FFN(x) = max(0,xW1 + b1)W2 + b2 (2)"] == EQUATION
    assert "The feed-forward layer of the encoder is computed as follows" in units
    assert units["and the inner layer has dimensionality\ndf f = 2048."] == SENTENCE  # prose with a value
    assert units["We train it with AdamW (beta1 = 0.9, beta2 = 0.95,\nweight decay 0.1) for 18,000 steps."] == SENTENCE
    notes = [text for text, kind in units.items() if kind == FOOTNOTE]
    assert notes == ["^3 For comparison, we re-implemented the baseline on the current\ndata set.",
                     "The data set used in [20] is encoded differently."]


def test_quotes_in_one_block_do_not_keep_pysbd_from_splitting_the_next():
    """Empty row labels (``row ""``) once paired up across a page and made the paragraph between them one
    unquoted-looking "quotation" that pysbd never split (1702.03859 p. 7: a 1,868-character sentence)."""
    unit = 'Table 4, row "": Precision: @1; CCA: 0.291 [caption: Translation performance.]'
    paragraph = ("The corpus comprises 2 million English sentences (Koehn, 2005). As outlined earlier,\n"
                 "we form sentence vectors by summing over the words. These vectors serve two tasks.")
    texts = [unit.text for unit in sentences(f"{unit}\n\n{paragraph}\n\n{unit}")]
    assert texts[1:4] == ["The corpus comprises 2 million English sentences (Koehn, 2005).",
                          "As outlined earlier,\nwe form sentence vectors by summing over the words.",
                          "These vectors serve two tasks."]
    assert texts[0] == texts[-1] == unit


def test_a_table_row_unit_is_one_unit_whatever_full_stops_its_cells_hold():
    unit = 'Table 1, row "Warm-up 2k": Val. loss: 3.10; Diverged: 0/5 [caption: Loss by warm-up. Lower is better.]'
    assert [sentence.text for sentence in sentences(f"Table 1: Loss by warm-up.\n\n{unit}\n\nWe see no divergence.")][1] == unit


def test_every_unit_is_an_exact_substring_that_locate_finds():
    for sentence in sentences(PAGE):
        assert PAGE[sentence.start:sentence.end] == sentence.text
        assert locate(sentence.text, PAGE) == sentence.start


def test_brackets_and_commas_left_by_lost_glyphs_are_cleaned():
    page = "First, the CLSM ( ) outperforms BM25 with samples, , in training [ ] and f() [1] (a)."
    assert clean_pages([page]) == ["First, the CLSM outperforms BM25 with samples, in training and f() [1] (a)."]


def test_footnotes_move_to_the_page_end_and_stay_off_running_footer_removal():
    left = [Piece("We then further investigated the model using", 150.0, 9.0), Piece("\n", 0.0, 9.0),
            Piece("3", 113.0, 6.0), Piece(" For comparison, we re-implemented it.", 109.0, 9.0),
            Piece("\n", 0.0, 9.0), Piece("(personal communication).", 99.0, 9.0), Piece("\n", 0.0, 9.0)]
    right = [Piece("different context window sizes.", 710.0, 9.0)]
    text = footnotes_last(left + right, 0.0, 792.0)
    assert text.split("\n") == ["We then further investigated the model using", "different context window sizes.",
                                f"{FOOTNOTE_MARK}3 For comparison, we re-implemented it.", "(personal communication)."]
    high = [Piece("3", 600.0, 6.0), Piece(" raised but high on the page", 596.0, 9.0)]
    assert not footnotes_last(high, 0.0, 792.0).startswith(FOOTNOTE_MARK)
    pages = [f"Body {n}\nmore text\n7\n{FOOTNOTE_MARK}1 A note." for n in range(3)]
    assert all(page.endswith(f"{FOOTNOTE_MARK}1 A note.") for page in clean_pages(pages))


def _spelled(pieces: list[Piece]) -> str:
    return "".join(piece.text for piece in run_in_headings_apart(pieces))


def test_a_bold_run_in_heading_gets_a_line_and_a_full_stop_of_its_own():
    regular = Piece(" One of the main problems\n", 700.0, 10.0)
    line = [Piece("\u2022", 700.0, 10.0), Piece(" Coverage", 700.0, 10.0, bold=True), regular]
    text = _spelled([Piece("pitfalls:\n", 712.0, 10.0), *line, Piece("is coverage.", 688.0, 10.0)])
    assert text == "pitfalls:\n\u2022 Coverage.\nOne of the main problems\nis coverage."
    assert [unit.text for unit in sentences(text)] == ["One of the main problems\nis coverage."]  # the rest is short
    ended = [Piece("Adversarial approach.", 500.0, 10.0, bold=True), Piece(" Table 1 shows that it works.", 500.0, 10.0)]
    assert _spelled(ended) == "Adversarial approach.\nTable 1 shows that it works."


def test_bold_words_that_are_not_run_in_headings_stay_in_their_line():
    cases = [
        [Piece("DME", 500.0, 10.0, bold=True), Piece(" outperforms the baselines.", 500.0, 10.0)],  # wrapped emphasis
        [Piece("Model", 500.0, 10.0, bold=True), Piece(" CoLA SST-2 MRPC", 500.0, 10.0)],  # a table header
        [Piece("BERT-EXT", 500.0, 10.0, bold=True), Piece(" 36.94 10.65", 500.0, 10.0)],  # a table row
        [Piece("Table 2:", 500.0, 10.0, bold=True), Piece(" The Transformer wins.", 500.0, 10.0)],  # a caption
        [Piece("A heading that runs on for far too many words to be one", 500.0, 10.0, bold=True),
         Piece(" The rest.", 500.0, 10.0)],
        [Piece("3 Experiments\n", 500.0, 12.0, bold=True), Piece("We train.", 480.0, 10.0)],  # a heading line
    ]
    for pieces in cases:
        assert _spelled(pieces) == "".join(piece.text for piece in pieces)
