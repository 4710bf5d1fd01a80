"""`synth reverify` and `synth ledger` through the CLI, on real dataset-fact verification.

The evidence is a generated LAReQA-format folder with every language file; a
verdict "changes" when the ledger holds a different one than the files give
(an incomplete folder is refused before anything is verified).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from synth.cli import app
from synth.report.ledger import record_verifications
from synth.settings import Settings
from synth.verify.run import verify_claims
from tests.support.lareqa import fill_missing_languages, write_lareqa_fixture

CLAIMS = [
    {"text": "XQuAD-R has parallel questions in 11 languages."},
    {"text": "For XQuAD-R there are 11 parallel languages, thus 110 cross-lingual and 11 monolingual language pairs."},
    {"text": "MLQA-R covers 7 languages."},
]


@pytest.fixture
def recorded(tmp_path: Path, settings: Settings) -> tuple[Path, Path]:
    """(ledger with the CLAIMS verified once, the data folder they were verified on)."""
    data = fill_missing_languages(write_lareqa_fixture(tmp_path / "lareqa"))
    ledger = tmp_path / "ledger.sqlite"
    record_verifications(ledger, verify_claims(CLAIMS, None, settings, data_dir=data), "test")
    return ledger, data


def _reverify(ledger: Path, data: Path, *extra: str):
    return CliRunner().invoke(app, ["reverify", "--ledger", str(ledger), "--data", str(data), *extra])


def test_unchanged_evidence_exits_0_and_writes_an_empty_diff(recorded) -> None:
    ledger, data = recorded
    result = _reverify(ledger, data, "--json")

    assert result.exit_code == 0, result.output
    diff = json.loads(result.stdout)
    assert diff["claims_checked"] == 3 and diff["changes"] == []
    assert json.loads((ledger.parent / "reverify-diff.json").read_text())["verdict_changes"] == 0
    assert "Nothing changed" in (ledger.parent / "reverify-diff.md").read_text()


def test_changed_verdicts_exit_1_and_name_the_changed_claims(recorded, settings: Settings, tmp_path: Path) -> None:
    ledger, data = recorded
    earlier = verify_claims(CLAIMS[:2], None, settings, data_dir=data)
    record_verifications(ledger, [item.model_copy(update={"verdict": "refuted"}) for item in earlier], "earlier")

    result = _reverify(ledger, data, "--json", "--out", str(tmp_path / "diff"))

    assert result.exit_code == 1, result.output
    diff = json.loads(result.stdout)
    changed = {change["claim"]: (change["before_verdict"], change["after_verdict"]) for change in diff["changes"]}
    assert changed == {CLAIMS[0]["text"]: ("refuted", "supported"), CLAIMS[1]["text"]: ("refuted", "supported")}
    assert "**supported**" in (tmp_path / "diff" / "reverify-diff.md").read_text()
    assert _reverify(ledger, data).exit_code == 0, "the new verdicts are now the baseline"


def test_ledger_show_and_export_list_the_history(recorded) -> None:
    ledger, data = recorded
    _reverify(ledger, data)
    shown = json.loads(CliRunner().invoke(app, ["ledger", "show", "--ledger", str(ledger), "--json"]).stdout)
    exported = json.loads(CliRunner().invoke(app, ["ledger", "export", "--ledger", str(ledger), "--json"]).stdout)

    assert {row["claim"] for row in shown} == {claim["text"] for claim in CLAIMS}
    assert all(row["checks"] == 2 and row["verdict"] == "supported" for row in shown)
    assert [h["source"] for h in exported[0]["history"]] == ["test", "reverify"]


def test_a_missing_ledger_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["reverify", "--ledger", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 2
    assert "none.sqlite does not exist" in result.output


def test_two_reverify_runs_at_once_both_finish_and_lose_nothing(recorded, tmp_path: Path) -> None:
    ledger, data = recorded
    command = [sys.executable, "-c", "from synth.cli import main; main()", "reverify", "--ledger", str(ledger),
               "--data", str(data), "--json"]
    env = {**os.environ, "SYNTH_HOME": str(tmp_path / "home")}
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    shown = json.loads(CliRunner().invoke(app, ["ledger", "show", "--ledger", str(ledger), "--json"]).stdout)
    assert [row["checks"] for row in shown] == [3, 3, 3]
