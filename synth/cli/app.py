"""The typer application, global options and shared CLI helpers."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Iterable, NoReturn

import typer
from pydantic import BaseModel

from synth.console import console
from synth.errors import SynthError
from synth.settings import Settings

app = typer.Typer(
    name="synth",
    help="Literature synthesis and claim verification for ML research.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
LEDGER_HELP = "Claims ledger (SQLite); default: <SYNTH_HOME>/ledger.sqlite."


@app.callback()
def _global_options(
    ctx: typer.Context,
    home: Path | None = typer.Option(None, "--home", help="State folder; overrides SYNTH_HOME."),
) -> None:
    ctx.obj = Settings(home=home) if home else Settings()


def settings_of(ctx: typer.Context) -> Settings:
    """The Settings built by the global callback (or a default one)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings()


def print_json(records: BaseModel | Iterable[BaseModel] | Any) -> None:
    """Write records as JSON to stdout (lists of pydantic models or plain data)."""
    if isinstance(records, BaseModel):
        data = records.model_dump(mode="json")
    elif isinstance(records, (list, tuple)):
        data = [r.model_dump(mode="json") if isinstance(r, BaseModel) else r for r in records]
    else:
        data = records
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def fail(message: str, code: int = 2) -> NoReturn:
    """One clear line on stderr naming the input and the fix, then exit."""
    console.print(f"[red]error:[/red] {message}", markup=True, highlight=False)
    raise typer.Exit(code)


def main() -> None:
    try:
        app()
    except SynthError as error:
        console.print(f"[red]error:[/red] {error}", markup=True, highlight=False)
        sys.exit(2)
