"""Library, indexes and fusion on hand-made parsed papers (real Chroma, real model, real bm25s)."""

from __future__ import annotations

import json
import pytest

from synth.errors import StoreError
from synth.index.hybrid import RRF_K, RankedChunk, reciprocal_rank_fusion
from synth.index.lexical import LexicalIndex, tokenize
from synth.index.library import Library
from synth.records import Chunk, Page, Paper, ParsedPaper
from synth.text.normalise import STOP_WORDS

ATTENTION = [
    "Self-attention lets every token attend to every other token in the sequence.",
    "Multi-head attention runs several attention functions in parallel and concatenates them.",
]
WARMUP = [
    "A linear learning-rate warm-up over 500 steps prevents Adam from diverging early.",
    "Without warm-up three of five seeds diverged within the first 300 steps.",
]
OLD_STYLE_ID = "hep-th/9901001"


def parsed_paper(paper_id: str, passages: list[str], sha256: str = "v1") -> tuple[ParsedPaper, list[Chunk]]:
    """One page per passage; one chunk per page spanning the whole page text."""
    paper = Paper(paper_id=paper_id, title=f"Title of {paper_id}", source="local", pdf_path="/dev/null",
                  sha256=sha256, pages=len(passages))
    pages = [Page(number=number, text=text) for number, text in enumerate(passages, start=1)]
    chunks = [
        Chunk(chunk_id=f"{paper_id}:{sha256}:{page.number}", paper_id=paper_id, page=page.number,
              section="Introduction", start=0, end=len(page.text), text=page.text)
        for page in pages
    ]
    return ParsedPaper(paper=paper, page_texts=pages), chunks


@pytest.fixture
def library(settings) -> Library:
    library = Library(settings)
    library.add(*parsed_paper("attention", ATTENTION))
    library.add(*parsed_paper(OLD_STYLE_ID, WARMUP))
    return library


def all_rankings(library: Library, query: str, k: int = 5, paper_ids: list[str] | None = None):
    return {
        "hybrid": library.search(query, k, paper_ids),
        "dense": library.dense_search(query, k, paper_ids),
        "lexical": library.lexical_search(query, k, paper_ids),
    }


# --- pure parts -----------------------------------------------------------------


def test_rrf_prefers_a_chunk_ranked_by_both_over_one_ranked_first_by_one():
    dense = [RankedChunk("a", "p", 0.9), RankedChunk("b", "p", 0.8)]
    lexical = [RankedChunk("c", "q", 7.0), RankedChunk("b", "p", 5.0)]
    fused = reciprocal_rank_fusion([dense, lexical], k=3)
    assert [ranked.chunk_id for ranked in fused] == ["b", "a", "c"]
    assert fused[0].score == pytest.approx(2 / (RRF_K + 2))
    assert len(reciprocal_rank_fusion([dense, lexical], k=1)) == 1


def test_tokenize_drops_the_stop_words_every_stage_uses_and_folds_plurals():
    assert tokenize("The models of attention heads") == ["model", "attention", "head"]
    assert tokenize("loss class") == ["loss", "class"]
    assert tokenize("Which models does it beat on nDCG@10?") == ["model", "beat", "ndcg", "10"]
    assert tokenize(" ".join(sorted(STOP_WORDS))) == []
    assert tokenize("but if") == ["but", "if"]  # bm25s's stop words, not synth.text's


# --- library ----------------------------------------------------------------------


def test_registry_lists_papers_and_their_text(settings, library: Library):
    summaries = {summary.paper_id: summary for summary in library.papers()}
    assert set(summaries) == {"attention", OLD_STYLE_ID}
    assert summaries[OLD_STYLE_ID].chunks == 2 and summaries[OLD_STYLE_ID].pages == 2
    assert library.paper(OLD_STYLE_ID).page_texts[1].text == WARMUP[1]
    assert [chunk.page for chunk in library.chunks("attention")] == [1, 2]
    assert library.has("attention", "v1") and not library.has("attention", "v2")
    assert not library.has("never-added", "v1")
    assert len(list(settings.papers_dir.glob("*.json"))) == 2  # the old-style id's slash made no subfolder


def test_unknown_paper_is_a_key_error_and_a_store_error(library: Library):
    with pytest.raises(KeyError):
        library.paper("missing")
    with pytest.raises(StoreError, match="synth papers"):
        library.paper("missing")


@pytest.mark.parametrize("kind", ["hybrid", "dense", "lexical"])
def test_each_ranking_finds_the_passage_with_its_location(library: Library, kind: str):
    hits = all_rankings(library, "how many seeds diverged without warm-up")[kind]
    assert (hits[0].paper_id, hits[0].page, hits[0].section) == (OLD_STYLE_ID, 2, "Introduction")
    assert hits[0].text == WARMUP[1] and hits[0].title == f"Title of {OLD_STYLE_ID}"
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)


