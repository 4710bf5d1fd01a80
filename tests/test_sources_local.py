"""Local PDF sources: files, folders searched recursively, clear errors for bad paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from synth.errors import SourceError
from synth.sources import expand_local_source, expand_local_sources


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4\n")
    return path


def test_folder_yields_every_pdf_below_it_sorted(tmp_path: Path) -> None:
    wanted = [_touch(tmp_path / "b.pdf"), _touch(tmp_path / "a" / "z.PDF"), _touch(tmp_path / "a" / "deep" / "c.pdf")]
    _touch(tmp_path / "notes.txt")
    (tmp_path / "folder.pdf").mkdir()
    assert expand_local_source(tmp_path) == sorted(wanted)


def test_a_file_is_taken_as_given(tmp_path: Path) -> None:
    named = _touch(tmp_path / "paper.bin")
    assert expand_local_source(str(named)) == [named]


def test_missing_path_names_the_path_and_the_fix(tmp_path: Path) -> None:
    missing = tmp_path / "nope.pdf"
    with pytest.raises(SourceError) as caught:
        expand_local_source(missing)
    assert str(caught.value) == f"{missing}: no such file or folder; check the path"


def test_folder_without_pdfs_is_an_error(tmp_path: Path) -> None:
    _touch(tmp_path / "readme.txt")
    with pytest.raises(SourceError, match="holds no .pdf files"):
        expand_local_source(tmp_path)


def test_many_sources_are_deduplicated_in_argument_order(tmp_path: Path) -> None:
    second = _touch(tmp_path / "x" / "2.pdf")
    first = _touch(tmp_path / "1.pdf")
    assert expand_local_sources([first, tmp_path / "x", tmp_path, second]) == [first, second]


def test_every_bad_path_is_named_in_one_error(tmp_path: Path) -> None:
    good = _touch(tmp_path / "ok.pdf")
    with pytest.raises(SourceError) as caught:
        expand_local_sources([tmp_path / "gone1", good, tmp_path / "gone2"])
    message = str(caught.value)
    assert "gone1" in message and "gone2" in message and "\n" not in message
