"""arXiv id recognition and cache file naming."""

from __future__ import annotations

from pathlib import Path

import pytest

from synth.sources import is_arxiv_id, normalize_arxiv_id, safe_file_stem, source_kind, split_version
from synth.sources.cache import ArxivCache


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2408.10536", "2408.10536"),
        ("2408.10536v1", "2408.10536v1"),
        ("0704.0001", "0704.0001"),
        ("1412.9999", "1412.9999"),
        ("9999.99999", "9999.99999"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("hep-th/9901001v3", "hep-th/9901001v3"),
        ("math.AG/0309136", "math.AG/0309136"),
        ("  arXiv:2408.10536v2 ", "2408.10536v2"),
        ("ARXIV:hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/abs/2408.10536", "2408.10536"),
        ("http://export.arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001v1"),
        ("https://arxiv.org/pdf/2408.10536v2.pdf", "2408.10536v2"),
        ("https://www.arxiv.org/pdf/2408.10536v2", "2408.10536v2"),
    ],
)
def test_normalize_accepts_the_forms_users_paste(text: str, expected: str) -> None:
    assert normalize_arxiv_id(text) == expected
    assert is_arxiv_id(text)


@pytest.mark.parametrize(
    "text",
    ["", "2408.1053", "1312.12345", "0612.0001", "2408.105366", "24081.0536", "2408.10536v0", "2408.10536v", "paper.pdf",
     "../etc/passwd", "hep-th/990100", "HEP-TH/9901001", "https://example.org/abs/2408.10536",
     "2408.10536/../../x"],
)
def test_normalize_rejects_non_ids(text: str) -> None:
    assert normalize_arxiv_id(text) is None
    assert not is_arxiv_id(text)


def test_split_version_separates_base_and_version() -> None:
    assert split_version("2408.10536v12") == ("2408.10536", 12)
    assert split_version("hep-th/9901001") == ("hep-th/9901001", None)
    with pytest.raises(ValueError):
        split_version("not-an-id")


def test_old_style_ids_get_readable_flat_names() -> None:
    assert safe_file_stem("hep-th/9901001v1") == "hep-th_9901001v1"
    assert safe_file_stem("2408.10536v2") == "2408.10536v2"


@pytest.mark.parametrize(
    "hostile", ["../../etc/passwd", "/abs/path", "..", ".hidden", "a\\b", "x/../../y", "\u00e9t\u00e9/1", ""]
)
def test_any_input_names_a_file_inside_the_cache(tmp_path: Path, hostile: str) -> None:
    cache = ArxivCache(tmp_path)
    for path in (cache.meta_path(hostile), cache.pdf_path(hostile)):
        assert path.parent.resolve() in ((cache.root / "meta").resolve(), (cache.root / "pdf").resolve())
        assert path.resolve().parent == path.parent.resolve()
        assert not path.name.startswith(".")


def test_distinct_inputs_never_share_a_file() -> None:
    inputs = ["hep-th/9901001v1", "hep-th_9901001v1", "hep-th:9901001v1", "a/b", "a_b", "a?b", "", "_"]
    stems = [safe_file_stem(text) for text in inputs]
    assert len(set(stems)) == len(stems)


def test_existing_path_wins_over_an_id_shaped_argument(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert source_kind("hep-th/9901001") == "arxiv"
    (tmp_path / "hep-th").mkdir()
    (tmp_path / "hep-th" / "9901001").write_bytes(b"%PDF-1.4")
    assert source_kind("hep-th/9901001") == "local"
    assert source_kind("missing.pdf") == "local"
