"""Fault and hostile-input matrix (issue 14), each case through the real CLI in its own home.

Concurrent ingests, read-only and full homes, Rich markup in titles, servers that
drip or truncate, SIGINT while rendering, huge questions and broken ledgers:
every case must end in the right state and, where it fails, one line naming
the input and the fix, never a traceback or a hang.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from synth.files import current_umask
from synth.index.library import Library
from synth.settings import Settings
from tests.support.arxiv_server import ArxivServer, arxiv_server  # noqa: F401  (fixture)
from tests.support.lareqa import fill_missing_languages, write_lareqa_fixture
from bench.corpus.content import CORPUS, LR_WARMUP
from bench.corpus.pdf import write_paper_pdf

REPO_ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-c", "from synth.cli import main; main()"]
CLI_TIMEOUT_S = 600
FULL_DISK_BYTES = 700 * 1024
"""A tmpfs this small fills while four papers are ingested."""
ROOMY_BYTES = 256 * 1024 * 1024
STAGING_POLL_S = 0.005
"""A small report renders in well under a second on a quiet machine: a coarser poll can miss the whole render."""
INTERRUPT_TRIES = 3
"""Renders a SIGINT is sent into before the test gives up on landing it while rendering."""
DRIP_SLACK_S = 5.0
"""A try given up at its 3 s deadline ends well within deadline + this (the drip alone would take hours)."""


def synth_command(home: Path, *arguments: str) -> list[str]:
    return [*CLI, "--home", str(home), *arguments]


def run_synth(home: Path, *arguments: str, timeout: float = CLI_TIMEOUT_S, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        synth_command(home, *arguments), cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "COLUMNS": "400", **env},
    )


def assert_one_clean_line(result: subprocess.CompletedProcess, *fragments: str) -> str:
    """Exit code 2, no traceback, and an error line holding every fragment."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


