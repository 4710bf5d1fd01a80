"""Parsing PDFs beside embedding their chunks: how the two share the cores.

A cold ``synth ingest`` parses PDFs in worker processes (pure Python, synth.ingest.ahead)
while the main process embeds chunks with torch on every core. This script times the same
work, the parse of the papers and the embedding of their chunk texts, under three schedules:

- ``together``: one parse process beside torch on all its threads (the code before
  ``synth.index.embeddings.beside_busy_cores``);
- ``one thread fewer``: the same, with torch on one thread fewer until the parse ends (what
  the ingest does now);
- ``parse first``: the papers parsed by one process per core, then embedded on all threads.

The baseline is each part alone, measured in the same run. Prints seconds per schedule.

    python bench/bench_parse_beside_embedding.py [--papers ../shared/data/papers] [--count 20]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_report import DEFAULT_PAPERS, machine, selected_papers  # noqa: E402
from synth.errors import IngestError  # noqa: E402
from synth.index.embeddings import Embedder, torch_threads  # noqa: E402
from synth.ingest import chunk_paper, parse_pdf  # noqa: E402
from synth.ingest.run import local_paper  # noqa: E402
from synth.settings import Settings  # noqa: E402

PARSE = "import sys; from bench.bench_parse_beside_embedding import parse_all; parse_all(sys.argv[1:])"
TEXTS_PER_CALL = 80
"""Chunks embedded per call: about one paper's, as the ingest embeds a paper at a time."""


def parse_all(pdfs: list[str]) -> list[str]:
    """Chunk texts of the PDFs that parse (a refused one, such as a garbled text layer, is left out)."""
    settings, texts = Settings(), []
    for pdf in map(Path, pdfs):
        try:
            texts += [chunk.text for chunk in chunk_paper(parse_pdf(pdf, local_paper(pdf, pdf.stem)), settings)]
        except IngestError:
            continue
    return texts


def parse_process(pdfs: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", PARSE, *pdfs], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})


def embed_in_calls(embedder: Embedder, texts: list[str], threads: Callable[[], int]) -> None:
    """Embed ``texts`` a call at a time, each call on ``threads()`` torch threads."""
    for start in range(0, len(texts), TEXTS_PER_CALL):
        with torch_threads(threads()):
            embedder.embed(texts[start:start + TEXTS_PER_CALL])


def seconds(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def schedules(embedder: Embedder, texts: list[str], pdfs: list[str], cores: int) -> dict[str, Callable[[], object]]:
    def parse_beside(threads_while_parsing: int) -> None:
        parsing = parse_process(pdfs)
        embed_in_calls(embedder, texts, lambda: threads_while_parsing if parsing.poll() is None else cores)
        parsing.wait()

    def parse_first() -> None:
        for process in [parse_process(pdfs[start::cores]) for start in range(cores)]:
            process.wait()
        embed_in_calls(embedder, texts, lambda: cores)

    return {
        "baseline: parse alone (one process)": lambda: parse_process(pdfs).wait(),
        "baseline: embed alone (all threads)": lambda: embed_in_calls(embedder, texts, lambda: cores),
        "together (all threads beside the parse)": lambda: parse_beside(cores),
        "one thread fewer until the parse ends": lambda: parse_beside(cores - 1),
        f"parse first ({cores} processes), then embed": parse_first,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=Path, default=DEFAULT_PAPERS)
    parser.add_argument("--count", type=int, default=20)
    args = parser.parse_args(argv)
    pdfs = [str(pdf) for pdf in selected_papers(args.papers, args.count)]
    cores = os.cpu_count() or 1
    embedder = Embedder(Settings(), cache=False)
    texts = parse_all(pdfs)
    embedder.embed(texts[:TEXTS_PER_CALL])  # the model loaded and warmed before any timing
    print(f"machine: {machine()}; {len(pdfs)} papers, {len(texts)} chunks")
    for name, work in schedules(embedder, texts, pdfs, cores).items():
        print(f"{name:<45} {seconds(work):6.1f} s", flush=True)


if __name__ == "__main__":
    main()
