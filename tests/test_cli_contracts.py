"""The CLI contracts a pipeline relies on, through the real CLI.

stdout carries results only and stderr progress and messages (each command is
run with the two streams apart and its stdout checked alone); global options
work anywhere; help shows no types; a usage error or a wrong path is one line
before anything is verified or recorded; every option and exit code is in the
README, checked against the CLI so the two cannot drift.
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

import synth
from synth.cli import app
from synth.cli.app import EXIT_CODES, EXIT_NO_PAPERS, EXIT_SOURCE_UNREACHABLE, EXIT_USAGE
from synth.report.ledger import Ledger
from tests.support.arxiv_server import running_arxiv_server, serve_corpus
from bench.corpus.content import CORPUS
from tests.support.lareqa import fill_missing_languages, write_lareqa_fixture
from bench.corpus.pdf import write_corpus_pdfs

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
TEXT_CLAIM = "The InfoNCE temperature is 0.05 in all runs."
LONG_CLAIM = ("For XQuAD-R there are 11 parallel languages, thus 110 cross-lingual and 11 monolingual language "
              "pairs, which is what the hybrid batches sample from.")


def run(*args: str, env: dict[str, str] | None = None):
    """The CLI in-process; ``result.stdout`` and ``result.stderr`` are kept apart."""
    return CliRunner().invoke(app, list(args), env=env)


def synth_process(*args: str, keep_stderr: bool = False) -> subprocess.CompletedProcess:
    """The CLI as a separate process (as a shell runs it), stderr discarded unless kept."""
    return subprocess.run([sys.executable, "-c", "from synth.cli import main; main()", *args], text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE if keep_stderr else subprocess.DEVNULL,
                          timeout=300)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home holding the four corpus papers, ingested through the CLI."""
    root = tmp_path_factory.mktemp("contracts")
    pdfs = write_corpus_pdfs(root / "pdfs")
    ingested = run("--home", str(root / "home"), "ingest", *map(str, pdfs))
    assert ingested.exit_code == 0, ingested.output
    assert ingested.stdout == "4 papers ingested, 0 skipped, 0 failed\n"
    return root / "home"


