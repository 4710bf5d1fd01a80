"""Ingest pieces on small inputs: bad files, cleaning rules, headings, references, metadata."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from synth.errors import IngestError
from synth.ingest import guess_metadata, parse_pdf
from synth.ingest.parse import section_text
from synth.ingest.clean import clean_pages, document_vocabulary, join_hyphenated, remove_running_lines
from synth.ingest.pdf import read_pages
from synth.ingest.references import find_arxiv_id, split_entries
from synth.ingest.sections import FRONT_MATTER, canonical_section, detect_sections, section_at
from synth.ingest.layout import Cell, Line
from synth.ingest.tables import TableRow, page_table_rows, parse_row_unit, row_unit_spans, with_row_units
from synth.records import Page, Paper
from bench.corpus.content import LR_WARMUP
from bench.corpus.pdf import write_paper_pdf
from tests.support.bad_pdfs import write_bad_inputs

# --- bad inputs ------------------------------------------------------------------------------

EXPECTED_ADVICE = {
    "corrupt": "corrupt or truncated PDF",
    "encrypted": "decrypt",
    "empty": "0 bytes",
    "no_text": "has no text layer; run OCR (e.g. ocrmypdf) and ingest the result",
    "not_pdf": "not a PDF",
}


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_bad_inputs(tmp_path_factory.mktemp("bad"))


@pytest.mark.parametrize("kind", sorted(EXPECTED_ADVICE))
def test_bad_input_raises_one_line_naming_the_file_and_the_fix(bad_inputs, kind):
    path = bad_inputs[kind]
    record = Paper(paper_id=kind, title=kind, source="local", pdf_path=str(path), sha256="0" * 64)
    with pytest.raises(IngestError) as raised:
        parse_pdf(path, record)
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    assert EXPECTED_ADVICE[kind] in message
    assert "\n" not in message


def test_pdf_with_only_an_owner_password_is_read(tmp_path):
    source = write_paper_pdf(LR_WARMUP, tmp_path)
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password="", owner_password="owner-only", algorithm="AES-128")
    locked = tmp_path / "owner-locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    assert read_pages(locked) == read_pages(source)


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(IngestError, match="missing.pdf: cannot read the file"):
        read_pages(tmp_path / "missing.pdf")


# --- cleaning --------------------------------------------------------------------------------


def vocabulary_of(*texts: str):
    return document_vocabulary([text.split("\n") for text in texts])


@pytest.mark.parametrize(
    ("broken", "elsewhere", "repaired"),
    [
        ("dense retrie-\nval works", "", "dense retrieval works"),
        ("a cross-\nlingual pool", "cross-lingual pairs", "a cross-lingual pool"),
        ("the data-\nsets we use", "two datasets", "the datasets we use"),
        ("the highest-\nranked answer", "answers are ranked", "the highest-ranked answer"),
        ("XLM-\nR and LaBSE", "", "XLM-R and LaBSE"),
        ("arXiv:hep-\nth/9901001", "", "arXiv:hep-th/9901001"),
        ("sacri-\nficing nothing", "", "sacrificing nothing"),
    ],
)
def test_line_end_hyphens_follow_the_document(broken, elsewhere, repaired):
    assert join_hyphenated(broken, vocabulary_of(broken, elsewhere)) == repaired


def body(page: int) -> list[str]:
    return [f"Line {chr(ord('a') + line)} of the body of page {'I' * page}." for line in range(8)]


def test_recurring_edge_lines_and_page_numbers_go_body_lines_stay():
    pages = [
        ["Short Title", *body(1), "Results", "1"],
        ["Short Title", "Results", *body(2), "2"],
        ["Short Title", *body(3), "a table cell", "7", "3"],
    ]
    assert remove_running_lines(pages) == [
        [*body(1), "Results"],
        ["Results", *body(2)],
        [*body(3), "a table cell", "7"],
    ]


def test_page_numbers_with_an_offset_and_varying_footers_go():
    pages = [[*body(n), f"Page {n + 10} of 40"] for n in range(1, 5)]
    assert remove_running_lines(pages) == [body(n) for n in range(1, 5)]


def test_a_single_page_keeps_its_lines_except_the_page_number():
    assert remove_running_lines([["Title", "Body.", "1"]]) == [["Title", "Body."]]


def test_ligatures_soft_hyphens_and_spacing_are_normalised():
    assert clean_pages(["  e\ufb03cient   re\xadtrieval \n\n"]) == ["efficient retrieval"]


def test_arxiv_side_stamp_is_removed():
    page = "arXiv:2408.10536v1 [cs.CL] 20 Aug 2024\nA Title\nSee arXiv:2408.10536v1 [cs.CL] 20 Aug 2024 too."
    assert clean_pages([page]) == ["A Title\nSee arXiv:2408.10536v1 [cs.CL] 20 Aug 2024 too."]


# --- sections --------------------------------------------------------------------------------


def pages_of(*texts: str) -> list[Page]:
    return [Page(number=n, text=text) for n, text in enumerate(texts, start=1)]


def test_numbered_headings_must_follow_the_numbering():
    pages = pages_of(
        "Title\nAbstract\nText.\n1 Introduction\n11 Languages are used.\n7 Results\n2 Methods",
        "2.1 Setup\n2.2 Data\nResults\n0.45\n3 Experiments\n3.1 Training\nReferences\n[1] A. B. Paper.",
        "A Appendix: Proofs\nA.1 Lemma\nB Extra Tables",
    )
    found = [(span.name, span.page) for span in detect_sections(pages)]
    assert found == [
        ("Abstract", 1), ("1 Introduction", 1), ("2 Methods", 1), ("2.1 Setup", 2), ("2.2 Data", 2),
        ("3 Experiments", 2), ("3.1 Training", 2), ("References", 2), ("A Appendix: Proofs", 3),
        ("A.1 Lemma", 3), ("B Extra Tables", 3),
    ]


def test_run_in_abstract_is_a_heading_and_its_text_the_abstract():
    pages = pages_of("A Title\nAnn Lee, Bo Chen\nAbstract\u2014We study retrieval.\nIt works.\n1 Introduction\nText.")
    sections = detect_sections(pages)
    assert [span.name for span in sections] == ["Abstract", "1 Introduction"]
    assert section_text(pages, sections, "Abstract") == "We study retrieval. It works."


def test_unnumbered_papers_use_known_heading_names():
    pages = pages_of("Title\nABSTRACT\nText.\nIntroduction\nText.\nMethods:\nText.\nConclusions\nText.")
    assert [span.name for span in detect_sections(pages)] == ["ABSTRACT", "Introduction", "Methods", "Conclusions"]


def test_reference_lines_are_not_appendix_headings():
    pages = pages_of("1 Introduction\nReferences\nA Survey of Dense Retrieval\nB Roberts and C Smith")
    assert [span.name for span in detect_sections(pages)] == ["1 Introduction", "References"]


def test_section_at_maps_offsets_across_pages():
    pages = pages_of("Title\n1 Introduction\nText.", "More text.\n2 Method\nText.")
    sections = detect_sections(pages)
    assert section_at(sections, 1, 0) == FRONT_MATTER
    assert section_at(sections, 1, pages[0].text.index("Text")) == "1 Introduction"
    assert section_at(sections, 2, 0) == "1 Introduction"
    assert section_at(sections, 2, pages[1].text.index("Text")) == "2 Method"


def test_canonical_section_names():
    assert [canonical_section(name) for name in ("3.1 Datasets", "4 Results", "A Appendix: Proofs", "Foo")] == [
        "experiments", "results", "appendix", None]


# --- references ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "arxiv_id"),
    [
        ("A. Author. Title. arXiv preprint arXiv:2408.10536, 2024.", "2408.10536"),
        ("A. Author. Title. arXiv:2408.10536v1.", "2408.10536v1"),
        ("A. Author. Title. https://arxiv.org/pdf/2408.10536v2.pdf", "2408.10536v2"),
        ("A. Author. Title. http://arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001v1"),
        ("A. Author. Title. arXiv:math.AG/0309136.", "math.AG/0309136"),
        ("A. Author. Title. CoRR abs/1911.02116 (arXiv), 2019.", "1911.02116"),
        ("A. Author. Title. In ACL, 2020. doi:10.18653/v1/2020.acl-main.747", None),
        ("A. Author. Title. Report 2020.12345, 2020.", None),
    ],
)
def test_arxiv_ids_are_found_in_every_written_form(entry, arxiv_id):
    assert find_arxiv_id(entry) == arxiv_id


def test_author_year_references_split_at_author_led_lines():
    text = ("Conneau, A., and Lample, G. 2019. Cross-lingual language\nmodel pretraining. In NeurIPS.\n"
            "Devlin, J. 2019. BERT: pre-training. In NAACL.\nM. Smith. 2020. Another paper. arXiv:2001.00001.")
    assert split_entries(text) == [
        "Conneau, A., and Lample, G. 2019. Cross-lingual language model pretraining. In NeurIPS.",
        "Devlin, J. 2019. BERT: pre-training. In NAACL.",
        "M. Smith. 2020. Another paper. arXiv:2001.00001.",
    ]


def test_numbered_references_split_at_their_numbers():
    text = "1. A. Author. First paper.\nContinued title. 2020.\n2. B. Author. Second paper. 2021."
    assert split_entries(text) == ["A. Author. First paper. Continued title. 2020.", "B. Author. Second paper. 2021."]


# --- metadata guess ---------------------------------------------------------------------------


def test_metadata_guess_reads_a_wrapped_title_and_marked_authors():
    page = Page(number=1, text="Dense Retrieval for\nLong Documents\nAnn Lee1, Bo Chen2* and Cy van Dow1\n"
                               "1 University of Somewhere, 2019\nAbstract\nWe study.")
    assert guess_metadata([page]) == ("Dense Retrieval for Long Documents", ["Ann Lee", "Bo Chen", "Cy van Dow"], 2019)


def test_metadata_guess_without_front_matter_is_empty():
    assert guess_metadata([Page(number=1, text="Abstract\nNothing before the abstract.")]) == ("", [], None)


# --- table rows -------------------------------------------------------------------------------


def test_row_unit_text_reads_back_into_the_same_row():
    row = TableRow(table="2", caption="BLEU on newstest2014", label="ConvS2S [9]",
                   cells=(("BLEU EN-DE", "25.16"), ("BLEU EN-FR", "40.46"), (None, "9.6 · 10^18")))
    text = row.unit_text()
    assert text == ('Table 2, row "ConvS2S [9]": BLEU EN-DE: 25.16; BLEU EN-FR: 40.46; 9.6 · 10^18 '
                    "[caption: BLEU on newstest2014]")
    assert parse_row_unit(text) == row
    assert parse_row_unit("Table 2 shows that ConvS2S is slower.") is None


def test_a_row_given_one_cell_per_line_is_replaced_by_its_unit_after_the_caption():
    page = "Results are below.\nTable 1: Loss by warm-up.\nSteps\nLoss\n0\n3.41\n500\n3.12\nWe conclude."
    rows = [(TableRow("1", "Loss by warm-up", "", (("Steps", "0"), ("Loss", "3.41"))), "0 3.41"),
            (TableRow("1", "Loss by warm-up", "", (("Steps", "500"), ("Loss", "3.12"))), "500 3.12")]
    rewritten = with_row_units(page, rows)
    assert rewritten.split("\n") == ["Results are below.", "Table 1: Loss by warm-up.", "Steps", "Loss", "",
                                     rows[0][0].unit_text(), "", rows[1][0].unit_text(), "", "We conclude."]
    assert [span for span in row_unit_spans(rewritten)] == [
        (rewritten.index(unit), rewritten.index(unit) + len(unit)) for unit in (row.unit_text() for row, _ in rows)]


def test_rows_not_found_in_the_plain_text_go_after_their_caption():
    page = "Table 3: Scores.\nA 1 2 merged oddly\nText after."
    row = TableRow("3", "Scores", "A", ((None, "1"), (None, "2")))
    assert with_row_units(page, [(row, "A 1 2")]).split("\n")[:3] == ["Table 3: Scores.", "", row.unit_text()]


def _table_lines(caption: str, rows: list[list[str]]) -> list[Line]:
    """A caption line and, below it, table lines whose cells sit in columns 60 points apart."""
    lines = [Line(y=100.0, size=10.0, cells=[Cell(50.0, 400.0, caption)])]
    for index, cells in enumerate(rows, start=1):
        lines.append(Line(y=100.0 + 14 * index, size=10.0,
                          cells=[Cell(50.0 + 60 * column, 80.0 + 60 * column, text) for column, text in enumerate(cells)]))
    return lines


def test_a_first_row_of_rising_round_numbers_heads_the_columns_it_sits_over():
    """1912.10667 Table 3: the thresholds head the columns; the rows are the datasets."""
    lines = _table_lines("Table 3: Clusters per feature map with different threshold.",
                         [["Threshold", "1.0", "1.5", "2.0"], ["Potsdam", "15.87", "9.85", "7.65"],
                          ["Vaihingen", "14.99", "10.44", "7.91"]])
    rows = [row for row, _text in page_table_rows(lines)]
    assert [row.label for row in rows] == ["Potsdam", "Vaihingen"]
    assert rows[0].cells == (("Threshold = 1.0", "15.87"), ("Threshold = 1.5", "9.85"), ("Threshold = 2.0", "7.65"))


@pytest.mark.parametrize("rows", [
    [["SQuAD", "80.8", "84.7", "85.0"], ["SNLI", "88.1", "89.1", "89.3"]],  # scores: not round, and both rise
    [["base", "6", "512", "8"], ["big", "6", "1024", "16"]],  # does not rise
    [["A", "10", "20", "30"], ["B", "15", "25", "35"]],  # two rows that rise alike are data
    [["computers", "1", "2", "5"], ["runtime", "3.2", "4.2", "4.1"],  # two tables stacked under one caption
     ["computers", "1", "2", "5"], ["runtime", "4.6", "7.5", "7.9"]],
])
def test_rows_of_data_stay_rows(rows):
    lines = _table_lines("Table 2: Results.", rows)
    assert [row.label for row, _text in page_table_rows(lines)] == [cells[0] for cells in rows]


def test_running_text_right_of_every_value_is_not_part_of_a_row_label():
    """papermage p5: the next column's sentence sits at the height of a row of Table 2."""
    lines = _table_lines("Table 2: Logical structure recovery.",
                         [["GrobidCRF", "40.6", "39.1"], ["GrobidNN", "42.0", "37.6", "or 'authors'). Finally, these"]])
    rows = page_table_rows(lines)
    assert [row.label for row, _text in rows] == ["GrobidCRF", "GrobidNN"]
    assert rows[1][1] == "GrobidNN 42.0 37.6 or 'authors'). Finally, these"  # the plain-text line it replaces
