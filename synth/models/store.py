"""Packing the trained cross-encoder small enough to ship, and reading it back offline.

The shipped file holds every matrix as int8 with one fp16 scale per row (symmetric
per-row quantisation), and vectors (biases, LayerNorm) as fp16. That is about a quarter of
the fp32 size (MiniLM-L6: ~23 MB instead of 91 MB) and dequantises back to fp32 with a
per-weight error of at most half a quantisation step, which changes no argmax on our dev
pairs (checked by ``bench/verify_external.py``). ``model_card.json`` beside the weights
records data, licences, splits, figures and the weights' sha256; the loader checks it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import torch

from synth.errors import SynthError
from synth.index.embeddings import BUNDLED_PACKAGE as BASE_PACKAGE
from synth.index.embeddings import bundled_model_dir as base_model_dir

WEIGHTS_FILE = "weights.int8.safetensors"
CARD_FILE = "model_card.json"
JUDGE_FILE = "judge.json"
RELIABILITY_FILE = "reliability.png"
"""Reliability diagram of the shipped verifier on held-out claims (bench/verify_external.py draws it)."""
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")
INT8_MAX = 127
SCALE_SUFFIX = ".__scale"
REBUILD_HINT = "rebuild it with `synth models train-verifier --data ../shared/data --out DIR`"


class ModelFileError(SynthError):
    """The shipped verifier model is missing, corrupt or does not match its card."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def quantize_state(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Per-row symmetric int8 for matrices, fp16 for everything else."""
    packed: dict[str, torch.Tensor] = {}
    for name, tensor in state.items():
        tensor = tensor.detach().float().cpu()
        if tensor.dim() == 2:
            scale = tensor.abs().amax(dim=1, keepdim=True).clamp_min(1e-12) / INT8_MAX
            packed[name] = torch.round(tensor / scale).clamp(-INT8_MAX, INT8_MAX).to(torch.int8).contiguous()
            packed[name + SCALE_SUFFIX] = scale.to(torch.float16).contiguous()
        else:
            packed[name] = tensor.to(torch.float16).contiguous()
    return packed


def dequantize_state(packed: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    state: dict[str, torch.Tensor] = {}
    for name, tensor in packed.items():
        if name.endswith(SCALE_SUFFIX):
            continue
        scale = packed.get(name + SCALE_SUFFIX)
        state[name] = tensor.float() * scale.float() if scale is not None else tensor.float()
    return state


def export_model(cross_encoder: Any, folder: Path, stats: dict) -> Path:
    """Write the int8 weights, config, tokenizer and a model card into ``folder``."""
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    hf_model = cross_encoder.model
    save_file(quantize_state(hf_model.state_dict()), str(folder / WEIGHTS_FILE))
    hf_model.config.to_json_file(str(folder / "config.json"))
    for name in TOKENIZER_FILES:
        source = base_model_dir() / name
        if source.exists():
            shutil.copyfile(source, folder / name)
    card = {**stats, "weights": WEIGHTS_FILE, "sha256": sha256_of(folder / WEIGHTS_FILE)}
    (folder / CARD_FILE).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return folder


def read_card(folder: Path) -> dict:
    path = folder / CARD_FILE
    if not path.exists():
        raise ModelFileError(f"{path}: verifier model card missing; {REBUILD_HINT}")
    return json.loads(path.read_text(encoding="utf-8"))


def load_state(folder: Path) -> dict[str, torch.Tensor]:
    """The fp32 state dict, after checking the weights against the card's sha256."""
    from safetensors.torch import load_file

    weights = folder / WEIGHTS_FILE
    if not weights.exists():
        raise ModelFileError(f"{weights}: verifier model missing; {REBUILD_HINT}")
    card = read_card(folder)
    if sha256_of(weights) != card.get("sha256"):
        raise ModelFileError(f"{weights}: verifier model corrupt (sha256 differs from its card); {REBUILD_HINT}")
    try:
        return dequantize_state(load_file(str(weights)))
    except Exception as error:  # safetensors raises its own error types for bad headers
        raise ModelFileError(f"{weights}: verifier model unreadable ({error}); {REBUILD_HINT}") from error
