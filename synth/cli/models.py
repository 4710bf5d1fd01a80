"""`synth models ...`: rebuild the models synth ships (the NLI cross-encoder and its verdict combiner)."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import typer

from synth.cli.app import app, print_line, settings_of, sub_app
from synth.settings import Precision

models = sub_app("Rebuild the models synth ships.")
app.add_typer(models, name="models")


@models.command("train-verifier")
def train_verifier_command(
    data: Path = typer.Option(..., "--data", metavar="DIR", help="The shared data folder holding nli/, claims/ and scifact/."),
    out: Path = typer.Option(..., "--out", metavar="DIR", help="Output folder: checkpoints/, training.json and model/."),
    device: str = typer.Option("cpu", "--device", metavar="DEVICE", help="cpu or cuda."),
    epochs: float | None = typer.Option(None, "--epochs", metavar="N", min=0.0, show_default=False,
                                        help="Passes over the training mixture [default: the shipped run's, "
                                             "TrainOptions.epochs]."),
    learning_rate: float | None = typer.Option(None, "--learning-rate", metavar="LR", min=0.0, show_default=False,
                                               help="Peak learning rate, linear warm-up over 10% of the steps then linear "
                                                    "decay [default: the shipped run's, TrainOptions.learning_rate]."),
    max_pairs: int | None = typer.Option(None, "--max-pairs", metavar="N", help="Train on the first N pairs only (smoke tests)."),
    stop_at_step: int | None = typer.Option(None, "--stop-at-step", metavar="N",
                                            help="End at optimizer step N, keeping the full run's learning-rate schedule."),
    augment: bool = typer.Option(False, "--augment/--no-augment",
                                 help="Add rule-made contradictions and scope shifts of the in-domain entailment pairs."),
    written: bool = typer.Option(False, "--written/--no-written",
                                 help="Add the project's own ML-paper pairs (synth/models/data/ml_pairs.jsonl)."),
    general_scale: float | None = typer.Option(None, "--general-scale", metavar="X", min=0.0, show_default=False,
                                               help="Multiply each general-NLI source's pair cap by X (SNLI/MNLI/... "
                                                    "pairs beside the in-domain ones) [default: the shipped run's, "
                                                    "TrainOptions.general_scale]."),
    precision: str = typer.Option("auto", "--precision", metavar="P",
                                  help="auto (bfloat16 where the CPU or GPU multiplies it in hardware), float32 or bfloat16."),
) -> None:
    """Fine-tune the cross-encoder (resuming from the newest checkpoint in --out), export it and fit the combiner.

    Copy the resulting model/ folder to synth/models/verifier/ to ship it.
    """
    from synth.models.train import TrainOptions, train_verifier

    if not (data / "nli").is_dir():
        raise typer.BadParameter(f"{data} has no nli/ folder; pass the shared data folder", param_hint="--data")
    if precision not in get_args(Precision):
        raise typer.BadParameter(f"{precision!r} is not a precision; use {', '.join(get_args(Precision))}",
                                 param_hint="--precision")
    given = {"learning_rate": learning_rate, "epochs": epochs, "general_scale": general_scale}
    chosen = {name: value for name, value in given.items() if value is not None}
    folder = train_verifier(data, out, TrainOptions(device=device, max_pairs=max_pairs, stop_at_step=stop_at_step,
                                                         augment=augment, written=written, precision=precision,
                                                         **chosen))
    print_line(f"wrote {folder}")


@models.command("fit-combiner")
def fit_combiner_command(
    ctx: typer.Context,
    data: Path = typer.Option(..., "--data", metavar="DIR", help="The shared data folder holding nli/, claims/, scifact/ and papers/."),
    model: Path | None = typer.Option(None, "--model", metavar="DIR",
                                      help="The model folder whose judge.json to refit (default: the shipped one)."),
    libraries: Path | None = typer.Option(None, "--libraries", metavar="DIR",
                                          help="Where the libraries the dev claims are judged through (real papers, corpus, "
                                               "SciFact abstracts as PDFs) are ingested (default: SYNTH_HOME/verifier-libraries)."),
) -> None:
    """Refit only the verdict combiner and its confidence maps on the dev claims, keeping the cross-encoder.

    Rewrites judge.json and the model card's combiner entry; run bench/verify_external.py after it for the held-out figures.
    """
    from synth.models.nli import shipped_model_dir
    from synth.models.train import TrainOptions, fit_combiner

    if not (data / "claims").is_dir():
        raise typer.BadParameter(f"{data} has no claims/ folder; pass the shared data folder", param_hint="--data")
    folder = model or shipped_model_dir()
    home = libraries or settings_of(ctx).home / "verifier-libraries"
    spec = fit_combiner(data, folder, TrainOptions(library_home=str(home)))
    print_line(f"wrote {folder / 'judge.json'} (grouped-CV macro-F1 {spec['cross_validation']['macro_f1']:.3f})")
