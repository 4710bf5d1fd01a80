"""Segmentation of page text shaped like real papers: list items, numbers pysbd cuts off,
footnotes moved to the page end, display equations, and glyphs lost by symbol fonts."""

from __future__ import annotations

from synth.ingest.clean import clean_pages
from synth.ingest.layout import Piece, footnotes_last
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
