"""What a new user hits first: the README's set-up commands, the dependencies
they install, and a PDF as Acrobat writes it (AES, empty user password)."""

from __future__ import annotations

import importlib.util
import io
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from typer.testing import CliRunner

from synth.cli import app
from bench.corpus.content import CORPUS
from bench.corpus.pdf import write_paper_pdf

REPO = Path(__file__).resolve().parent.parent
CPU_INDEX = "--index-url https://download.pytorch.org/whl/cpu"


def readme_commands(which: str) -> str:
    """What CI runs, read from the README by the same script CI uses."""
    done = subprocess.run([sys.executable, str(REPO / ".ci" / "readme_commands.py"), which],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_readme_installs_cpu_torch_first_and_ci_runs_exactly_the_readme() -> None:
    install = readme_commands("install").split(" && ")
    assert install[0].startswith("pip install torch==") and install[0].endswith(CPU_INDEX)
    assert install[1:] == ["pip install -e ."]
    assert readme_commands("test") == 'pip install -e ".[dev]" && python -m pytest -q'
    ci = (REPO / ".ci" / "run").read_text()
    assert "readme_commands.py install" in ci and "readme_commands.py test" in ci and "venv" in ci
    assert "pip install" not in ci.replace("readme_commands", ""), ".ci/run installs only through the README"
    workflow = (REPO / ".github" / "workflows" / "reverify.yml").read_text()
    assert "torch==" not in workflow and "readme_commands.py install" in workflow


def test_pdf_encryption_support_is_a_declared_dependency() -> None:
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {re.split(r"[\s<>=\[;]", spec, maxsplit=1)[0].lower() for spec in declared}
    assert "cryptography" in names or any(spec.startswith("pypdf[crypto]") for spec in declared)
    assert importlib.util.find_spec("cryptography") is not None


def write_aes_pdf(directory: Path) -> Path:
    """A real paper, AES-256 encrypted with an empty user password (opens without one)."""
    source = PdfReader(write_paper_pdf(CORPUS[-1], directory / "plain"))
    writer = PdfWriter(clone_from=source)
    writer.encrypt(user_password="", owner_password="owner-only", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    path = directory / "acrobat.pdf"
    path.write_bytes(buffer.getvalue())
    assert PdfReader(path).is_encrypted
    return path


def test_an_aes_encrypted_pdf_with_an_empty_password_ingests(tmp_path: Path, synth_home: Path) -> None:
    pdf = write_aes_pdf(tmp_path)
    runner = CliRunner()

    ingested = runner.invoke(app, ["ingest", str(pdf)])
    assert ingested.exit_code == 0, ingested.output
    assert ingested.stdout.strip() == "1 papers ingested, 0 skipped, 0 failed"
    listed = runner.invoke(app, ["papers", "--json"])
    (paper,) = json.loads(listed.stdout)
    assert paper["paper_id"] == "acrobat" and paper["title"] == CORPUS[-1].title and paper["chunks"] > 0
