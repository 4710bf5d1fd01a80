"""The typer application, global options, exit codes and shared CLI helpers.

Contracts a pipeline can rely on (README "Usage" lists them; a test checks it
against this code): results go to stdout, progress and messages to stderr;
global options work anywhere on the command line; a usage error or bad input
is one line on stderr; the exit codes are the ``EXIT_*`` constants below.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Iterable, NoReturn

import typer
import typer.core
from typer._click import exceptions as click_errors  # typer >= 0.20 vendors click; its errors live here
from pydantic import BaseModel

import synth
from synth.console import console, error
from synth.errors import SynthError
from synth.settings import Settings

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
"""verify: a claims line was skipped; reverify: a verdict changed; ingest: nothing got in and an input failed."""
EXIT_USAGE = 2
"""A usage error or bad input (missing path, unknown id, invalid setting): one line on stderr."""
EXIT_NO_PAPERS = 3
"""report: no paper matched the question (the report says so)."""
EXIT_SOURCE_UNREACHABLE = 4
"""report/audit: arXiv could not be reached; the report holds only what was found elsewhere."""
EXIT_INTERRUPTED = 130
EXIT_CODES = (EXIT_OK, EXIT_CHECK_FAILED, EXIT_USAGE, EXIT_NO_PAPERS, EXIT_SOURCE_UNREACHABLE, EXIT_INTERRUPTED)

GLOBAL_VALUE_OPTIONS = ("--home",)
"""Global options taking a value; ``main`` moves them before the subcommand wherever they are given."""
HELP_OPTIONS = ["-h", "--help"]
LEDGER_HELP = "Claims ledger (SQLite); default: SYNTH_HOME/ledger.sqlite."


def hoist_global_options(args: list[str]) -> list[str]:
    """``args`` with each global option (and its value) moved to the front, so
    ``synth papers --home DIR`` means ``synth --home DIR papers``; ``--`` ends the scan."""
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest += args[index:]
            break
        if arg in GLOBAL_VALUE_OPTIONS and index + 1 < len(args):
            front += args[index:index + 2]
            index += 2
            continue
        (front if arg.split("=", 1)[0] in GLOBAL_VALUE_OPTIONS else rest).append(arg)
        index += 1
    return front + rest


def usage_line(problem: click_errors.UsageError) -> str:
    """A click usage error as one line: what is wrong, then where the help is."""
    command = problem.ctx.command_path if problem.ctx else "synth"
    return f"{problem.format_message()} (see `{command} --help`)"


class SynthGroup(typer.core.TyperGroup):
    """The root command: global options anywhere, and one-line usage errors
    (typer's boxed ones are four lines and hard to grep in a log)."""

    def main(self, args: list[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        argv = hoist_global_options(list(sys.argv[1:] if args is None else args))
        try:
            returned = super().main(argv, prog_name or "synth", complete_var, standalone_mode=False, **extra)
            code = returned if isinstance(returned, int) else EXIT_OK
        except click_errors.NoArgsIsHelpError as shown:
            console.print(shown.ctx.get_help() if shown.ctx else shown.format_message())
            code = EXIT_USAGE
        except click_errors.UsageError as problem:
            error(usage_line(problem))
            code = EXIT_USAGE
        except typer.Abort:
            code = EXIT_INTERRUPTED
        if code == EXIT_INTERRUPTED:
            error("interrupted")
        if standalone_mode:
            sys.exit(code)
        return code


def _show_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"synth {synth.__version__}\n")
        raise typer.Exit()


app = typer.Typer(
    name="synth",
    cls=SynthGroup,
    help="Literature synthesis and claim verification for ML research.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
    context_settings={"help_option_names": HELP_OPTIONS},
)


def sub_app(help_text: str) -> typer.Typer:
    """A command group (``claims``, ``ledger``, ``reproduce``) with the root's help conventions."""
    return typer.Typer(help=help_text, no_args_is_help=True, rich_markup_mode=None, add_completion=False,
                       context_settings={"help_option_names": HELP_OPTIONS})


@app.callback()
def _global_options(
    ctx: typer.Context,
    home: Path | None = typer.Option(None, "--home", metavar="DIR",
                                     help="Keep all state under DIR instead of SYNTH_HOME (any position)."),
    version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    ctx.obj = Settings(home=home) if home else Settings()


def _no_argument_types(self: typer.core.TyperArgument, ctx: typer.Context) -> None:
    """Help lists an argument by its name only (``CLAIMS``), not typer's ``<path>``."""
    return None


typer.core.TyperArgument.display_type_rich = _no_argument_types  # options get a metavar each instead


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


def print_line(line: str) -> None:
    """One result line on stdout, verbatim."""
    sys.stdout.write(line + "\n")


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """One clear line on stderr naming the input and the fix, then exit."""
    error(message)
    raise typer.Exit(code)


def main() -> None:
    """The ``synth`` entry point: library errors become their one line and exit 2."""
    try:
        app()
    except SynthError as problem:
        error(str(problem))
        sys.exit(EXIT_USAGE)