@pytest.fixture(scope="module")
def lareqa(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fill_missing_languages(write_lareqa_fixture(tmp_path_factory.mktemp("lareqa")))


# --- stdout: results only ------------------------------------------------------


def test_papers_is_a_tab_separated_table_on_stdout_when_piped(home: Path) -> None:
    done = synth_process("papers", "--home", str(home))
    header, *rows = done.stdout.splitlines()
    assert done.returncode == 0
    assert header.split("\t") == ["paper_id", "title", "authors", "year", "source", "pages", "chunks"]
    assert sorted(row.split("\t")[0] for row in rows) == ["hybrid-batch", "language-bias", "lexical-dense", "lr-warmup"]
    assert {paper.title for paper in CORPUS} == {row.split("\t")[1] for row in rows}, "titles are never cut"


def test_search_hits_on_stdout_and_a_nonsense_query_finds_nothing(home: Path) -> None:
    found = run("--home", str(home), "search", "rank distance between parallel answers", "--k", "2")
    assert found.exit_code == 0 and found.stderr == ""
    assert re.match(r"1\. .+ \[[\w-]+\] p\.\d+, ", found.stdout) and "\n2. " in found.stdout

    nonsense = run("--home", str(home), "search", "zzqx flurble", "--json")
    assert nonsense.exit_code == 0 and json.loads(nonsense.stdout) == []
    assert "no passage matches" not in nonsense.stdout


def test_claims_extract_verify_and_premises_print_results_on_stdout(home: Path, tmp_path: Path) -> None:
    extracted = run("--home", str(home), "claims", "extract", "hybrid-batch", "--top", "3")
    assert extracted.exit_code == 0
    assert len(extracted.stdout.splitlines()) == 3 and all("[hybrid-batch p." in line for line in extracted.stdout.splitlines())

    claims = tmp_path / "claims.jsonl"
    claims.write_text(json.dumps({"text": TEXT_CLAIM, "paper_id": "hybrid-batch"}) + "\nnot json\n"
                      + json.dumps({"text": "MLQA-R covers 7 languages."}) + "\n")
    verified = run("--home", str(home), "verify", str(claims), "--ledger", str(tmp_path / "l.sqlite"),
                   env={"SYNTH_LAREQA_DIR": str(tmp_path / "absent")})
    assert verified.exit_code == 1, "a skipped line"
    assert "line 2" in verified.stderr and "line 2" not in verified.stdout
    assert verified.stdout.startswith("supported") and "[hybrid-batch p." in verified.stdout
    assert "p.None" not in verified.stdout
    assert "found nothing either way (dataset)" in verified.stdout, "without data the data check is silent"

    premises = run("--home", str(home), "premises", "--question", "Does hybrid batch training help on XQuAD-R?")
    assert premises.exit_code == 0 and "XQuAD-R" in premises.stdout


def test_ledger_show_export_and_reverify_results_on_stdout(home: Path, lareqa: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    claims = tmp_path / "claims.jsonl"
    claims.write_text(json.dumps({"text": LONG_CLAIM}) + "\n" + json.dumps({"text": TEXT_CLAIM, "paper_id": "hybrid-batch"}) + "\n")
    assert run("--home", str(home), "verify", str(claims), "--data", str(lareqa), "--ledger", str(ledger)).exit_code == 0

    shown = synth_process("ledger", "show", "--ledger", str(ledger))
    header, *rows = shown.stdout.splitlines()
    assert header.split("\t")[:3] == ["id", "claim", "verdict"]
    assert {row.split("\t")[1] for row in rows} == {LONG_CLAIM, TEXT_CLAIM}, "claims are never cut"

    exported = run("ledger", "export", "--ledger", str(ledger), "--jsonl")
    lines = [json.loads(line) for line in exported.stdout.splitlines()]
    assert {line["claim"] for line in lines} == {LONG_CLAIM, TEXT_CLAIM} and all("text" not in line for line in lines)

    again = run("--home", str(home), "reverify", "--ledger", str(ledger), "--data", str(lareqa), "--out", str(tmp_path))
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith("2 claims re-verified: 0 verdict changes")


def test_arxiv_lists_results_as_tab_separated_lines(tmp_path: Path, synth_home: Path) -> None:
    with running_arxiv_server() as server:
        serve_corpus(server, tmp_path / "served")
        done = run("arxiv", "all:hybrid", "--max", "2", env={"SYNTH_ARXIV_URL": server.url, "SYNTH_ARXIV_DELAY_S": "0"})
    assert done.exit_code == 0, done.output
    first = done.stdout.splitlines()[0].split("\t")
    assert len(first) == 4 and re.fullmatch(r"\d{4}\.\d{5}v\d+", first[0])


# --- wrong paths are one line, before any verdict --------------------------------


def _ledger_rows(ledger: Path) -> list[int]:
    with closing(Ledger(ledger, create=False)) as opened:
        return [len(entry.history) for entry in opened.claims()]


def test_a_missing_or_incomplete_data_folder_is_refused_before_anything_is_recorded(tmp_path: Path, synth_home: Path) -> None:
    claims = tmp_path / "claims.jsonl"
    claims.write_text(json.dumps({"text": "MLQA-R has 7 languages."}) + "\n")
    partial = tmp_path / "partial"
    (partial / "mlqa-r").mkdir(parents=True)
    (partial / "mlqa-r" / "en.json").write_text('{"data": []}')
    ledger = tmp_path / "l.sqlite"

    for data, expected in ((tmp_path / "nonexistent", "no such folder"), (partial, "incomplete LAReQA folder")):
        done = run("verify", str(claims), "--data", str(data), "--ledger", str(ledger))
        assert done.exit_code == EXIT_USAGE and done.stdout == ""
        (line,) = done.stderr.splitlines()
        assert line.startswith(f"error: --data {data}") and expected in line
    assert not ledger.exists()


def test_missing_papers_and_results_paths_are_one_line_errors(tmp_path: Path, synth_home: Path) -> None:
    report = run("report", "--question", "hybrid batches?", "--papers", str(tmp_path / "nope"), "--no-arxiv",
                 "--out", str(tmp_path / "out"))
    assert report.exit_code == EXIT_USAGE and "no such file or folder" in report.stderr
    assert len(report.stderr.splitlines()) == 1 and not (tmp_path / "out" / "report.json").exists()

    claims = tmp_path / "c.jsonl"
    claims.write_text(json.dumps({"text": TEXT_CLAIM}) + "\n")
    results = run("verify", str(claims), "--results", str(tmp_path / "nope"))
    assert results.exit_code == EXIT_USAGE and results.stderr.startswith(f"error: --results {tmp_path / 'nope'}")


def test_reverify_refuses_a_ledger_it_cannot_recheck_and_leaves_it_alone(home: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    claims = tmp_path / "claims.jsonl"
    claims.write_text(json.dumps({"text": TEXT_CLAIM, "paper_id": "hybrid-batch"}) + "\n")
    assert run("--home", str(home), "verify", str(claims), "--ledger", str(ledger)).exit_code == 0
    before = _ledger_rows(ledger)

    empty_home = tmp_path / "empty-home"
    done = run("reverify", "--ledger", str(ledger), "--home", str(empty_home))
    assert done.exit_code == EXIT_USAGE
    (line,) = done.stderr.splitlines()
    assert "cannot be re-checked" in line and "--papers" in line
    assert _ledger_rows(ledger) == before and not (tmp_path / "reverify-diff.json").exists()


# --- sources that cannot be reached ----------------------------------------------


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/api/query"


def test_unreachable_arxiv_fails_the_stage_and_exits_4_with_the_fix(tmp_path: Path, synth_home: Path) -> None:
    env = {"SYNTH_ARXIV_URL": _closed_port_url(), "SYNTH_ARXIV_RETRIES": "0", "SYNTH_ARXIV_DELAY_S": "0"}
    done = run("report", "--question", "Do hybrid batches help multilingual retrieval?", "--format", "md,json",
               "--out", str(tmp_path / "out"), "--ledger", str(tmp_path / "l.sqlite"), env=env)

    assert done.exit_code == EXIT_SOURCE_UNREACHABLE != EXIT_NO_PAPERS
    assert "✗ find papers" in done.stderr and "✓ find papers" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "arXiv unreachable" in errors[0] and "--papers DIR --no-arxiv" in errors[0]
    assert done.stdout.startswith("0 claims:")


# --- global options, help, usage errors, version --------------------------------


def test_home_works_anywhere_on_the_command_line(tmp_path: Path) -> None:
    for args in (["--home", str(tmp_path), "ledger", "show"], ["ledger", "show", "--home", str(tmp_path)],
                 ["ledger", f"--home={tmp_path}", "show"]):
        done = synth_process(*args, keep_stderr=True)
        assert done.returncode == EXIT_USAGE and done.stdout == "", args
        (line,) = done.stderr.splitlines()
        assert line.startswith("error: ") and str(tmp_path / "ledger.sqlite") in line, args


def test_version_and_short_help() -> None:
    version = synth_process("--version")
    assert version.stdout == f"synth {synth.__version__}\n"
    assert f'version = "{synth.__version__}"' in (REPO / "pyproject.toml").read_text()
    assert run("search", "-h").stdout.startswith("Usage: synth search")


def leaf_commands(group, path: tuple[str, ...] = ()):
    """(command path, click command) for every runnable command."""
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from leaf_commands(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = list(leaf_commands(typer.main.get_command(app)))


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS], ids=" ".join)
def test_help_reads_as_sentences_without_types(path: tuple[str, ...]) -> None:
    shown = run(*path, "--help")
    assert shown.exit_code == 0
    assert not re.search(r"<(path|int|float|bool|text|str|list)", shown.stdout, re.I), shown.stdout


def test_usage_errors_are_one_line() -> None:
    for args in (["search"], ["search", "x", "--k", "0"], ["nope"], ["verify", "a", "--bogus"]):
        done = run(*args)
        assert done.exit_code == EXIT_USAGE, args
        (line,) = done.stderr.splitlines()
        assert line.startswith("error: ") and "--help" in line


def test_cli_startup_loads_no_heavy_library() -> None:
    probe = "import sys, synth.cli; print(sorted({'torch', 'chromadb', 'transformers'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", "synth --help would wait for these"


# --- README documents every option and exit code --------------------------------


def usage_text(path: tuple[str, ...]) -> str:
    """The README's usage lines for ``synth <path>`` (continuation lines included)."""
    prefix = "synth " + " ".join(path) + " "
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    lines = "\n".join(blocks).replace("\\\n", " ").splitlines()
    return "\n".join(line for line in lines if line.startswith(prefix))


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(path) for path, _ in COMMANDS])
def test_readme_shows_every_option_of_every_command(path: tuple[str, ...], command) -> None:
    usage = usage_text(path)
    assert usage, f"README has no usage line for synth {' '.join(path)}"
    options = [name for param in command.params if param.param_type_name == "option"
               for name in (*param.opts, *param.secondary_opts) if name not in ("-h", "--help")]
    missing = [name for name in options if not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", usage)]
    assert not missing, f"synth {' '.join(path)}: README usage lacks {missing}"


def test_readme_lists_the_global_options_and_every_exit_code() -> None:
    root = typer.main.get_command(app)
    for param in root.params:
        for name in param.opts:
            assert f"`{name}" in README, name
    table = re.findall(r"^\| (\d+) \|", README, flags=re.M)
    assert sorted(map(int, table)) == sorted(EXIT_CODES)


def test_reverify_tolerance_default_is_the_library_default() -> None:
    from synth.cli.report import DEFAULT_TOLERANCE
    from synth.report import reverify

    assert DEFAULT_TOLERANCE == reverify.DEFAULT_TOLERANCE
    assert f"(default {DEFAULT_TOLERANCE})" in README


def test_rich_markup_in_user_input_is_shown_verbatim(tmp_path: Path, synth_home: Path) -> None:
    odd = tmp_path / "[/x] [bold]not bold[/bold] :smile:.pdf"
    done = run("ingest", str(odd))
    assert done.exit_code == 1, done.output
    assert str(odd) in done.stderr, done.stderr
    assert done.stdout == "0 papers ingested, 0 skipped, 1 failed\n"


# --- progress: log lines off a terminal, a bar on one ---------------------------------


def captured_console(monkeypatch: pytest.MonkeyPatch, terminal: bool) -> io.StringIO:
    """synth.console's stderr console writing into a buffer, as a terminal or as a log file."""
    from rich.console import Console

    import synth.console as shown

    buffer = io.StringIO()
    monkeypatch.setattr(shown, "console", Console(file=buffer, force_terminal=terminal, width=200, **shown.PLAIN))
    return buffer


def test_progress_off_a_terminal_is_plain_lines_a_start_percentages_and_an_end(monkeypatch: pytest.MonkeyPatch) -> None:
    import synth.console as shown

    buffer = captured_console(monkeypatch, terminal=False)
    monkeypatch.setattr(shown, "LOG_INTERVAL_S", 0.0)  # every step is "10 s later"
    with shown.progress("encoding queries", 4) as advance:
        for _ in range(4):
            advance(1, note="ignored off a terminal")
    with shown.stage("BM25 index"):
        pass
    lines = buffer.getvalue().splitlines()
    assert "\r" not in buffer.getvalue() and "\x1b" not in buffer.getvalue()
    assert lines[0] == "encoding queries: 0/4"
    assert [line.split(" (")[0] for line in lines[1:4]] == [f"encoding queries: {p}%" for p in (25, 50, 75)]
    assert lines[4].startswith("encoding queries: done, 4 in ")
    assert lines[5:] == ["BM25 index ...", "BM25 index: done in 0 s"]


def test_progress_off_a_terminal_waits_the_interval_between_percentage_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    import synth.console as shown

    buffer = captured_console(monkeypatch, terminal=False)
    with shown.progress("ingest", 1000) as advance:
        for _ in range(1000):
            advance()
    assert len(buffer.getvalue().splitlines()) == 2  # start and end: the loop took far less than LOG_INTERVAL_S


def test_progress_bar_on_a_terminal_shows_markup_in_notes_verbatim(monkeypatch: pytest.MonkeyPatch) -> None:
    import synth.console as shown

    buffer = captured_console(monkeypatch, terminal=True)
    with shown.progress("ingest", 2) as advance:
        advance(0, note="[red]x[bold].pdf")
        shown.console.file.flush()
    assert "ingest [red]x[bold].pdf" in buffer.getvalue()


def test_reproduce_eval_in_a_log_prints_a_line_per_stage_and_results_on_stdout(tmp_path: Path) -> None:
    """The CI-log case of issue 13: stderr piped, as a shell redirect leaves it (it used to hold blank lines only)."""
    from tests.support.tiny_encoder import save_tiny_encoder

    model, data = save_tiny_encoder(tmp_path / "model"), write_lareqa_fixture(tmp_path / "data")
    done = synth_process("--home", str(tmp_path / "home"), "reproduce", "eval", "--model", str(model), "--dataset",
                         "xquad-r", "--languages", "en,de", "--data", str(data), keep_stderr=True)
    assert done.returncode == 0, done.stderr
    assert "multilingual_map" in done.stdout and "encoding" not in done.stdout
    assert "\r" not in done.stderr and "\x1b[" not in done.stderr
    lines = done.stderr.splitlines()
    assert all(line.strip() for line in lines), done.stderr
    for kind in ("queries", "passages"):
        assert any(line.startswith(f"encoding {kind}: 0/") for line in lines), done.stderr
        assert any(line.startswith(f"encoding {kind}: done, ") for line in lines), done.stderr
