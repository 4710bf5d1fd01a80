"""The library: registry of ingested papers, their parsed text, and both indexes.

On disk (all below ``settings.home``)::

    papers/<key>.json        ParsedPaper (page texts for exact quotes); the commit marker
    index/chunks/<key>.json  the paper's chunks, the source the BM25 index is built from
    index/chroma/            embedded Chroma store (unless SYNTH_CHROMA_URL is set)
    index/bm25/              BM25 versions + current.json

``add`` works in an order that keeps the store usable if the process is
killed at any point: it removes the paper's marker first (the paper drops out
of listings and search), writes the chunk file, replaces the chunks in Chroma,
and writes the marker last. A paper without its marker counts as absent, so
the next ingest does it again; readers ignore chunks of uncommitted papers.
The BM25 index is keyed by a fingerprint of the committed chunk files and is
rebuilt on the next lexical query (or ``refresh``) after a change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from filelock import FileLock, Timeout
from pydantic import TypeAdapter

from synth.errors import StoreError
from synth.index.dense import DenseIndex
from synth.index.embeddings import Embedder
from synth.index.hybrid import RankedChunk, reciprocal_rank_fusion
from synth.index.lexical import TOKENIZATION, LexicalIndex
from synth.files import write_text_atomic, writing
from synth.records import Chunk, ParsedPaper, PaperSummary, SearchHit
from synth.settings import Settings
from synth.sources.ids import safe_file_stem

CHUNK_LIST = TypeAdapter(list[Chunk])
MIN_CANDIDATES = 20
"""Each ranking contributes at least this many candidates to fusion, so a
chunk ranked moderately by both can still beat one ranked first by one."""


class UnknownPaperError(StoreError, KeyError):
    """Asked for a paper id the library does not hold."""

    def __str__(self) -> str:
        return str(self.args[0])


class Library:
    """Papers, chunks and search over them; see the module docstring for the layout."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.papers_dir = settings.papers_dir
        self.chunks_dir = settings.index_dir / "chunks"
        with writing(self.chunks_dir):
            self.papers_dir.mkdir(parents=True, exist_ok=True)
            self.chunks_dir.mkdir(parents=True, exist_ok=True)
        self.embedder = Embedder(settings)
        self.lexical = LexicalIndex(settings.index_dir / "bm25")
        self.write_lock = FileLock(str(settings.index_dir / "write.lock"))
        self._parsed_cache: dict[str, tuple[int, ParsedPaper]] = {}
        self._chunk_cache: dict[str, tuple[int, list[Chunk]]] = {}
        self._swept = False

    @contextmanager
    def exclusive(self, on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
        """Hold the home's write lock for a whole run (an ingest).

        A second ingest on the same home waits (``on_wait`` tells the user)
        instead of interleaving with the first: the embedded Chroma store keeps
        an in-memory copy per process, so it is opened only once the lock is
        held and sees every paper the other run committed.
        """
        with writing(self.write_lock.lock_file):
            try:
                self.write_lock.acquire(timeout=0)
            except Timeout:
                on_wait()
                self.write_lock.acquire()
        try:
            yield
        finally:
            self.write_lock.release()

    @cached_property
    def dense(self) -> DenseIndex:
        """Opened on first use, so listing papers needs no Chroma connection."""
        return DenseIndex(self.settings)

    # --- registry -----------------------------------------------------------

    def marker_path(self, paper_id: str) -> Path:
        return self.papers_dir / f"{safe_file_stem(paper_id)}.json"

    def chunk_path(self, paper_id: str) -> Path:
        return self.chunks_dir / f"{safe_file_stem(paper_id)}.json"

    def committed_keys(self) -> set[str]:
        return {path.stem for path in self.papers_dir.glob("*.json")}

    def has(self, paper_id: str, sha256: str, parsed_by: str | None = None) -> bool:
        """True when this exact file version (same id and content hash) is fully ingested, and, with
        ``parsed_by``, was parsed by that version of the ingest code (synth.ingest.version).

        An unreadable record counts as absent, so the next ingest rewrites it.
        """
        try:
            stored = self.paper(paper_id).paper
        except StoreError:
            return False
        return stored.sha256 == sha256 and (parsed_by is None or stored.parsed_by == parsed_by)

    def paper(self, paper_id: str) -> ParsedPaper:
        """The parsed paper with its page texts; UnknownPaperError (a KeyError) if absent."""
        path = self.marker_path(paper_id)
        parsed = self._load_parsed(path)
        if parsed is None:
            raise UnknownPaperError(f"unknown paper id {paper_id!r}; list the ingested ones with `synth papers`")
        return parsed

    def chunks(self, paper_id: str) -> list[Chunk]:
        """The chunks of a committed paper, in document order."""
        self.paper(paper_id)
        return self._load_chunks(self.chunk_path(paper_id))

    def papers(self) -> list[PaperSummary]:
        summaries = []
        for path in sorted(self.papers_dir.glob("*.json")):
            parsed = self._load_parsed(path)
            if parsed is None:
                continue
            record = parsed.paper
            chunk_count = len(self._load_chunks(self.chunks_dir / path.name))
            summaries.append(
                PaperSummary(
                    paper_id=record.paper_id,
                    title=record.title,
                    authors=record.authors,
                    year=record.year,
                    source=record.source,
                    pages=record.pages or len(parsed.page_texts),
                    chunks=chunk_count,
                )
            )
        return sorted(summaries, key=lambda summary: summary.paper_id)

    # --- writing ------------------------------------------------------------

    def add(self, parsed: ParsedPaper, chunks: list[Chunk]) -> None:
        """Store a parsed paper and its chunks, replacing any earlier version of the paper."""
        paper_id = parsed.paper.paper_id
        strays = [chunk.chunk_id for chunk in chunks if chunk.paper_id != paper_id]
        if strays:
            raise ValueError(f"chunks {strays[:3]} do not belong to paper {paper_id!r}")
        embeddings = self.embedder.embed([chunk.text for chunk in chunks])
        with self.exclusive():
            self._sweep_uncommitted()
            self.marker_path(paper_id).unlink(missing_ok=True)
            write_text_atomic(self.chunk_path(paper_id), CHUNK_LIST.dump_json(chunks).decode())
            self.dense.replace_paper(paper_id, chunks, embeddings)
            write_text_atomic(self.marker_path(paper_id), parsed.model_dump_json())

    def refresh(self) -> None:
        """Bring the BM25 index up to date now (otherwise the next lexical query does it)."""
        self._ensure_lexical()

    def _sweep_uncommitted(self) -> None:
        """Once per instance, drop chunks left by an add that was killed before its commit."""
        if self._swept:
            return
        committed = self.committed_keys()
        for path in self.chunks_dir.glob("*.json"):
            if path.stem not in committed:
                for paper_id in {chunk.paper_id for chunk in self._load_chunks(path)}:
                    self.dense.delete_paper(paper_id)
                path.unlink(missing_ok=True)
        self._swept = True

    # --- search -------------------------------------------------------------

    def search(self, query: str, k: int = 5, paper_ids: list[str] | None = None) -> list[SearchHit]:
        """Hybrid search: reciprocal rank fusion of the dense and BM25 rankings."""
        depth = max(k * 4, MIN_CANDIDATES)
        rankings = [self._dense_ranking(query, depth, paper_ids), self._lexical_ranking(query, depth, paper_ids)]
        return self._hits(reciprocal_rank_fusion(rankings, k))

    def dense_search(self, query: str, k: int = 5, paper_ids: list[str] | None = None) -> list[SearchHit]:
        """Embedding similarity only (score: cosine similarity)."""
        return self._hits(self._dense_ranking(query, k, paper_ids)[:k])

    def lexical_search(self, query: str, k: int = 5, paper_ids: list[str] | None = None) -> list[SearchHit]:
        """BM25 only (score: BM25)."""
        return self._hits(self._lexical_ranking(query, k, paper_ids)[:k])

    def _dense_ranking(self, query: str, depth: int, paper_ids: list[str] | None) -> list[RankedChunk]:
        """Chroma's ranking, without chunks of papers that are not committed (a killed add)."""
        if not query.strip():
            return []
        self._ensure_lexical()  # its chunk -> paper map covers exactly the committed chunks
        paper_of = self.lexical.paper_of
        ranking = self.dense.query(self.embedder.embed_query(query), depth, paper_ids)
        return [RankedChunk(chunk_id, paper_of[chunk_id], score) for chunk_id, score in ranking if chunk_id in paper_of]

    def _lexical_ranking(self, query: str, depth: int, paper_ids: list[str] | None) -> list[RankedChunk]:
        self._ensure_lexical()
        return self.lexical.query(query, depth, paper_ids)

    def _ensure_lexical(self) -> None:
        """Load the stored BM25 index when it is current (no lock needed, so a
        read-only home can still be searched); else rebuild it under the lock."""
        keys = sorted(self.committed_keys())
        if self.lexical.use_stored(self._fingerprint(keys)):
            return
        with self.exclusive(), writing(self.lexical.root):
            keys = sorted(self.committed_keys())
            self.lexical.ensure(self._fingerprint(keys), lambda: self._committed_chunks(keys))

    def _fingerprint(self, keys: list[str]) -> str:
        """Changes whenever a committed paper's chunk file is written, added or removed, or the
        tokenisation changes."""
        digest = hashlib.sha256(f"{TOKENIZATION}\n".encode())
        for key in keys:
            path = self.chunks_dir / f"{key}.json"
            stat = path.stat() if path.exists() else None
            digest.update(f"{key}:{stat.st_mtime_ns if stat else 0}:{stat.st_size if stat else 0}\n".encode())
        return digest.hexdigest()[:16]

    def _committed_chunks(self, keys: list[str]) -> list[Chunk]:
        return [chunk for key in keys for chunk in self._load_chunks(self.chunks_dir / f"{key}.json")]

    def _hits(self, ranking: list[RankedChunk]) -> list[SearchHit]:
        hits = []
        for ranked in ranking:
            chunk = self._chunk_by_id(ranked.paper_id, ranked.chunk_id)
            parsed = self._load_parsed(self.marker_path(ranked.paper_id))
            if chunk is None or parsed is None:
                continue  # the paper was replaced or removed since the ranking was made
            hits.append(
                SearchHit(
                    paper_id=chunk.paper_id,
                    title=parsed.paper.title,
                    chunk_id=chunk.chunk_id,
                    page=chunk.page,
                    section=chunk.section,
                    start=chunk.start,
                    end=chunk.end,
                    score=round(ranked.score, 6),
                    text=chunk.text,
                )
            )
        return hits

    def _chunk_by_id(self, paper_id: str, chunk_id: str) -> Chunk | None:
        chunks = self._load_chunks(self.chunk_path(paper_id))
        return next((chunk for chunk in chunks if chunk.chunk_id == chunk_id), None)

    # --- cached file reads (keyed by modification time) --------------------

    def _load_parsed(self, path: Path) -> ParsedPaper | None:
        try:
            stamp = path.stat().st_mtime_ns
        except FileNotFoundError:
            return None
        cached = self._parsed_cache.get(str(path))
        if cached and cached[0] == stamp:
            return cached[1]
        try:
            parsed = ParsedPaper.model_validate_json(path.read_bytes())
        except (OSError, ValueError) as error:
            raise StoreError(f"paper record {path} is unreadable ({error}); delete it and ingest the paper again") from error
        self._parsed_cache[str(path)] = (stamp, parsed)
        return parsed

    def _load_chunks(self, path: Path) -> list[Chunk]:
        try:
            stamp = path.stat().st_mtime_ns
        except FileNotFoundError:
            return []
        cached = self._chunk_cache.get(str(path))
        if cached and cached[0] == stamp:
            return cached[1]
        chunks = CHUNK_LIST.validate_json(path.read_bytes())
        self._chunk_cache[str(path)] = (stamp, chunks)
        return chunks