def test_every_hit_carries_the_offsets_of_its_text_in_the_page(library: Library):
    heading = "2 Warm-up\n"
    paper, _ = parsed_paper("offsets", [heading + WARMUP[1]])
    chunk = Chunk(chunk_id="offsets:v1:1", paper_id="offsets", page=1, section="2 Warm-up", start=len(heading),
                  end=len(heading) + len(WARMUP[1]), text=WARMUP[1])
    library.add(paper, [chunk])
    for kind, hits in all_rankings(library, "seeds diverged without warm-up", paper_ids=["offsets"]).items():
        assert hits, kind
        for hit in hits:
            assert library.paper(hit.paper_id).page_texts[hit.page - 1].text[hit.start:hit.end] == hit.text, kind
        assert (hits[0].start, hits[0].end) == (chunk.start, chunk.end), kind


def test_a_stored_index_of_another_tokenisation_is_rebuilt(settings, library: Library, monkeypatch):
    library.refresh()
    built = json.loads((settings.index_dir / "bm25" / "current.json").read_text())["fingerprint"]
    monkeypatch.setattr("synth.index.library.TOKENIZATION", "another tokenisation")
    reopened = Library(settings)
    assert reopened.lexical_search("diverged seeds")[0].paper_id == OLD_STYLE_ID
    assert json.loads((settings.index_dir / "bm25" / "current.json").read_text())["fingerprint"] != built


def test_paper_filter_limits_every_ranking(library: Library):
    for kind, hits in all_rankings(library, "attention warm-up seeds", paper_ids=["attention"]).items():
        assert hits and {hit.paper_id for hit in hits} == {"attention"}, kind
    assert library.search("attention", paper_ids=["not-there"]) == []


def test_adding_a_paper_again_replaces_its_chunks(library: Library):
    library.add(*parsed_paper("attention", ["Rotary position embeddings rotate query and key vectors."], "v2"))
    assert library.has("attention", "v2")
    assert [summary.chunks for summary in library.papers() if summary.paper_id == "attention"] == [1]
    for kind, hits in all_rankings(library, "multi-head attention or rotary position embeddings", k=10).items():
        attention_chunks = {hit.chunk_id for hit in hits if hit.paper_id == "attention"}
        assert attention_chunks == {"attention:v2:1"}, kind
    assert library.dense.count() == 3


def test_bm25_index_is_reused_from_disk_and_rebuilt_after_a_change(settings, library: Library, monkeypatch):
    library.refresh()
    reopened = Library(settings)

    def no_rebuild(*args, **kwargs):
        raise AssertionError("BM25 rebuilt although no chunk changed")

    monkeypatch.setattr(LexicalIndex, "build", no_rebuild)
    assert reopened.lexical_search("diverged seeds")[0].paper_id == OLD_STYLE_ID
    monkeypatch.undo()
    reopened.add(*parsed_paper("rotary", ["Rotary position embeddings rotate query and key vectors."]))
    assert reopened.lexical_search("rotary embeddings")[0].paper_id == "rotary"
    versions = sorted(path.name for path in (settings.index_dir / "bm25").iterdir())
    current = json.loads((settings.index_dir / "bm25" / "current.json").read_text())["fingerprint"]
    assert versions == ["current.json", f"v-{current}"]


class Killed(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


def test_add_killed_before_its_commit_leaves_a_usable_store(settings, library: Library, monkeypatch):
    replace_paper = type(library.dense).replace_paper

    def replace_then_die(self, *args, **kwargs):
        replace_paper(self, *args, **kwargs)
        raise Killed

    monkeypatch.setattr(type(library.dense), "replace_paper", replace_then_die)
    with pytest.raises(Killed):
        library.add(*parsed_paper("attention", ["Sparse attention only attends to nearby tokens."], "v2"))
    monkeypatch.undo()

    restarted = Library(settings)
    assert {summary.paper_id for summary in restarted.papers()} == {OLD_STYLE_ID}
    assert not restarted.has("attention", "v2")
    for kind, hits in all_rankings(restarted, "sparse attention nearby tokens").items():
        assert all(hit.paper_id == OLD_STYLE_ID for hit in hits), kind

    restarted.add(*parsed_paper("attention", ["Sparse attention only attends to nearby tokens."], "v2"))
    assert restarted.search("sparse attention nearby tokens")[0].chunk_id == "attention:v2:1"
    assert restarted.dense.count() == 3
