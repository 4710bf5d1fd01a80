"""The committed example reports (reports/) and the reverify workflow that re-checks them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from synth.report.document import ReportDocument, load_document
from synth.report.render import render_html, render_markdown
from synth.settings import REPO_ROOT

REPORTS = REPO_ROOT / "reports"
TEMPLATES = REPO_ROOT / "synth" / "report" / "templates"
WORKFLOW = REPO_ROOT / ".github" / "workflows" / "reverify.yml"
EXAMPLES = ("corpus-report", "audit")


def _comparable(document: ReportDocument) -> dict:
    """Everything but when and with which paths the report was made."""
    data = document.model_dump(mode="json")
    data["provenance"].pop("created_at")
    data["provenance"].pop("command")
    return data


@pytest.mark.parametrize("name", EXAMPLES)
def test_committed_markdown_and_html_are_rendered_from_the_committed_json(name: str) -> None:
    folder = REPORTS / name
    document = load_document(folder / "report.json")
    assert render_markdown(document, TEMPLATES, folder) == (folder / "report.md").read_text(encoding="utf-8")
    assert render_html(document, TEMPLATES, folder) == (folder / "report.html").read_text(encoding="utf-8")
    assert (folder / "report.pdf").stat().st_size > 10_000


def _workflow_steps() -> list[dict]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "schedule" in triggers and "workflow_dispatch" in triggers
    return workflow["jobs"]["reverify"]["steps"]


def test_workflow_installs_cpu_torch_first_and_uploads_diff_and_report() -> None:
    steps = _workflow_steps()
    install = next(step["run"] for step in steps if "pip install" in step.get("run", ""))
    assert install.index("readme_commands.py install") < install.index('-e ".[dev]"')
    readme_install = subprocess.run([sys.executable, str(REPO_ROOT / ".ci" / "readme_commands.py"), "install"],
                                    capture_output=True, text=True, check=True).stdout
    assert "torch==2.13.0" in readme_install and "download.pytorch.org/whl/cpu" in readme_install
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "always()" and upload["with"]["path"] == "reverify-out/"
    assert any("scripts/make_reports.py --out reverify-out/" in step.get("run", "") for step in steps)


@pytest.mark.slow
@pytest.mark.lareqa
def test_the_workflow_reverify_command_passes_on_the_committed_ledger(tmp_path: Path, lareqa_dir: Path) -> None:
    """Runs the workflow's own reverify line in a copy of the checkout's reports/."""
    command = next(step["run"] for step in _workflow_steps() if "synth reverify" in step.get("run", ""))
    shutil.copytree(REPORTS, tmp_path / "reports", ignore=shutil.ignore_patterns("*.lock"))
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "SYNTH_HOME": str(tmp_path / "home"), "SYNTH_LAREQA_DIR": str(lareqa_dir),
           "HF_HUB_OFFLINE": "1", "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}

    result = subprocess.run(["bash", "-e", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=900)

    assert result.returncode == 0, result.stderr[-3000:]
    diff = json.loads((tmp_path / "reverify-out" / "reverify-diff.json").read_text())
    assert diff["claims_checked"] > 0 and diff["verdict_changes"] == 0


@pytest.mark.slow
@pytest.mark.lareqa
def test_make_reports_reproduces_the_committed_reports(tmp_path: Path, lareqa_dir: Path) -> None:
    env = {**os.environ, "SYNTH_LAREQA_DIR": str(lareqa_dir)}
    subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "make_reports.py"), "--out", str(tmp_path)],
                   check=True, env=env, timeout=1800)
    for name in EXAMPLES:
        fresh, committed = load_document(tmp_path / name / "report.json"), load_document(REPORTS / name / "report.json")
        assert _comparable(fresh) == _comparable(committed), (
            f"reports/{name} is stale (the pipeline changed since it was generated): run python scripts/make_reports.py")
    for pdf in (REPORTS / "corpus").glob("*.pdf"):
        assert (tmp_path / "corpus" / pdf.name).read_bytes() == pdf.read_bytes()
