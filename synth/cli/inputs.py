"""Checks of what a command is given, made before anything is computed or
recorded: a wrong ``--data``, ``--results`` or ``--papers`` or an empty
``--question`` is one line naming the input and the fix, never a verdict in
the ledger or a report about nothing."""

from __future__ import annotations

from pathlib import Path

from synth.cli.app import fail
from synth.settings import Settings

MISSING_SHOWN = 4
"""How many missing LAReQA files the error line names before '... and N more'."""


def checked_question(question: str) -> str:
    """The question without surrounding blanks; an empty or blank one is a usage error."""
    if not question.strip():
        fail("--question is empty; pass the research question in quotes")
    return question.strip()


def missing_lareqa_files(root: Path) -> list[str]:
    """Every expected XQuAD-R / MLQA-R file absent under ``root`` (relative paths)."""
    from synth.reproduce.data import DATASET_LANGUAGES

    return [f"{name}/{lang}.json" for name, languages in DATASET_LANGUAGES.items() for lang in languages
            if not (root / name / f"{lang}.json").is_file()]


def checked_data_dir(data: Path | None, settings: Settings) -> Path | None:
    """The LAReQA folder to use. A given ``--data`` must hold every file; the default
    (SYNTH_LAREQA_DIR) may be absent (dataset facts then stay unchecked) but not
    incomplete: a fact computed from some of the languages would be wrong, not unknown."""
    from synth.reproduce.data import layout_help

    root = data if data is not None else settings.lareqa_dir
    flag = "--data" if data is not None else "SYNTH_LAREQA_DIR"
    if not root.exists():
        if data is None:
            return None
        fail(f"--data {root}: no such folder; {layout_help(root)}")
    missing = missing_lareqa_files(root)
    if missing:
        named = ", ".join(missing[:MISSING_SHOWN]) + (f" and {len(missing) - MISSING_SHOWN} more"
                                                      if len(missing) > MISSING_SHOWN else "")
        fail(f"{flag} {root}: incomplete LAReQA folder, missing {named}; {layout_help(root)}")
    return root


def checked_results_dir(results: Path | None) -> Path | None:
    """A given ``--results`` must hold a result.json (in it or one folder down)."""
    if results is None:
        return None
    if not results.is_dir():
        fail(f"--results {results}: no such folder; pass a reproduction results folder (holding */result.json)")
    if not [*results.glob("result.json"), *results.glob("*/result.json")]:
        fail(f"--results {results}: no result.json in it or one folder down; "
             "run `synth reproduce hybrid-batch` or pass the folder it wrote")
    return results


def checked_papers(papers: list[Path]) -> list[Path]:
    """Each ``--papers`` path must be a file or a folder holding PDFs."""
    from synth.errors import SourceError
    from synth.sources.local import expand_local_source

    for path in papers:
        try:
            expand_local_source(path)
        except SourceError as problem:
            fail(f"--papers {problem}")
    return papers
