"""Shared fixtures: an isolated SYNTH_HOME per test, offline model hubs, LAReQA data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from synth.settings import Settings, _default_lareqa_dir

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture
def synth_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh state folder, also exported as SYNTH_HOME for CLI runs."""
    home = tmp_path / "synth-home"
    monkeypatch.setenv("SYNTH_HOME", str(home))
    return home


@pytest.fixture
def settings(synth_home: Path) -> Settings:
    return Settings(home=synth_home, arxiv_delay_s=0.0, arxiv_backoff_s=0.01)


def find_lareqa_dir() -> Path | None:
    """The real XQuAD-R / MLQA-R folder: SYNTH_LAREQA_DIR, else ../shared/data/lareqa."""
    env = os.environ.get("SYNTH_LAREQA_DIR")
    candidate = Path(env) if env else _default_lareqa_dir()
    return candidate if (candidate / "xquad-r").is_dir() else None


@pytest.fixture(scope="session")
def lareqa_dir() -> Path:
    """Skips (with the reason) on machines without the licensed LAReQA files."""
    found = find_lareqa_dir()
    if found is None:
        pytest.skip("LAReQA data not found: set SYNTH_LAREQA_DIR or place it at ../shared/data/lareqa")
    return found
