"""Retrieval benchmark: parse pages/s, embed chunks/s, search latency at >= 10k chunks.

All figures come from one run on one machine, each next to a baseline measured
in the same run:

- parse: ``parse_pdf`` (pypdf + header/footer removal, de-hyphenation, sections,
  references) on the generated corpus PDFs, against bare pypdf ``extract_text``
  on the same pages. Target >= 20 pages/s.
- embed: ``Embedder.embed`` on the real chunks of the parsed corpus (chunks/s).
- search: ``Library.search`` (hybrid: query embedding + Chroma + BM25 + RRF +
  hit lookup) against ``Library.dense_search`` (query embedding + Chroma + hit
  lookup) and a bare Chroma ``collection.query`` with a precomputed vector, over
  a library of ``--chunks`` chunks, after a warm-up. Target p95 <= 100 ms.

The search library is synthetic: chunks are 4-8 random sentences of the test
corpus, spread over papers of 100 chunks. Embedding 10k chunks of 1,000+
characters takes half an hour on a 2-core machine, so each chunk's vector is
the normalised mean of the real model embeddings of its sentences (every
sentence is embedded once). Queries are embedded by the real model, as in use.

    python bench/bench_retrieval.py [--chunks 10000] [--repeats 3] [--parse-rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))  # for tests.support (the PDF generator and corpus)

import numpy as np  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from synth.index.embeddings import Embedder  # noqa: E402
from synth.index.library import Library  # noqa: E402
from synth.ingest import chunk_paper, parse_pdf  # noqa: E402
from synth.records import Chunk, Page, Paper, ParsedPaper  # noqa: E402
from synth.settings import Settings  # noqa: E402
from bench.corpus.content import CORPUS  # noqa: E402
from bench.corpus.pdf import write_corpus_pdfs  # noqa: E402

CHUNKS_PER_PAPER = 100
WARMUP_QUERIES = 5
T = TypeVar("T")
QUERIES = json.loads((REPO_ROOT / "tests" / "data" / "retrieval_queries.json").read_text())


def timed(function: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def percentiles_ms(seconds: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000


# --- parse and embed ---------------------------------------------------------


def bench_parse(pdfs: list[Path], rounds: int) -> list[ParsedPaper]:
    papers = [Paper(paper_id=pdf.stem, title=pdf.stem, source="local", pdf_path=str(pdf), sha256="-") for pdf in pdfs]
    pages = sum(len(PdfReader(pdf).pages) for pdf in pdfs) * rounds
    _, bare = timed(lambda: [page.extract_text() for _ in range(rounds) for pdf in pdfs for page in PdfReader(pdf).pages])
    parsed, ours = timed(lambda: [parse_pdf(pdf, paper) for _ in range(rounds) for pdf, paper in zip(pdfs, papers)])
    print(f"parse: {pages / ours:7.1f} pages/s parse_pdf   vs {pages / bare:7.1f} pages/s bare pypdf extract_text "
          f"(parse_pdf takes {ours / bare:.2f}x the time of bare extraction; {pages} pages; target >= 20 pages/s)")
    return parsed[: len(pdfs)]


def bench_embed(embedder: Embedder, parsed: list[ParsedPaper], settings: Settings) -> None:
    texts = [chunk.text for paper in parsed for chunk in chunk_paper(paper, settings)]
    embedder.embed(texts[:4])  # load the model outside the timing
    _, seconds = timed(lambda: embedder.embed(texts))
    mean_chars = sum(map(len, texts)) / len(texts)
    print(f"embed: {len(texts) / seconds:7.1f} chunks/s ({len(texts)} corpus chunks, mean {mean_chars:.0f} chars, "
          f"batch 64, {embedder.location.split('/')[-2] if '/' in embedder.location else embedder.location})")


# --- search --------------------------------------------------------------------


class PooledSentenceEmbedder(Embedder):
    """Chunk vectors from precomputed sentence vectors (see the module docstring); queries use the model."""

    def __init__(self, settings: Settings, chunk_vectors: dict[str, np.ndarray]) -> None:
        super().__init__(settings)
        self.chunk_vectors = chunk_vectors

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if all(text in self.chunk_vectors for text in texts):
            return np.stack([self.chunk_vectors[text] for text in texts])
        return super().embed(texts, progress)


def corpus_sentences() -> list[str]:
    bodies = [body for paper in CORPUS for _, body in paper.section_texts()]
    sentences = [s.strip() for body in bodies for s in re.split(r"(?<=[.;])\s+|\n", body)]
    return sorted({sentence for sentence in sentences if len(sentence) > 30})


def synthetic_chunks(count: int, sentences: list[str], vectors: np.ndarray, seed: int = 13):
    """(paper id, chunk text, chunk vector) triples; the text is unique per chunk."""
    generator = random.Random(seed)
    for number in range(count):
        picked = generator.sample(range(len(sentences)), generator.randint(4, 8))
        mean = vectors[picked].mean(axis=0)
        text = f"[{number}] " + " ".join(sentences[index] for index in picked)
        yield f"bench-{number // CHUNKS_PER_PAPER:04d}", text, (mean / np.linalg.norm(mean)).astype(np.float32)


def build_library(settings: Settings, count: int) -> Library:
    sentences = corpus_sentences()
    embedder = Embedder(settings)
    vectors, sentence_seconds = timed(lambda: embedder.embed(sentences))
    print(f"embed: {len(sentences) / sentence_seconds:7.1f} sentences/s ({len(sentences)} corpus sentences, "
          "used to compose the synthetic chunk vectors)")
    by_paper: dict[str, list[tuple[str, np.ndarray]]] = {}
    for paper_id, text, vector in synthetic_chunks(count, sentences, vectors):
        by_paper.setdefault(paper_id, []).append((text, vector))

    library = Library(settings)
    library.embedder = PooledSentenceEmbedder(settings, {t: v for rows in by_paper.values() for t, v in rows})
    _, add_seconds = timed(lambda: [library.add(*synthetic_paper(pid, rows)) for pid, rows in by_paper.items()])
    _, bm25_seconds = timed(library.refresh)
    print(f"index: {count} chunks in {len(by_paper)} papers; Library.add {count / add_seconds:7.1f} chunks/s "
          f"(Chroma + chunk files, vectors precomputed); BM25 build {bm25_seconds:.2f} s")
    return library


def synthetic_paper(paper_id: str, rows: list[tuple[str, np.ndarray]]) -> tuple[ParsedPaper, list[Chunk]]:
    pages = [Page(number=number, text=text) for number, (text, _) in enumerate(rows, start=1)]
    paper = Paper(paper_id=paper_id, title=paper_id, source="local", pdf_path="-", sha256="-", pages=len(pages))
    chunks = [Chunk(chunk_id=f"{paper_id}-{page.number}", paper_id=paper_id, page=page.number, section="Body",
                    start=0, end=len(page.text), text=page.text) for page in pages]
    return ParsedPaper(paper=paper, page_texts=pages), chunks


def bench_search(library: Library, repeats: int) -> None:
    queries = [labeled["query"] for labeled in QUERIES]
    vectors = {query: library.embedder.embed_query(query) for query in queries}
    modes: dict[str, Callable[[str], object]] = {
        "hybrid Library.search": lambda query: library.search(query, k=5),
        "dense-only Library.dense_search": lambda query: library.dense_search(query, k=5),
        "bare Chroma query (vector given)": lambda query: library.dense.query(vectors[query], 5),
        "query embedding alone": library.embedder.embed_query,
        "BM25-only Library.lexical_search": lambda query: library.lexical_search(query, k=5),
    }
    for run in modes.values():
        for query in queries[:WARMUP_QUERIES]:
            run(query)
    latencies: dict[str, list[float]] = {name: [] for name in modes}
    for _ in range(repeats):
        for query in queries:  # modes interleaved per query, so a load spike hits all of them alike
            for name, run in modes.items():
                latencies[name].append(timed(lambda: run(query))[1])
    count = library.dense.count()
    for name, seconds in latencies.items():
        p50, p95 = percentiles_ms(seconds)
        print(f"search @ {count} chunks: {name:34s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ({len(seconds)} queries)")
    hybrid = percentiles_ms(latencies["hybrid Library.search"])
    dense = percentiles_ms(latencies["dense-only Library.dense_search"])
    print(f"ratio hybrid / dense-only: p50 {hybrid[0] / dense[0]:.2f}x, p95 {hybrid[1] / dense[1]:.2f}x "
          f"(target: hybrid p95 <= 100 ms warm)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3, help="passes over the labeled queries per mode")
    parser.add_argument("--parse-rounds", type=int, default=5)
    options = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory(prefix="bench-retrieval-") as workdir:
        root = Path(workdir)
        settings = Settings(home=root / "parse-home")
        parsed = bench_parse(write_corpus_pdfs(root / "pdfs"), options.parse_rounds)
        bench_embed(Embedder(settings), parsed, settings)
        library = build_library(Settings(home=root / "search-home"), options.chunks)
        bench_search(library, options.repeats)
    print(f"load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
