"""Provenance section: tool version, command, model and data hashes, configuration and
the verification policy every verdict was reached under."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import synth
from synth.files import file_sha256
from synth.index.library import Library
from synth.report.document import Provenance, Source
from synth.settings import Settings
from synth.studies.hybrid_batch.records import Reproduction


def created_at() -> str:
    """Now in UTC, or SOURCE_DATE_EPOCH when set (reproducible example reports)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def embedding_model_hashes(settings: Settings) -> tuple[str, dict[str, str]]:
    """(name of the embedding model, sha256 of its weight files)."""
    from synth.index.embeddings import model_location

    location = Path(model_location(settings))
    name = "all-MiniLM-L6-v2 (bundled)" if settings.embedding_model is None else str(settings.embedding_model)
    weights = sorted(location.glob("*.safetensors")) + sorted(location.glob("*.bin")) if location.is_dir() else []
    return name, {f"embedding {weight.name}": file_sha256(weight) for weight in weights}


def build_provenance(settings: Settings, command: str, config: dict[str, str], sources: list[Source],
                     reproduction: Reproduction | None, library: Library) -> Provenance:
    name, model_hashes = embedding_model_hashes(settings)
    data_hashes = {f"paper {source.id}": library.paper(source.id).paper.sha256 for source in sources}
    if reproduction is not None:
        model_hashes[f"reproduction {reproduction.model_spec}"] = reproduction.model_sha256
        data_hashes |= {f"LAReQA {path}": sha for path, sha in reproduction.data_sha256.items()}
    return Provenance(tool_version=synth.__version__, created_at=created_at(), command=command,
                      embedding_model=name, model_hashes=model_hashes, data_hashes=data_hashes, config=config,
                      verify_policy=settings.verify.flat())
