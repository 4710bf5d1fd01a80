"""The built wheel works on its own: resources (templates, prompts, fitted models) are
package data, so an install outside the checkout writes a calibrated report.

Builds the wheel from a copy of the sources (the checkout stays clean), installs it
into a fresh venv that sees the already-installed dependencies, and runs the real
``synth report`` console script from a folder outside the checkout.
"""

from __future__ import annotations

import json
import re
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.corpus.content import corpus_paper
from bench.corpus.pdf import write_paper_pdf

REPO = Path(__file__).resolve().parent.parent
QUESTION = "Do hybrid batches reduce language bias in multilingual retrieval?"


def _run(command: list[str], cwd: Path, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def _build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "synth", source / "synth", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path / "dist"),
          str(source)], cwd=tmp_path)
    [wheel] = (tmp_path / "dist").glob("synth-*.whl")
    return wheel


@pytest.mark.slow
def test_wheel_install_outside_the_checkout_writes_a_calibrated_report(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], cwd=tmp_path)
    python, synth = venv / "bin" / "python", venv / "bin" / "synth"
    _run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], cwd=tmp_path)
    work = tmp_path / "elsewhere"
    papers = work / "papers"
    write_paper_pdf(corpus_paper("hybrid_batch"), papers)
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "SYNTH_TEMPLATES_DIR")}
    env |= {"SYNTH_HOME": str(work / "home"), "HF_HUB_OFFLINE": "1"}

    located = _run([str(python), "-c", "import synth; print(synth.__file__)"], cwd=work, env=env).stdout.strip()
    assert Path(located).is_relative_to(venv), f"synth imported from {located}, not the wheel"
    _run([str(synth), "report", "--question", QUESTION, "--papers", str(papers), "--no-arxiv", "--reproduce", "none",
          "--format", "md,json", "--out", str(work / "out")], cwd=work, env=env, timeout=400)

    document = json.loads((work / "out" / "report.json").read_text())
    assert document["claims"] and all(0.0 <= row["confidence"] <= 1.0 for row in document["claims"])
    assert document["provenance"]["verify_policy"]["text.match_threshold"] == "0.55"
    assert re.search(r"^## \d+\. Provenance$", (work / "out" / "report.md").read_text(), re.MULTILINE)
