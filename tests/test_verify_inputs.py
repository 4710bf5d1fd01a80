"""Reading claims JSONL: bad lines are reported with their number, the rest are kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from synth.errors import DataError
from synth.verify.inputs import read_claims


def test_bad_lines_are_reported_with_line_numbers_and_the_rest_kept(tmp_path: Path):
    path = tmp_path / "claims.jsonl"
    path.write_text('{"text": "A claim.", "paper_id": "p1"}\n\n{broken\n{"paper_id": "p1"}\n'
                    '{"text": "Another.", "id": "mine"}\n[1, 2]\n')
    claims, problems = read_claims(path)
    assert [(c.text, c.paper_id) for c in claims] == [("A claim.", "p1"), ("Another.", None)]
    assert claims[1].id == "mine" and claims[0].id.startswith("c-")
    assert [p.split(":")[0] for p in problems] == [f"{path} line {n}" for n in (2, 3, 4, 6)]
    assert "empty line" in problems[0] and "not valid JSON" in problems[1] and '"text"' in problems[2]


def test_unreadable_file_is_a_data_error(tmp_path: Path):
    with pytest.raises(DataError, match="cannot be read"):
        read_claims(tmp_path / "missing.jsonl")
