"""Lexical index: BM25 (bm25s) over the same chunks as the dense index.

Layout under ``settings.index_dir / "bm25"``: one folder per built version
(``v-<fingerprint>``, holding the bm25s arrays and the chunk ids in index
order) and ``current.json`` naming the live one. A rebuild writes a new version
folder, then swaps ``current.json`` atomically, then removes old versions, so
a reader or a killed rebuild never sees a half-written index.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Callable

import bm25s
import numpy as np

from synth.index.hybrid import RankedChunk
from synth.files import write_text_atomic
from synth.records import Chunk
from synth.text.normalise import STOP_WORDS

TOKEN = re.compile(r"\b\w\w+\b")
TOKENIZATION = "synth.text stop words, plurals folded, v1"
"""Part of every index fingerprint: an index built with another tokenisation is rebuilt, not misread."""
CURRENT = "current.json"
CHUNK_IDS = "chunk_ids.json"


def normalize_token(token: str) -> str:
    """Fold simple plurals ('models' -> 'model') so queries match either form.

    Not synth.text's stemmer: with it BM25 alone finds all 20 labelled corpus queries in
    its top 5 but the fused ranking still 19, so fusion would lose to BM25 (measured
    2026-12-02; see bench/RESULTS.md, issue 8)."""
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def tokenize(text: str) -> list[str]:
    """Words that are not stop words, plurals folded. The stop words are synth.text's, the list every
    stage compares words with, so a word the verifier ignores is one the index ignores. Numbers stay
    ("nDCG@10" gives "ndcg" and "10"): claims cite them."""
    return [normalize_token(word) for word in TOKEN.findall(text.lower()) if word not in STOP_WORDS]


class LexicalIndex:
    """BM25 over all committed chunks, reloaded or rebuilt when the chunk set changes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.fingerprint: str | None = None
        self.model: bm25s.BM25 | None = None
        self.chunk_ids: list[str] = []
        self.paper_ids: np.ndarray = np.array([], dtype=object)
        self.paper_of: dict[str, str] = {}
        """Paper id of every indexed (that is, committed) chunk."""

    def stored_fingerprint(self) -> str | None:
        try:
            return json.loads((self.root / CURRENT).read_text())["fingerprint"]
        except (OSError, ValueError, KeyError):
            return None

    def use_stored(self, fingerprint: str) -> bool:
        """Match ``fingerprint`` from memory or disk, without building; False if a build is needed."""
        if self.fingerprint == fingerprint:
            return True
        return self.stored_fingerprint() == fingerprint and self.load(fingerprint)

    def ensure(self, fingerprint: str, chunks_of: Callable[[], list[Chunk]]) -> None:
        """Make the in-memory index match ``fingerprint``: keep, load from disk, or rebuild."""
        if not self.use_stored(fingerprint):
            self.build(chunks_of(), fingerprint)

    def build(self, chunks: list[Chunk], fingerprint: str) -> None:
        version = self.root / f"v-{fingerprint}"
        shutil.rmtree(version, ignore_errors=True)
        version.mkdir(parents=True)
        model = None
        if chunks:
            model = bm25s.BM25()
            model.index([tokenize(chunk.text) or [""] for chunk in chunks], show_progress=False)
            model.save(str(version), show_progress=False)
        records = [[chunk.chunk_id, chunk.paper_id] for chunk in chunks]
        (version / CHUNK_IDS).write_text(json.dumps(records))
        write_text_atomic(self.root / CURRENT, json.dumps({"fingerprint": fingerprint}))
        self.remove_old_versions(keep=version.name)
        self.use(model, records, fingerprint)

    def load(self, fingerprint: str) -> bool:
        version = self.root / f"v-{fingerprint}"
        try:
            records = json.loads((version / CHUNK_IDS).read_text())
            model = bm25s.BM25.load(str(version), show_progress=False) if records else None
        except (OSError, ValueError):
            return False
        self.use(model, records, fingerprint)
        return True

    def use(self, model: bm25s.BM25 | None, records: list[list[str]], fingerprint: str) -> None:
        self.model = model
        self.chunk_ids = [chunk_id for chunk_id, _ in records]
        self.paper_ids = np.array([paper_id for _, paper_id in records], dtype=object)
        self.paper_of = dict(zip(self.chunk_ids, self.paper_ids.tolist()))
        self.fingerprint = fingerprint

    def remove_old_versions(self, keep: str) -> None:
        for old in self.root.glob("v-*"):
            if old.name != keep:
                shutil.rmtree(old, ignore_errors=True)

    def query(self, text: str, k: int, paper_ids: list[str] | None = None) -> list[RankedChunk]:
        """Top-k chunks by BM25 score; chunks with no query term are left out."""
        if self.model is None or k <= 0:
            return []
        vocabulary = self.model.vocab_dict
        tokens = [token for token in tokenize(text) if token in vocabulary]
        if not tokens:
            return []
        mask = None
        if paper_ids:
            mask = np.isin(self.paper_ids, list(paper_ids)).astype(np.float32)
        documents, scores = self.model.retrieve(
            [tokens], k=min(k, len(self.chunk_ids)), show_progress=False, weight_mask=mask, n_threads=1
        )
        return [
            RankedChunk(chunk_id=self.chunk_ids[index], paper_id=str(self.paper_ids[index]), score=float(score))
            for index, score in zip(documents[0], scores[0])
            if score > 0
        ]
