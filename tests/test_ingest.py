"""Ingest on generated paper PDFs: the corpus is the ground truth for every assertion."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from synth.ingest import chunk_paper, parse_pdf
from synth.ingest.pdf import read_pages
from synth.ingest.sections import FRONT_MATTER, section_at
from synth.ingest.tables import TableRow, parse_row_unit, row_units_in
from synth.records import Paper, ParsedPaper
from synth.settings import Settings
from bench.corpus.content import CORPUS, CorpusPaper, corpus_paper
from bench.corpus.pdf import FIXTURE_NOTE, RenderedPaper, render_paper

KEYS = [paper.key for paper in CORPUS]
_WORDS = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RenderedPaper]:
    directory = tmp_path_factory.mktemp("corpus")
    return {paper.key: render_paper(paper, directory) for paper in CORPUS}


def local_record(path: Path) -> Paper:
    """What the ingest runner hands over for a user PDF: the file stem as a placeholder title."""
    return Paper(paper_id=path.stem, title=path.stem, source="local", pdf_path=str(path), sha256="0" * 64)


@pytest.fixture(scope="module")
def parsed(rendered: dict[str, RenderedPaper]) -> dict[str, ParsedPaper]:
    return {key: parse_pdf(paper.path, local_record(paper.path)) for key, paper in rendered.items()}


def squash(text: str) -> str:
    return " ".join(text.split())


def page_of(parsed_paper: ParsedPaper, passage: str) -> tuple[int, int]:
    """(page, offset) of ``passage`` in the cleaned pages, line breaks read as spaces."""
    pattern = re.compile(r"\s+".join(map(re.escape, passage.split())))
    for page in parsed_paper.page_texts:
        match = pattern.search(page.text)
        if match:
            return page.number, match.start()
    raise AssertionError(f"passage not in parsed text: {passage[:60]!r}")


# --- cleaning --------------------------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_running_header_and_page_numbers_are_removed(rendered, parsed, key):
    paper = corpus_paper(key)
    raw = read_pages(rendered[key].path)
    assert rendered[key].pages >= 2
    for number, (raw_text, page) in enumerate(zip(raw, parsed[key].page_texts), start=1):
        assert paper.short_title in [line.strip() for line in raw_text.splitlines()]
        assert paper.short_title not in page.text.splitlines()
        assert str(number) in [line.strip() for line in raw_text.splitlines()]
        assert str(number) not in [line.strip() for line in page.text.splitlines()]


@pytest.mark.parametrize("key", KEYS)
def test_line_end_hyphenation_is_repaired(rendered, parsed, key):
    """Every word of the cleaned text is a word of the source paper, though the PDF split many."""
    paper = corpus_paper(key)
    raw = "\n".join(read_pages(rendered[key].path))
    split_words = re.findall(r"[A-Za-z]+-\n[a-z]+", raw)
    assert split_words, "the generator should hyphenate some words across line ends"
    source_words = set(_WORDS.findall(f"{paper.text()} {FIXTURE_NOTE}"))
    cleaned_words = {word for page in parsed[key].page_texts for word in _WORDS.findall(without_row_units(page.text))}
    assert cleaned_words - source_words == set()


def test_real_compounds_keep_their_hyphen_across_line_ends(rendered, parsed):
    raw = "\n".join(read_pages(rendered["hybrid_batch"].path))
    assert "cross-\nlingual" in raw
    cleaned = "\n".join(page.text for page in parsed["hybrid_batch"].page_texts)
    assert "crosslingual" not in cleaned
    assert cleaned.count("cross-lingual") >= corpus_paper("hybrid_batch").text().count("cross-lingual") - 1


# --- sections ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_sections_found_in_order_on_the_pages_they_were_drawn(rendered, parsed, key):
    found = [(span.name, span.page) for span in parsed[key].sections]
    expected = [(heading, rendered[key].heading_pages[heading]) for heading in corpus_paper(key).headings]
    assert found == expected


@pytest.mark.parametrize(
    ("key", "passage"),
    [
        ("hybrid_batch", "The temperature is fixed at 0.05 for all runs."),
        ("hybrid_batch", "We call the average of this quantity over queries the rank distance"),
        ("hybrid_batch", "the hybrid model reaches 0.578 mAP against 0.561 for cross-lingual"),
        ("hybrid_batch", "lowers multilingual mAP of LaBSE on XQuAD-R from 0.578 to 0.571"),
        ("lexical_dense", "BM25 with parameters k1 = 0.9 and b = 0.4"),
        ("language_bias", "estimating language bias without parallel answers as the main open problem"),
        ("lr_warmup", "Gradient clipping at norm 1.0 is used in every run."),
    ],
)
def test_a_passage_maps_to_its_section(parsed, key, passage):
    page, offset = page_of(parsed[key], passage)
    assert section_at(parsed[key].sections, page, offset) == corpus_paper(key).locate(passage)


def test_title_block_is_front_matter(parsed):
    page, offset = page_of(parsed["lexical_dense"], "Elena Voss, Kwame Mensah")
    assert section_at(parsed["lexical_dense"].sections, page, offset) == FRONT_MATTER


# --- references, abstract, metadata, table -------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_references_are_parsed_one_per_entry_with_arxiv_ids(parsed, key):
    references = parsed[key].paper.references
    expected = corpus_paper(key).references
    assert [(reference.text, reference.arxiv_id) for reference in references] == [
        (reference.text, reference.arxiv_id) for reference in expected
    ]


@pytest.mark.parametrize("key", KEYS)
def test_local_pdf_gets_title_authors_year_abstract_and_pages(rendered, parsed, key):
    paper, record = corpus_paper(key), parsed[key].paper
    assert (record.title, record.authors, record.year) == (paper.title, list(paper.authors), paper.year)
    assert record.abstract == squash(paper.abstract)
    assert record.pages == rendered[key].pages == len(parsed[key].page_texts)


def test_arxiv_record_keeps_its_metadata(rendered):
    path = rendered["hybrid_batch"].path
    record = Paper(paper_id="2501.00001v1", title="Title from arXiv", authors=["A. Author"], year=2024,
                   source="arxiv", pdf_path=str(path), sha256="0" * 64, abstract="Abstract from arXiv.")
    result = parse_pdf(path, record).paper
    assert (result.title, result.authors, result.year, result.abstract) == (
        "Title from arXiv", ["A. Author"], 2024, "Abstract from arXiv.")
    assert result.references and result.pages == rendered["hybrid_batch"].pages


def row_units(parsed_paper: ParsedPaper) -> list[TableRow]:
    return [row for page in parsed_paper.page_texts for line in page.text.split("\n")
            if (row := parse_row_unit(line))]


def without_row_units(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not parse_row_unit(line))


@pytest.mark.parametrize("key", KEYS)
def test_table_rows_become_units_with_label_and_column_headers_in_order(parsed, key):
    table = corpus_paper(key).section("Results").table
    found = row_units(parsed[key])
    assert len(found) == len(table.rows)
    for unit, row in zip(found, table.rows):
        numeric = [(name, value) for name, value in zip(table.header, row) if value[0].isdigit()]
        assert unit.table == table.label.split()[-1]
        assert unit.label == " | ".join(value for value in row if not value[0].isdigit())
        assert list(unit.cells) == numeric
        assert unit.caption and unit.caption in table.caption


@pytest.mark.parametrize("key", KEYS)
def test_table_rows_no_longer_appear_as_runs_of_numbers(parsed, key):
    table = corpus_paper(key).section("Results").table
    text = squash(" ".join(without_row_units(page.text) for page in parsed[key].page_texts))
    assert all(" ".join(row) not in text for row in table.rows)


# --- chunks -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_chunks() -> Settings:
    return Settings(home=Path("unused"), chunk_size=400, chunk_overlap=60)


@pytest.mark.parametrize("key", KEYS)
def test_chunk_offsets_point_exactly_into_the_page_text(parsed, small_chunks, key):
    chunks = chunk_paper(parsed[key], small_chunks)
    pages = {page.number: page.text for page in parsed[key].page_texts}
    assert len(chunks) > len(pages)
    for chunk in chunks:
        assert pages[chunk.page][chunk.start:chunk.end] == chunk.text
        assert len(chunk.text) <= small_chunks.chunk_size
        assert chunk.paper_id == key
    assert len({chunk.chunk_id for chunk in chunks}) == len(chunks)


@pytest.mark.parametrize("key", KEYS)
def test_chunks_cover_every_section_and_never_straddle_two(parsed, small_chunks, key):
    chunks = chunk_paper(parsed[key], small_chunks)
    sections = parsed[key].sections
    for chunk in chunks:
        assert section_at(sections, chunk.page, chunk.start) == chunk.section
        assert section_at(sections, chunk.page, chunk.end - 1) == chunk.section
    assert {chunk.section for chunk in chunks} == {FRONT_MATTER, *corpus_paper(key).headings}


@pytest.mark.parametrize("key", KEYS)
def test_table_rows_and_prose_never_share_a_chunk(parsed, small_chunks, key):
    chunks = chunk_paper(parsed[key], small_chunks)
    table_chunks = [chunk for chunk in chunks if row_units_in(chunk.text)]
    for chunk in table_chunks:
        assert all(parse_row_unit(line) for line in chunk.text.split("\n") if line.strip())
        assert chunk.section == corpus_paper(key).section("Results").heading
    rows_in_chunks = [row for chunk in table_chunks for row in row_units_in(chunk.text)]
    assert list(dict.fromkeys(rows_in_chunks)) == row_units(parsed[key])  # overlap may repeat a row, never lose one


def test_chunk_of_a_passage_has_its_page_and_section(parsed, small_chunks):
    passage = "Language bias drops sharply with hybrid training."
    page, offset = page_of(parsed["hybrid_batch"], passage)
    holding = [chunk for chunk in chunk_paper(parsed["hybrid_batch"], small_chunks)
               if chunk.page == page and chunk.start <= offset < chunk.end]
    assert holding and all(chunk.section == "4 Results" for chunk in holding)


def test_chunk_ids_are_stable_and_change_with_the_text(rendered, small_chunks):
    path = rendered["lexical_dense"].path
    first = chunk_paper(parse_pdf(path, local_record(path)), small_chunks)
    again = chunk_paper(parse_pdf(path, local_record(path)), small_chunks)
    assert [chunk.chunk_id for chunk in first] == [chunk.chunk_id for chunk in again]
    other = CorpusPaper(**{**corpus_paper("lexical_dense").__dict__, "abstract": "A different abstract."})
    changed_path = render_paper(other, path.parent / "changed").path
    changed = chunk_paper(parse_pdf(changed_path, local_record(path)), small_chunks)
    assert {chunk.chunk_id for chunk in changed} != {chunk.chunk_id for chunk in first}
