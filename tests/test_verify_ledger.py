"""`synth verify --ledger` records every verdict it prints, with the claim's paper."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

from typer.testing import CliRunner

from synth.cli import app
from synth.report.ledger import Ledger


def test_verify_records_its_verdicts_in_the_given_ledger(synth_home: Path, tmp_path: Path) -> None:
    claims_file = tmp_path / "claims.jsonl"
    claims_file.write_text('{"text": "MLQA-R covers 7 languages.", "paper_id": "2408.10536v1", "id": "c1"}\n'
                           '{"text": "XQuAD-R covers 11 languages.", "id": "c2"}\n')
    ledger_path = tmp_path / "audit" / "ledger.sqlite"
    result = CliRunner().invoke(app, ["--home", str(synth_home), "verify", str(claims_file), "--json",
                                      "--ledger", str(ledger_path)],
                                env={"SYNTH_LAREQA_DIR": str(tmp_path / "no-data")})
    assert result.exit_code == 0, result.output
    printed = {item["id"]: item["verdict"] for item in json.loads(result.stdout)}

    with closing(Ledger(ledger_path, create=False)) as ledger:
        recorded = {claim.id: claim for claim in ledger.claims()}
    assert {claim_id: claim.latest.verdict for claim_id, claim in recorded.items()} == printed
    assert recorded["c1"].paper_id == "2408.10536v1"
    assert recorded["c1"].history[0].source == "verify claims.jsonl"
    assert not (synth_home / "ledger.sqlite").exists()