def same_named_folders(root: Path) -> tuple[Path, Path]:
    """Two folders each holding paper00.pdf and paper01.pdf, with different papers."""
    folders = root / "fC", root / "fD"
    for index, paper in enumerate(CORPUS):
        folder = folders[index // 2]
        rendered = write_paper_pdf(paper, root / "rendered")
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(rendered, folder / f"paper{index % 2:02d}.pdf")
    return folders


# --- 1. concurrent ingests --------------------------------------------------------


def test_two_concurrent_ingests_on_one_home_keep_every_paper(tmp_path: Path):
    home = tmp_path / "home"
    first, second = same_named_folders(tmp_path)
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    logs = [tmp_path / f"ingest-{folder.name}.log" for folder in (first, second)]
    runs = []
    for folder, log in zip((first, second), logs):
        with open(log, "w") as stream:
            runs.append(subprocess.Popen(synth_command(home, "ingest", str(folder)), cwd=REPO_ROOT, env=environment,
                                         stdout=stream, stderr=subprocess.STDOUT))
    for run, log in zip(runs, logs):
        run.wait(timeout=CLI_TIMEOUT_S)
        assert run.returncode == 0, log.read_text()
        assert "2 papers ingested, 0 skipped, 0 failed" in log.read_text()

    library = Library(Settings(home=home))
    papers = library.papers()
    assert len(papers) == len(CORPUS)
    assert sorted(paper.title for paper in papers) == sorted(paper.title for paper in CORPUS)
    assert library.dense.count() == sum(paper.chunks for paper in papers)
    ids = json.loads((home / "local_ids.json").read_text())
    assert len(set(ids.values())) == len(CORPUS)
    again = run_synth(home, "ingest", str(first), str(second))
    assert "0 papers ingested, 4 skipped, 0 failed" in again.stdout + again.stderr, again.stderr


def test_a_moved_folder_keeps_its_papers_ids_and_different_bytes_never_take_one_over(tmp_path: Path):
    home, first, moved = tmp_path / "home", tmp_path / "before" / "papers", tmp_path / "after" / "papers"
    first.mkdir(parents=True)
    shutil.copy(write_paper_pdf(CORPUS[0], tmp_path / "rendered"), first / "paper.pdf")
    assert "1 papers ingested" in run_synth(home, "ingest", str(first)).stdout
    moved.parent.mkdir()
    shutil.move(first, moved)
    again = run_synth(home, "ingest", str(moved))
    assert "0 papers ingested, 1 skipped, 0 failed" in again.stdout + again.stderr, again.stderr
    ids = json.loads((home / "local_ids.json").read_text())
    assert ids == {str((moved / "paper.pdf").resolve()): "paper"}, "the id moved with the file"
    (moved / "paper.pdf").unlink()
    other = tmp_path / "other" / "paper.pdf"
    other.parent.mkdir()
    shutil.copy(write_paper_pdf(CORPUS[1], tmp_path / "rendered"), other)
    assert "1 papers ingested" in run_synth(home, "ingest", str(other)).stdout
    titles = {paper.paper_id: paper.title for paper in Library(Settings(home=home)).papers()}
    assert len(titles) == 2 and titles["paper"] == CORPUS[0].title, "another paper under the same name gets its own id"


# --- 4: Rich markup in titles and file names ----------------------------------------

MARKUP_TITLE = "Warm-up [/x] and [bold]bracketed[/bold] words :smile:"
MARKUP_FILE_NAME = "[red]warm-up[bold].pdf"
"""A file name cannot hold '/', so its closing tag is in the folder: ``[/x]/[red]warm-up[bold].pdf``."""
TERMINAL = {"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1"}
"""Rich treats the captured streams as a terminal: boxed tables and a live progress bar."""


def test_rich_markup_in_titles_and_file_names_is_shown_verbatim_on_a_terminal_and_off_it(tmp_path: Path):
    pdf = write_paper_pdf(replace(LR_WARMUP, title=MARKUP_TITLE), tmp_path / "rendered")
    (tmp_path / "[/x]").mkdir(parents=True)  # "[" then "x]"
    named = shutil.copy(pdf, tmp_path / "[/x]" / MARKUP_FILE_NAME)
    home = tmp_path / "home"
    ingested = run_synth(home, "ingest", str(named), **TERMINAL)
    assert ingested.returncode == 0 and "Traceback" not in ingested.stderr, ingested.stderr
    assert f"ingest {MARKUP_FILE_NAME}" in ingested.stderr  # the bar names the file in hand, brackets and all
    for environment in (TERMINAL, {}):
        listed = run_synth(home, "papers", **environment)
        assert listed.returncode == 0 and "Traceback" not in listed.stderr, listed.stderr
        assert MARKUP_TITLE in listed.stdout, listed.stdout


# --- 5, 6, 11: servers that drip, truncate or fail -----------------------------------

ARXIV_ID = "2405.00004v1"


@pytest.fixture
def served(tmp_path: Path, arxiv_server: ArxivServer) -> ArxivServer:
    """One corpus paper on a loopback arXiv, at ARXIV_ID."""
    pdf = write_paper_pdf(LR_WARMUP, tmp_path / "served").read_bytes()
    arxiv_server.add_paper(ARXIV_ID, LR_WARMUP.title, LR_WARMUP.abstract, list(LR_WARMUP.authors), pdf)
    return arxiv_server


def arxiv_env(server: ArxivServer, retries: int = 0, timeout_s: float = 5.0) -> dict[str, str]:
    return {"SYNTH_ARXIV_URL": server.url, "SYNTH_ARXIV_DELAY_S": "0", "SYNTH_ARXIV_BACKOFF_S": "0",
            "SYNTH_ARXIV_RETRIES": str(retries), "SYNTH_ARXIV_TIMEOUT_S": str(timeout_s)}


def failed_line(result: subprocess.CompletedProcess) -> str:
    """The one 'failed ...' line of an ingest that got nothing in (exit 1, no traceback)."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("failed")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def cached_pdfs(home: Path) -> list[Path]:
    return list((home / "cache" / "arxiv" / "pdf").glob("*"))


@pytest.mark.parametrize("kind", ["api", "pdf"])
def test_a_dripping_server_is_given_up_on_after_the_total_deadline(tmp_path: Path, served: ArxivServer, kind):
    served.drip_next(times=2, interval_s=0.05, kind=kind)  # each read is quick: only a total limit helps
    result = run_synth(tmp_path / "home", "ingest", ARXIV_ID, **arxiv_env(served, retries=1, timeout_s=0.3))
    line = failed_line(result)
    assert "sent too slowly: no complete answer within 3 s on all 2 tries" in line
    assert "SYNTH_ARXIV_TIMEOUT_S" in line
    first_try, second_try = served.request_times(kind)[-2:]
    assert second_try - first_try < 3.0 + DRIP_SLACK_S
    assert cached_pdfs(tmp_path / "home") == []


def test_a_download_cut_short_of_its_content_length_is_truncated_not_unreachable(tmp_path: Path, served: ArxivServer):
    home = tmp_path / "home"
    served.truncate_next(keep_bytes=2000, declare_length=True)
    line = failed_line(run_synth(home, "ingest", ARXIV_ID, **arxiv_env(served)))
    assert f"download of arXiv {ARXIV_ID}" in line and "was truncated" in line and "received 2000 bytes" in line
    assert "unreachable" not in line
    assert cached_pdfs(home) == []
    again = run_synth(home, "ingest", ARXIV_ID, **arxiv_env(served))
    assert "1 papers ingested" in again.stdout, again.stderr


def test_a_download_cut_short_without_content_length_is_not_cached(tmp_path: Path, served: ArxivServer):
    home = tmp_path / "home"
    served.truncate_next(keep_bytes=3000, declare_length=False)
    line = failed_line(run_synth(home, "ingest", ARXIV_ID, **arxiv_env(served)))
    assert "was truncated (3000 bytes arrived without the PDF's closing %%EOF)" in line
    assert cached_pdfs(home) == []
    again = run_synth(home, "ingest", ARXIV_ID, **arxiv_env(served))
    assert "1 papers ingested" in again.stdout, again.stderr


def test_a_cached_pdf_that_fails_to_parse_is_dropped_and_fetched_again(tmp_path: Path, served: ArxivServer):
    home = tmp_path / "home"
    assert "1 papers ingested" in run_synth(home, "ingest", ARXIV_ID, **arxiv_env(served)).stdout
    (cached,) = cached_pdfs(home)
    cached.write_bytes(b"%PDF-1.4\n1 0 obj << /Broken >>\n%%EOF\n")  # whole-looking, but no pages
    shutil.rmtree(home / "papers")  # forget the paper, keep the bad cached copy
    before = served.request_count("pdf")
    again = run_synth(home, "ingest", ARXIV_ID, **arxiv_env(served))
    assert "1 papers ingested" in again.stdout, again.stderr
    assert served.request_count("pdf") == before + 1
    assert cached.read_bytes() == served.answer_pdf(f"/pdf/{ARXIV_ID}")[1]


def test_retry_warnings_count_the_retries_and_the_last_line_counts_the_tries(tmp_path: Path, served: ArxivServer):
    served.fail_next(times=3, status=503, kind="pdf")
    result = run_synth(tmp_path / "home", "ingest", ARXIV_ID, **arxiv_env(served, retries=2))
    line = failed_line(result)
    assert "answered HTTP 503 on all 3 tries" in line
    assert "on all 1 tries" not in result.stderr
    served.fail_next(times=1, status=503, kind="pdf")
    single = run_synth(tmp_path / "other", "ingest", ARXIV_ID, **arxiv_env(served, retries=0))
    assert "answered HTTP 503; try again later" in failed_line(single)


# --- 2, 3: read-only and full homes ----------------------------------------------


@contextmanager
def mounted(*mount_arguments: str, target: Path) -> Iterator[Path]:
    """Mount at ``target`` for the block (root only: chmod does not stop root), else skip with the reason."""
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", *mount_arguments, str(target)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount here ({result.stderr.strip() or result.returncode}); needs root with mount rights")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def read_only_view(source: Path, target: Path):
    return mounted("--bind", "-o", "ro", str(source), target=target)


@pytest.fixture
def one_pdf(tmp_path: Path) -> Path:
    return write_paper_pdf(LR_WARMUP, tmp_path / "pdfs")


@pytest.mark.parametrize("command", [["ingest"], ["search", "warm-up"], ["papers"]])
def test_a_read_only_home_gets_one_line_naming_it(tmp_path: Path, one_pdf: Path, command: list[str]):
    (tmp_path / "home").mkdir()
    with read_only_view(tmp_path / "home", tmp_path / "ro-home") as home:
        arguments = [*command, str(one_pdf)] if command == ["ingest"] else command
        result = run_synth(home, *arguments)
    assert_one_clean_line(result, str(home), "cannot write there", "--home")


def test_a_new_home_under_a_read_only_parent_gets_one_line(tmp_path: Path, one_pdf: Path):
    (tmp_path / "parent").mkdir()
    with read_only_view(tmp_path / "parent", tmp_path / "ro-parent") as parent:
        result = run_synth(parent / "new-home", "ingest", str(one_pdf))
    assert_one_clean_line(result, str(parent / "new-home"), "Read-only file system", "--home")


def test_a_full_disk_gets_one_line_and_the_next_run_recovers(tmp_path: Path):
    pdfs = [write_paper_pdf(paper, tmp_path / "pdfs") for paper in CORPUS]
    with mounted("-t", "tmpfs", "-o", f"size={FULL_DISK_BYTES}", "tmpfs", target=tmp_path / "small") as small:
        home = small / "home"
        result = run_synth(home, "ingest", *map(str, pdfs))
        assert_one_clean_line(result, str(home), "free some space")
        subprocess.run(["mount", "-o", f"remount,size={ROOMY_BYTES}", str(small)], check=True)
        again = run_synth(home, "ingest", *map(str, pdfs))
        assert again.returncode == 0, again.stderr
        assert not [line for line in again.stderr.splitlines() if line.startswith(("failed", "error:"))]
        assert len(Library(Settings(home=home)).papers()) == len(CORPUS)


# --- 9: broken ledgers ------------------------------------------------------------


def sqlite_file(path: Path, script: str) -> Path:
    with closing(sqlite3.connect(path)) as connection:
        connection.executescript(script)
    return path


@pytest.mark.parametrize("command", [["ledger", "show"], ["ledger", "export"]])
def test_broken_ledgers_get_one_line_and_foreign_files_are_left_alone(tmp_path: Path, command: list[str]):
    foreign = sqlite_file(tmp_path / "foreign.sqlite", "CREATE TABLE photos (id INTEGER);")
    damaged = sqlite_file(tmp_path / "damaged.sqlite", "CREATE TABLE claims (id TEXT); PRAGMA user_version = 1;")
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    cases = {
        foreign: "not a synth ledger (its tables: photos)",
        damaged: "table verdicts is missing",
        empty: "is an empty file",
        tmp_path: "is a folder",
    }
    for ledger, problem in cases.items():
        before = ledger.read_bytes() if ledger.is_file() else None
        result = run_synth(tmp_path / "home", *command, "--ledger", str(ledger))
        assert_one_clean_line(result, str(ledger), problem, "--ledger")
        assert (ledger.read_bytes() if ledger.is_file() else None) == before


def test_a_foreign_sqlite_file_gets_no_synth_tables_from_verify(tmp_path: Path):
    foreign = sqlite_file(tmp_path / "foreign.sqlite", "CREATE TABLE photos (id INTEGER);")
    claims = tmp_path / "claims.jsonl"
    claims.write_text(json.dumps({"text": "Warm-up stops divergence."}) + "\n")
    result = run_synth(tmp_path / "home", "verify", str(claims), "--ledger", str(foreign))
    assert "Traceback" not in result.stderr, result.stderr
    with closing(sqlite3.connect(foreign)) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"photos"}


def test_ledger_show_reads_a_ledger_on_a_read_only_mount(tmp_path: Path):
    from synth.records import Verification
    from synth.report.ledger import record_verifications

    (tmp_path / "ledgers").mkdir()
    verification = Verification(id="c1", claim="Warm-up stops divergence.", verdict="supported", confidence=0.9,
                                method="text", evidence=[], rationale="test")
    record_verifications(tmp_path / "ledgers" / "ledger.sqlite", [verification], "test")
    with read_only_view(tmp_path / "ledgers", tmp_path / "ro-ledgers") as ledgers:
        result = run_synth(tmp_path / "home", "ledger", "export", "--ledger", str(ledgers / "ledger.sqlite"))
    assert result.returncode == 0, result.stderr
    assert "Warm-up stops divergence." in result.stdout


# --- 7, 8: SIGINT while rendering, a 100 KB question ------------------------------------

QUESTION = "Does learning-rate warm-up stop seeds from diverging?"
HUGE_QUESTION_BYTES = 100_000
PDF_RENDER_LIMIT_S = 120
"""The report with a 100 KB question, PDF included, must finish well within this (it hung past 400 s)."""


def report_arguments(pdf_dir: Path, out: Path, question: str) -> list[str]:
    return ["report", "--question", question, "--papers", str(pdf_dir), "--no-arxiv", "--reproduce", "none",
            "--out", str(out)]


def _interrupt_once_rendering_begins(home: Path, pdfs: Path, out: Path) -> tuple[int, str]:
    """Run a report into ``out`` and send SIGINT as soon as its staging folder exists; (exit code, stderr)."""
    second = subprocess.Popen(
        synth_command(home, *report_arguments(pdfs, out, "Why do language-model training runs diverge "
                                                         "without learning-rate warm-up?"),
                      "--format", "md,html,pdf,json"),
        cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + CLI_TIMEOUT_S
    while not list(out.glob(".synth-render-*")) and second.poll() is None:  # rendering has begun
        assert time.monotonic() < deadline
        time.sleep(STAGING_POLL_S)
    second.send_signal(signal.SIGINT)
    _, stderr = second.communicate(timeout=CLI_TIMEOUT_S)
    return second.returncode, stderr


def test_sigint_while_rendering_leaves_the_old_report_set_intact(tmp_path: Path, one_pdf: Path):
    home, out = tmp_path / "home", tmp_path / "out"
    first = run_synth(home, *report_arguments(one_pdf.parent, out, QUESTION), "--format", "md,html,pdf,json")
    assert first.returncode in (0, 3), first.stderr
    old = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}
    assert {"report.json", "report.md", "report.html", "report.pdf", "sources.bib"} <= set(old)
    assert all(stat.S_IMODE((out / name).stat().st_mode) == 0o666 & ~current_umask() for name in old)

    for _ in range(INTERRUPT_TRIES):
        returncode, stderr = _interrupt_once_rendering_begins(home, one_pdf.parent, out)
        if returncode != 0:
            break
        # exit 0: the signal landed after the render (seen once in a loaded full run of 8 Dec, not pinned down
        # further). The new set is the old set now; the interrupt is tried again on the next render, so only an
        # interrupt missed INTERRUPT_TRIES times running fails here
        old = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}
    assert returncode == 130, stderr
    assert "Traceback" not in stderr, stderr
    assert "the report files in" in stderr and "were left as they were" in stderr
    assert {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()} == old
    assert not list(out.glob(".synth-render-*"))


def test_a_100_kb_question_renders_every_format_quickly_and_keeps_the_full_text_in_json(tmp_path: Path, one_pdf: Path):
    question = ("Does warm-up help? " * (HUGE_QUESTION_BYTES // 19 + 1))[:HUGE_QUESTION_BYTES]
    out = tmp_path / "out"
    started = time.monotonic()
    result = run_synth(tmp_path / "home", *report_arguments(one_pdf.parent, out, question), "--format", "md,html,pdf,json")
    assert time.monotonic() - started < PDF_RENDER_LIMIT_S
    assert result.returncode in (0, 3), result.stderr
    assert json.loads((out / "report.json").read_text())["question"] == question
    assert (out / "report.pdf").stat().st_size > 0
    markdown = (out / "report.md").read_text()
    assert len(markdown) < HUGE_QUESTION_BYTES and "the full text is in report.json" in markdown


# --- 10: an incomplete --data folder --------------------------------------------------

TRUE_DATASET_CLAIM = "MLQA-R has 7 languages."


def test_an_incomplete_data_folder_is_refused_and_a_complete_one_supports_the_true_claim(tmp_path: Path):
    """It used to refute the claim at 0.97 from the one language file it found."""
    claims = tmp_path / "claims.jsonl"
    claims.write_text(json.dumps({"text": TRUE_DATASET_CLAIM}) + "\n")
    partial = tmp_path / "partial"
    (partial / "mlqa-r").mkdir(parents=True)
    (partial / "mlqa-r" / "en.json").write_text('{"data": []}')
    ledger = tmp_path / "ledger.sqlite"
    refused = run_synth(tmp_path / "home", "verify", str(claims), "--data", str(partial), "--ledger", str(ledger))
    assert_one_clean_line(refused, f"--data {partial}", "incomplete LAReQA folder", "xquad-r/ar.json")
    assert refused.stdout == "" and not ledger.exists()

    complete = fill_missing_languages(write_lareqa_fixture(tmp_path / "lareqa"))
    judged = run_synth(tmp_path / "home", "verify", str(claims), "--data", str(complete), "--ledger", str(ledger),
                       "--json")
    assert judged.returncode == 0, judged.stderr
    (verification,) = json.loads(judged.stdout)
    assert (verification["verdict"], verification["method"]) == ("supported", "dataset"), verification


# --- 11: weak spots -----------------------------------------------------------------


def write_repeated_pages_pdf(path: Path, pages: int = 4) -> Path:
    """Every page holds exactly the same lines (which ingest removes as running heads)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    path.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        for row, line in enumerate(["Proceedings of a workshop on repeated lines", "The same words on every page"]):
            canvas.drawString(72, 760 - 16 * row, line)
        canvas.showPage()
    canvas.save()
    return path


def test_a_pdf_whose_pages_all_hold_the_same_lines_is_not_ingested_silently(tmp_path: Path):
    pdf = write_repeated_pages_pdf(tmp_path / "pdfs" / "repeated.pdf")
    line = failed_line(run_synth(tmp_path / "home", "ingest", str(pdf)))
    assert str(pdf) in line and "no text left to index" in line


def test_an_empty_claims_file_is_one_line_naming_it_and_records_nothing(tmp_path: Path):
    ledger = tmp_path / "ledger.sqlite"
    for name, content in (("empty.jsonl", ""), ("blank.jsonl", "\n  \n")):
        claims = tmp_path / name
        claims.write_text(content)
        result = run_synth(tmp_path / "home", "verify", str(claims), "--ledger", str(ledger))
        assert_one_clean_line(result, str(claims), "no claims to verify", '"text"')
        assert result.stdout == "" and not ledger.exists()


@pytest.mark.parametrize("command, blank", [
    (["report", "--papers", "PDFS", "--no-arxiv", "--out", "OUT"], ""),
    (["premises"], "   "),
    (["claims", "extract", "lr-warmup"], " \t "),
])
def test_an_empty_or_blank_question_is_a_usage_error_before_any_work(tmp_path: Path, one_pdf: Path,
                                                                      command: list[str], blank: str):
    out = tmp_path / "out"
    arguments = [{"PDFS": str(one_pdf.parent), "OUT": str(out)}.get(word, word) for word in command]
    home = tmp_path / "home"
    result = run_synth(home, *arguments, "--question", blank)
    assert_one_clean_line(result, "--question is empty", "in quotes")
    assert result.stdout == "" and not out.exists() and not (home / "index").exists()


def write_undecodable_font_pdf(path: Path) -> Path:
    """A readable paper whose fonts name an encoding pypdf does not know (it logs an error per font use)."""
    rendered = write_paper_pdf(LR_WARMUP, path.parent / "rendered").read_bytes()
    assert b"/WinAnsiEncoding" in rendered
    path.write_bytes(rendered.replace(b"/WinAnsiEncoding", b"/WinAnsiEncodinX"))  # same length: offsets hold
    return path


def test_pypdf_problems_are_one_warning_line_and_progress_is_a_line_per_stage_off_a_terminal(tmp_path: Path):
    pdf = write_undecodable_font_pdf(tmp_path / "pdfs" / "odd-fonts.pdf")
    result = run_synth(tmp_path / "home", "ingest", str(pdf))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "1 papers ingested, 0 skipped, 0 failed\n"
    assert "\r" not in result.stderr
    lines = result.stderr.splitlines()
    warnings = [line for line in lines if "Advanced encoding" in line]
    assert len(warnings) == 1 and warnings[0].startswith(f"warning: {pdf}: pypdf reported "), result.stderr
    assert [line.split(":")[0] for line in lines if not line.startswith("warning:")] == [
        "ingest", "ingest", "BM25 index ...", "BM25 index"], result.stderr
    assert lines[0] == "ingest: 0/1" and lines[-1].startswith("BM25 index: done in ")


# --- fuzzing (short run; bench/fuzz_pdf.py runs 100,000 cases) --------------------------

SUITE_FUZZ_CASES = 300
SUITE_REAL_SEEDS = 0
"""Real seeds parse about 30x slower; bench/fuzz_pdf.py mutates them."""


FIXED_FUZZ_FINDINGS = ((0, 319), (1, 63))
"""(seed, case) of bench/fuzz_pdf.py findings since fixed, replayed so they stay fixed. Case 319 of seed 0:
a truncated string in page 1's content stream made the front-matter layout walk raise PdfStreamError.
Case 63 of seed 1: a null /MediaBox made the footnote pass (which needs the page's bottom) raise ValueError."""


@pytest.fixture
def fuzz_pdf():
    spec = importlib.util.spec_from_file_location("fuzz_pdf", REPO_ROOT / "bench" / "fuzz_pdf.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_fuzzed_pdfs_end_in_a_parsed_paper_or_one_clean_error_line(tmp_path: Path, fuzz_pdf):
    seeds = fuzz_pdf.generated_seeds(tmp_path) + fuzz_pdf.real_seeds(fuzz_pdf.DEFAULT_MAX_SEED_BYTES, SUITE_REAL_SEEDS)
    result = fuzz_pdf.fuzz(SUITE_FUZZ_CASES, seed=1, seeds=seeds)
    assert result.cases == SUITE_FUZZ_CASES
    assert result.findings == []
    assert sum(result.clean_errors.values()) > 0  # the mutations do break files


@pytest.mark.parametrize("seed, case", FIXED_FUZZ_FINDINGS)
def test_fixed_fuzz_findings_stay_fixed(tmp_path: Path, fuzz_pdf, seed: int, case: int):
    result = fuzz_pdf.fuzz(1, seed=seed, seeds=fuzz_pdf.generated_seeds(tmp_path), skip=case)
    assert result.cases == 1 and result.findings == []
