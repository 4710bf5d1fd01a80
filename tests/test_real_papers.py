"""Real papers (../shared/data/papers): metadata from page 1's layout, garbage text layers refused.

The 36 PDFs and INDEX.tsv are shared read-only data; these tests skip with
the reason when the folder is absent (set SYNTH_PAPERS_DIR to point elsewhere).
"""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import pytest

from synth.errors import IngestError
from synth.index.library import Library
from synth.ingest import parse_pdf
from synth.ingest.run import ingest_sources, local_paper
from synth.ingest.tables import TableRow, parse_row_unit
from synth.models.nli_data import load_ml_written
from synth.records import ParsedPaper

REPO_ROOT = Path(__file__).resolve().parent.parent
PAPERS_DIR = Path(os.environ.get("SYNTH_PAPERS_DIR", REPO_ROOT.parent / "shared" / "data" / "papers"))
GARBLED = "1908.10084.pdf"
REAL_CLAIMS = REPO_ROOT / "bench" / "data" / "real_paper_claims.jsonl"
COPIED_RUN = 12
"""Words in a row that a claim may share with its paper before it counts as copied: names and numbers
make runs of up to ten ("... 28.4 BLEU on the WMT 2014 English-to-German test set"); a copied
sentence makes one as long as itself."""
MIN_RIGHT_TITLES = 34
TITLE_PREFIX_SHARE = 0.85
"""INDEX.tsv abbreviates one title (``... with NLP``); a title counts as right when it
equals the index's or shares this share of it as a prefix (letters and digits only)."""

pytestmark = pytest.mark.skipif(not (PAPERS_DIR / "INDEX.tsv").exists(),
                                reason=f"real papers not found at {PAPERS_DIR} (set SYNTH_PAPERS_DIR)")


def index_rows() -> dict[str, dict[str, str]]:
    with (PAPERS_DIR / "INDEX.tsv").open(encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}


def letters(title: str) -> str:
    """Lower-case letters and digits of a title, without INDEX.tsv's trailing notes ``(ICLR 2017)`` ``[distractor]``."""
    while (bare := re.sub(r"\s*(?:\([^()]*\)|\[[^\[\]]*\])\s*$", "", title)) != title:
        title = bare
    return re.sub(r"[^a-z0-9]", "", title.lower())


def same_title(found: str, expected: str) -> bool:
    found, expected = letters(found), letters(expected)
    shared = len(os.path.commonprefix([found, expected]))
    return found == expected or shared >= TITLE_PREFIX_SHARE * len(expected)


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedPaper | IngestError]:
    """Every PDF of the folder parsed once (about 30 s on two cores): its ParsedPaper or its IngestError."""
    results: dict[str, ParsedPaper | IngestError] = {}
    for pdf in sorted(PAPERS_DIR.glob("*.pdf")):
        try:
            results[pdf.name] = parse_pdf(pdf, local_paper(pdf, pdf.stem))
        except IngestError as error:
            results[pdf.name] = error
    return results


def test_titles_from_page_one_layout_match_the_index(parsed):
    rows = index_rows()
    titles = {name: result.paper.title if isinstance(result, ParsedPaper) else str(result)
              for name, result in parsed.items()}
    wrong = {name: title for name, title in titles.items() if not same_title(title, rows[name]["title"])}
    assert len(parsed) - len(wrong) >= MIN_RIGHT_TITLES, wrong


def test_arxiv_ids_and_years_come_from_the_stamp_or_file_name(parsed):
    rows = index_rows()
    for name, result in parsed.items():
        if not isinstance(result, ParsedPaper):
            continue
        expected = rows[name]["arxiv_id"]
        found = result.paper.arxiv_id
        assert (found.split("v")[0] if found else "-") == expected, name
        if found:  # an arXiv paper's year is never before its id's month of submission
            assert result.paper.year is not None and result.paper.year >= 2000 + int(expected[:2]), name
            assert result.paper.url == f"https://arxiv.org/abs/{found}"


def test_known_front_matter_is_split_into_title_and_authors(parsed):
    attention = parsed["1706.03762.pdf"].paper
    assert (attention.title, attention.year) == ("Attention Is All You Need", 2017)
    assert attention.authors[:3] == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]
    assert not any("Google" in author for author in attention.authors)
    small_caps = parsed["1703.03130.pdf"].paper
    assert small_caps.title == "A Structured Self-Attentive Sentence Embedding"
    assert small_caps.authors[0] == "Zhouhan Lin"


def test_garbled_text_layer_is_one_clear_error_and_the_rest_parse(parsed):
    errors = {name: result for name, result in parsed.items() if isinstance(result, IngestError)}
    assert list(errors) == [GARBLED]
    message = str(errors[GARBLED])
    assert "\n" not in message and GARBLED in message and "OCR it first" in message
    assert sum(isinstance(result, ParsedPaper) for result in parsed.values()) == len(parsed) - 1


def test_ingest_refuses_the_garbled_paper_and_indexes_the_others(settings):
    sources = [str(PAPERS_DIR / name) for name in (GARBLED, "1706.03762.pdf", "acl-p14-1059.pdf")]
    summary = ingest_sources(sources, settings, Library(settings), progress=False)
    assert [outcome.paper_id for outcome in summary.ingested] == ["1706-03762", "acl-p14-1059"]
    assert [outcome.source for outcome in summary.failed] == [sources[0]]
    assert "OCR it first" in summary.failed[0].reason
    library = Library(settings)
    assert [paper.paper_id for paper in library.papers()] == ["1706-03762", "acl-p14-1059"]
    hits = library.search("multi-head attention scaled dot-product", k=3)
    assert hits and hits[0].paper_id == "1706-03762"


