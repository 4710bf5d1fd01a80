"""Report benchmark: ``synth report`` over real papers, cold and warm, and where the time goes.

    python bench/bench_report.py [--papers ../shared/data/papers] [--count 20] [--log FILE]

Runs the real CLI twice with the same arguments, offline (``--no-arxiv``):

- cold: a fresh SYNTH_HOME (nothing parsed, embedded or indexed yet);
- warm: the same SYNTH_HOME again (the papers are unchanged, so nothing is re-parsed or
  re-embedded, and extraction, verdicts and premise checks come from the report cache,
  synth.report.cache).

The two reports must say the same (claims, verdicts, premises, answer: everything in
report.json but its provenance, which names the run); the bench prints whether they do.

Each run's stage times come from the stage lines the CLI writes to stderr when it is
not a terminal (``✓ verify claims (41 s)``). The baseline, measured in the same run
and on the same PDFs, is bare pypdf ``extract_text`` of every page: the least any
report must do before it can read a paper. Targets (issue 11, 2 cores): 90 s cold,
15 s warm. The papers are the first ``--count`` of INDEX.tsv, in its order.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PAPERS = REPO.parent / "shared" / "data" / "papers"
QUESTION = "Do neural sentence embeddings retrieve semantically similar text better than lexical matching?"
STAGE_LINE = re.compile(r"^[✓✗] (?P<stage>.+?) \((?P<seconds>\d+) s\)", re.MULTILINE)
TARGETS_S = {"cold": 90.0, "warm": 15.0}
RUN_DEPENDENT = ("provenance",)
"""report.json fields that name the run (time, command line), not what it found."""
REST = "rest (start, render)"


@dataclass
class Run:
    name: str
    seconds: float
    cpu_seconds: float
    """User + system CPU time of the report process: less sensitive than wall time to a loaded machine."""
    stages: dict[str, int] = field(default_factory=dict)
    returncode: int = 0


def selected_papers(folder: Path, count: int) -> list[Path]:
    """The first ``count`` files of INDEX.tsv that are present, in its order."""
    with (folder / "INDEX.tsv").open(encoding="utf-8") as handle:
        names = [row["file"] for row in csv.DictReader(handle, delimiter="\t")]
    return [folder / name for name in names if (folder / name).is_file()][:count]


def bare_extraction_s(pdfs: list[Path]) -> tuple[float, int]:
    """Seconds for pypdf's ``extract_text`` over every page, and the page count."""
    start = time.perf_counter()
    pages = [page.extract_text() for pdf in pdfs for page in PdfReader(pdf).pages]
    return time.perf_counter() - start, len(pages)


def run_report(name: str, pdfs: list[Path], home: Path, out: Path, log: Path) -> Run:
    papers = [argument for pdf in pdfs for argument in ("--papers", str(pdf))]
    command = [sys.executable, "-c", "from synth.cli import main; main()", "report", "--question", QUESTION,
               *papers, "--no-arxiv", "--out", str(out)]
    env = {**os.environ, "SYNTH_HOME": str(home), "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    start, cpu_before = time.perf_counter(), _children_cpu_s()
    finished = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds, cpu_seconds = time.perf_counter() - start, _children_cpu_s() - cpu_before
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"--- {name} run (exit {finished.returncode}, {seconds:.1f} s)\n{finished.stderr}\n")
    stages = {match["stage"]: int(match["seconds"]) for match in STAGE_LINE.finditer(finished.stderr)}
    stages[REST] = round(seconds - sum(stages.values()))
    return Run(name, seconds, cpu_seconds, stages, finished.returncode)


def findings(out: Path) -> dict | None:
    """report.json without its run-dependent fields (None when the run wrote none)."""
    path = out / "report.json"
    if not path.exists():
        return None
    return {key: value for key, value in json.loads(path.read_text()).items() if key not in RUN_DEPENDENT}


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def show(run: Run) -> None:
    target = TARGETS_S[run.name]
    verdict = "met" if run.seconds <= target and run.returncode == 0 else "not met"
    print(f"{run.name}: {run.seconds:6.1f} s wall, {run.cpu_seconds:6.1f} s CPU (target {target:g} s: {verdict}; "
          f"exit {run.returncode})")
    for stage, seconds in sorted(run.stages.items(), key=lambda item: -item[1]):
        print(f"  {stage:<20} {seconds:5d} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=Path, default=DEFAULT_PAPERS, help="folder with INDEX.tsv and the PDFs")
    parser.add_argument("--count", type=int, default=20, help="how many papers (first of INDEX.tsv)")
    parser.add_argument("--log", type=Path, default=None, help="append each run's stderr here")
    parser.add_argument("--keep", type=Path, default=None,
                        help="work in this folder and keep it (home, reports) instead of a temporary one")
    args = parser.parse_args(argv)
    if args.keep and (args.keep / "home").exists():
        parser.error(f"--keep {args.keep} already holds a home; the cold run needs a fresh one")
    pdfs = selected_papers(args.papers, args.count)
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f} at start")
    baseline_s, pages = bare_extraction_s(pdfs)
    print(f"baseline (bare pypdf extract_text): {baseline_s:.1f} s for {len(pdfs)} papers, {pages} pages")
    with tempfile.TemporaryDirectory(prefix="synth-bench-report-") as temporary:
        scratch = args.keep or Path(temporary)
        home, log = scratch / "home", args.log or scratch / "stderr.log"
        for name in ("cold", "warm"):
            show(run_report(name, pdfs, home, scratch / f"report-{name}", log))
            print(f"load average {os.getloadavg()[0]:.1f} after the {name} run", flush=True)
        cold, warm = findings(scratch / "report-cold"), findings(scratch / "report-warm")
        print(f"warm report says what the cold one said: {'yes' if cold is not None and cold == warm else 'NO'}")


if __name__ == "__main__":
    main()
