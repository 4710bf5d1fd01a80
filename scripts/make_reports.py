"""Regenerate the example reports committed under reports/.

    python scripts/make_reports.py [--out reports] [--data DIR]

Writes, from scratch and in a throw-away SYNTH_HOME:

- ``corpus/``          the synthetic test corpus as PDFs (bench.corpus.content; byte-stable);
- ``corpus-report/``   ``synth report`` on the corpus PDFs (offline, committed reproduction);
- ``audit/``           ``synth audit`` of the example report in ``reports/example/``;
- ``ledger.sqlite``    every claim both verified, the ledger the reverify workflow re-checks.

The commands run through the real CLI, so each report's provenance shows the
command that made it. Only the creation dates (and PDF font subsets) differ
between runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

QUESTION = (
    "Does hybrid batch training reduce language bias in multilingual retrieval compared with "
    "monolingual batches, as measured on BEIR?"
)
EXAMPLE = REPO / "reports" / "example" / "synthesis-report-hybrid-batch.txt"


def relative(path: Path) -> str:
    """Repository-relative where possible, so commands in provenance carry no machine paths."""
    return os.path.relpath(path, REPO) if path.resolve().is_relative_to(REPO) else str(path)


def write_corpus(folder: Path) -> None:
    from reportlab import rl_config

    from bench.corpus.pdf import write_corpus_pdfs

    rl_config.invariant = 1  # no timestamps or random ids: the same PDFs on every run
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    write_corpus_pdfs(folder)


def synth(*arguments: str, home: Path) -> None:
    env = {**os.environ, "SYNTH_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-c", "from synth.cli import main; main()", *arguments]
    print("$ synth " + " ".join(arguments), flush=True)
    subprocess.run(command, cwd=REPO, env=env, check=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "reports")
    parser.add_argument("--data", type=Path, default=None, help="LAReQA folder (default: SYNTH_LAREQA_DIR or ../shared/data/lareqa)")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    corpus, ledger = out / "corpus", out / "ledger.sqlite"
    write_corpus(corpus)
    ledger.unlink(missing_ok=True)
    data = ["--data", str(args.data)] if args.data else []
    with tempfile.TemporaryDirectory(prefix="synth-reports-") as home:
        synth("report", "--question", QUESTION, "--papers", relative(corpus), "--no-arxiv", "--reproduce", "cached",
              *data, "--out", relative(out / "corpus-report"), "--ledger", relative(ledger), home=Path(home))
        synth("audit", relative(EXAMPLE), "--papers", relative(corpus), "--no-arxiv", *data,
              "--out", relative(out / "audit"), "--ledger", relative(ledger), home=Path(home))


if __name__ == "__main__":
    main()
