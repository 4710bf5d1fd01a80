"""Regenerate the example reports committed under reports/.

    python scripts/make_reports.py [--out reports] [--data DIR] [--only synthetic|real] [--real-papers DIR]

Writes, from scratch and in a throw-away SYNTH_HOME:

- ``corpus/``          the synthetic test corpus as PDFs (bench.corpus.content; byte-stable);
- ``corpus-report/``   ``synth report`` on the corpus PDFs (offline, committed reproduction);
- ``audit/``           ``synth audit`` of the example report in ``reports/example/``;
- ``ledger.sqlite``    every claim both verified, the ledger the reverify workflow re-checks;
- ``real/``            ``synth report`` on real papers of ../shared/data/papers, read in place
                       (never copied here); skipped, with the reason, where that folder is absent.
                       Its claims stay out of ``ledger.sqlite``: the reverify workflow has no
                       shared data.

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
REAL_PAPERS = REPO.parent / "shared" / "data" / "papers"
REAL_QUESTION = "Do learned dense text embeddings retrieve relevant text better than lexical matching such as BM25?"
REAL_SELECTION = (
    "shen2014-clsm.pdf", "1506.06726.pdf", "1602.03483.pdf", "1703.03130.pdf", "1804.07983.pdf",
    "1709.03856.pdf", "coder-code-embedding.pdf", "1908.10084.pdf",
)
"""Retrieval and sentence-embedding papers of INDEX.tsv; 1908.10084 has a garbled text layer and
shows how the report names a paper it could not read."""
GROUPS = ("synthetic", "real")


def relative(path: Path) -> str:
    """Relative to the repository where it is inside it or beside it (../shared), so commands in
    provenance carry no machine paths."""
    resolved = path.resolve()
    return os.path.relpath(resolved, REPO) if resolved.is_relative_to(REPO.parent) else str(path)


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


def make_synthetic(out: Path, data: list[str]) -> None:
    """The corpus PDFs, the report on them, the audit of the example report, and their ledger."""
    corpus, ledger = out / "corpus", out / "ledger.sqlite"
    write_corpus(corpus)
    ledger.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="synth-reports-") as home:
        synth("report", "--question", QUESTION, "--papers", relative(corpus), "--no-arxiv", "--reproduce", "cached",
              *data, "--out", relative(out / "corpus-report"), "--ledger", relative(ledger), home=Path(home))
        synth("audit", relative(EXAMPLE), "--papers", relative(corpus), "--no-arxiv", *data,
              "--out", relative(out / "audit"), "--ledger", relative(ledger), home=Path(home))


def make_real(out: Path, papers_dir: Path, data: list[str]) -> None:
    """The report on real papers, each passed by its path in the shared folder."""
    missing = [name for name in REAL_SELECTION if not (papers_dir / name).is_file()]
    if missing:
        print(f"skipped {relative(out / 'real')}: {len(missing)} of its papers are not in {papers_dir} "
              f"(e.g. {missing[0]}); pass --real-papers DIR", flush=True)
        return
    papers = [argument for name in REAL_SELECTION for argument in ("--papers", relative(papers_dir / name))]
    with tempfile.TemporaryDirectory(prefix="synth-reports-real-") as home:
        synth("report", "--question", REAL_QUESTION, *papers, "--no-arxiv", "--reproduce", "none", *data,
              "--out", relative(out / "real"), home=Path(home))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "reports")
    parser.add_argument("--data", type=Path, default=None, help="LAReQA folder (default: SYNTH_LAREQA_DIR or ../shared/data/lareqa)")
    parser.add_argument("--only", choices=GROUPS, default=None, help="regenerate one group (default: both)")
    parser.add_argument("--real-papers", type=Path, default=REAL_PAPERS, help="folder of the real papers")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    data = ["--data", str(args.data)] if args.data else []
    if args.only in (None, "synthetic"):
        make_synthetic(out, data)
    if args.only in (None, "real"):
        make_real(out, args.real_papers, data)


if __name__ == "__main__":
    main()
