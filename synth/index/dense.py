"""Dense index: chunk embeddings in Chroma (embedded store or a Chroma server).

We compute embeddings ourselves and give them to Chroma; the collection has
no embedding function, because Chroma's default one would try to download a
model.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlparse

import httpx
import numpy as np

from synth.errors import StorageError, StoreError
from synth.files import is_storage_message, writing
from synth.records import Chunk
from synth.settings import Settings

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import chromadb  # noqa: E402  (after the telemetry switch, which chromadb reads on import)
from chromadb.config import Settings as ChromaSettings  # noqa: E402

COLLECTION = "synth-chunks"


def unreachable(settings: Settings, error: Exception) -> StoreError:
    return StoreError(
        f"Chroma server unreachable at {settings.chroma_url} ({error}); "
        "start it with `chroma run --path DIR` or unset SYNTH_CHROMA_URL to use the embedded store"
    )


def chroma_client(settings: Settings) -> "chromadb.api.ClientAPI":
    """Embedded PersistentClient under the index folder, or HttpClient for SYNTH_CHROMA_URL."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if not settings.chroma_url:
        path = settings.index_dir / "chroma"
        with writing(path):
            path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    url = urlparse(settings.chroma_url if "://" in settings.chroma_url else f"http://{settings.chroma_url}")
    try:
        return chromadb.HttpClient(
            host=url.hostname or "localhost",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    except Exception as error:  # chromadb raises ValueError or transport errors
        raise unreachable(settings, error) from error


def chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    return {
        "paper_id": chunk.paper_id,
        "page": chunk.page,
        "section": chunk.section,
        "start": chunk.start,
        "end": chunk.end,
    }


def paper_filter(paper_ids: list[str] | None) -> dict | None:
    if not paper_ids:
        return None
    if len(paper_ids) == 1:
        return {"paper_id": paper_ids[0]}
    return {"paper_id": {"$in": list(paper_ids)}}


class DenseIndex:
    """One Chroma collection, cosine space, one record per chunk."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        with self.reachable():
            self.client = chroma_client(settings)
        with self.reachable():
            self.collection = self.client.get_or_create_collection(
                COLLECTION,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
            )

    @contextmanager
    def reachable(self) -> Iterator[None]:
        """A server that went away mid-session becomes the same one-line StoreError;
        an embedded store on a read-only or full disk becomes a StorageError."""
        try:
            yield
        except httpx.TransportError as error:
            raise unreachable(self.settings, error) from error
        except StorageError:
            raise
        except Exception as error:  # chromadb reports sqlite and file errors as its own types or strings
            if is_storage_message(str(error)):
                raise StorageError(
                    f"{self.settings.index_dir / 'chroma'}: the embedded Chroma store cannot be written ({error}); "
                    "free some space or make it writable, or point --home (SYNTH_HOME) elsewhere"
                ) from error
            raise

    def replace_paper(self, paper_id: str, chunks: list[Chunk], embeddings: np.ndarray) -> None:
        """Drop the paper's old chunks, then add the new ones (in Chroma-sized batches)."""
        self.delete_paper(paper_id)
        with self.reachable():
            batch = self.client.get_max_batch_size()
            for begin in range(0, len(chunks), batch):
                part = chunks[begin : begin + batch]
                self.collection.add(
                    ids=[chunk.chunk_id for chunk in part],
                    embeddings=embeddings[begin : begin + batch],
                    documents=[chunk.text for chunk in part],
                    metadatas=[chunk_metadata(chunk) for chunk in part],
                )

    def delete_paper(self, paper_id: str) -> None:
        with self.reachable():
            self.collection.delete(where={"paper_id": paper_id})

    def query(self, embedding: np.ndarray, k: int, paper_ids: list[str] | None = None) -> list[tuple[str, float]]:
        """Top-k (chunk id, cosine similarity), best first.

        Only ids and distances are fetched: with metadata a query at 10k chunks
        took 2-3x longer, and the library knows each chunk's paper anyway.
        """
        if k <= 0:
            return []
        with self.reachable():
            result = self.collection.query(
                query_embeddings=[embedding], n_results=k, where=paper_filter(paper_ids), include=["distances"]
            )
        return [(chunk_id, 1.0 - float(distance)) for chunk_id, distance in zip(result["ids"][0], result["distances"][0])]

    def count(self) -> int:
        with self.reachable():
            return self.collection.count()