def test_cli_names_the_garbled_paper_once_in_its_failure_line(tmp_path: Path):
    from typer.testing import CliRunner

    from synth.cli import app

    done = CliRunner().invoke(app, ["--home", str(tmp_path / "home"), "ingest", str(PAPERS_DIR / GARBLED)])
    assert done.exit_code == 1
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("failed")]
    assert line.count(GARBLED) == 1 and "OCR it first" in line


def row_units(result: ParsedPaper, table: str) -> dict[str, TableRow]:
    """The row units of table ``table`` by row label."""
    rows = (parse_row_unit(line) for page in result.page_texts for line in page.text.split("\n"))
    return {row.label: row for row in rows if row and row.table == table}


def test_table_rows_carry_their_label_and_column_headers(parsed):
    """Transformer Table 2 (caption above, two header levels) and LongEval Table 3 (ACL two-column,
    caption below); the values were read off the PDFs by hand."""
    bleu = row_units(parsed["1706.03762.pdf"], "2")
    assert dict(bleu["ConvS2S [9]"].cells) == {
        "BLEU EN-DE": "25.16", "BLEU EN-FR": "40.46",
        "Training Cost (FLOPs) EN-DE": "9.6 · 10^18", "Training Cost (FLOPs) EN-FR": "1.5 · 10^20"}
    assert dict(bleu["Transformer (big)"].cells)["BLEU EN-DE"] == "28.4"
    assert dict(bleu["ByteNet [18]"].cells) == {"BLEU EN-DE": "23.75"}
    assert bleu["MoE [32]"].caption.startswith("The Transformer achieves better BLEU scores")
    spread = row_units(parsed["2301.13298.pdf"], "3")
    assert {label: dict(row.cells) for label, row in spread.items()} == {
        "SQuALITY": {"COARSE": "18.5", "FINE": "6.8"}, "PubMed": {"COARSE": "11.8", "FINE": "7.3"},
        "PubMed + ngram block": {"COARSE": "11.7", "FINE": "9.3"}, "Average": {"COARSE": "14.0", "FINE": "7.8"}}


def test_tables_placed_by_a_page_level_matrix_are_read_where_they_are_drawn(parsed):
    """Multi-LexSum's Table 3 and S2ORC's Table 3 are drawn after a ``cm`` outside any q block; read without
    it they sat hundreds of points below their captions, off the page, and gave no rows."""
    multi_lexsum = row_units(parsed["2206.10883.pdf"], "3")
    assert "53.73" in " ".join(value for _, value in multi_lexsum["PRIMERA"].cells)
    assert dict(row_units(parsed["1911.02782.pdf"], "3")["Paragraphs (body)"].cells)["GROBID"] == "9.9"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _runs(text: str, size: int = COPIED_RUN) -> set[tuple[str, ...]]:
    """Every ``size`` consecutive words of ``text``."""
    words = _words(text)
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


def test_shared_runs_count_adjacent_words_only():
    assert _runs("the big model wins", 3) & _runs("so the big model, it wins", 3) == {("the", "big", "model")}
    assert not _runs("model wins", 2) & _runs("the models win", 2)


@pytest.fixture(scope="module")
def paper_runs(parsed) -> dict[str, set[tuple[str, ...]]]:
    """Each readable paper's runs of ``COPIED_RUN`` words, by file name."""
    return {name: _runs(" ".join(page.text for page in result.page_texts))
            for name, result in parsed.items() if isinstance(result, ParsedPaper)}


def test_real_paper_claims_restate_their_papers_without_copying_a_sentence(paper_runs):
    """The issue's rule for the benchmark's claim set: never copy a sentence of the paper."""
    claims = [json.loads(line) for line in REAL_CLAIMS.read_text(encoding="utf-8").splitlines() if line.strip()]
    copied = [claim["id"] for claim in claims if _runs(claim["claim"]) & paper_runs[f"{claim['paper_id']}.pdf"]]
    assert not copied


def test_the_written_training_pairs_copy_no_run_of_words_from_a_real_paper(paper_runs):
    """synth/models/data/ml_pairs.jsonl was written without reading these papers (the held-out ones among them)."""
    in_papers = set().union(*paper_runs.values())
    copied = [text for pair in load_ml_written(PAPERS_DIR) for text in (pair.premise, pair.hypothesis)
              if _runs(text) & in_papers]
    assert not copied


def test_a_verdict_says_what_the_table_row_it_names_states(tmp_path: Path):
    """1912.10667 Table 3 heads its columns with thresholds ("Threshold | 1.0 | 1.5 | 2.0" over "Potsdam | 15.87 |
    9.85 | 7.65"): a claim of the 1.5 column reads that column, and its rationale says what the row states."""
    from typer.testing import CliRunner

    from synth.cli import app

    home = str(tmp_path / "home")
    claim = "With a Gi* threshold of 1.5, an average of {}% of each Potsdam feature map is flagged as spatial clusters."
    claims = tmp_path / "claims.jsonl"
    claims.write_text("".join(json.dumps({"text": claim.format(value), "paper_id": "1912.10667"}) + "\n"
                              for value in ("9.85", "15.87")))
    assert CliRunner().invoke(app, ["--home", home, "ingest", str(PAPERS_DIR / "1912.10667.pdf")]).exit_code == 0
    done = CliRunner().invoke(app, ["--home", home, "verify", str(claims), "--json"])
    stated, other = (verification["rationale"] for verification in json.loads(done.stdout))
    assert 'Table 3, row "Potsdam", states its number' in stated
    assert 'Table 3, row "Potsdam", gives another number' in other
