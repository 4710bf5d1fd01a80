"""Shared file helpers: hashes, atomic writes, and machine-independent path display."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from synth.files import atomic_file, display_path, file_sha256
from synth.settings import REPO_ROOT


def test_display_path_is_relative_to_base_checkout_or_its_neighbour(tmp_path: Path) -> None:
    assert display_path(REPO_ROOT / "reproductions" / "x.json") == "reproductions/x.json"
    assert display_path(REPO_ROOT / "r" / "cpu" / "result.json", base=REPO_ROOT / "r") == "cpu/result.json"
    assert display_path(REPO_ROOT.parent / "shared" / "data") == "../shared/data"
    assert display_path(None) == "(none)"


def test_display_path_does_not_follow_a_linked_neighbour(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checkout, elsewhere = tmp_path / "work" / "main", tmp_path / "elsewhere" / "shared"
    checkout.mkdir(parents=True)
    elsewhere.mkdir(parents=True)
    (checkout.parent / "shared").symlink_to(elsewhere)
    monkeypatch.setattr("synth.settings.REPO_ROOT", checkout)
    assert display_path(checkout.parent / "shared" / "data") == "../shared/data"


def test_atomic_file_keeps_the_old_content_when_the_write_fails(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_file(target) as out:
        out.write(b"half")
        raise RuntimeError("killed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]
    assert file_sha256(target) == hashlib.sha256(b"old").hexdigest()
