"""The report cache (synth.report.cache): a warm report reads its stages back and says exactly
what a cold one says; a changed paper or setting is computed again; concurrent runs share it."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bench.corpus.content import LR_WARMUP
from bench.corpus.pdf import write_paper_pdf
from synth.errors import StoreError
from synth.index.library import Library
from synth.ingest.run import ingest_sources
from synth.records import Claim, Verification
from synth.report.cache import ReportCache, ResultStore, cache_path
from synth.settings import Settings
from synth.verify.policy import VerifyPolicy

QUESTION = "Does learning-rate warm-up prevent training divergence of language models?"
CLI = [sys.executable, "-c", "from synth.cli import main; main()"]
CLI_TIMEOUT_S = 600
RUN_DEPENDENT = ("provenance",)
"""Report fields that name the run itself (its time and command line), not what it found."""
FROM_CACHE = re.compile(r"^✓ (?P<stage>[a-z ]+) \(\d+ s\).*?(?:(?P<reused>\d+) of (?P<total>\d+) )?from the cache",
                        re.MULTILINE)
CHANGED_WARMUP = replace(LR_WARMUP, abstract=LR_WARMUP.abstract.replace("3 of 5 seeds", "4 of 5 seeds")
                         .replace("best validation loss, 3.10", "best validation loss, 3.25"))
WRITERS, ROWS_PER_WRITER = 4, 200


def report(home: Path, pdfs: Path, out: Path, **env: str) -> tuple[dict, str]:
    """(report.json without its run-dependent fields, stderr) of one real CLI run."""
    result = subprocess.run([*CLI, "--home", str(home), "report", "--question", QUESTION, "--papers", str(pdfs),
                             "--no-arxiv", "--reproduce", "none", "--format", "json", "--out", str(out)],
                            capture_output=True, text=True, timeout=CLI_TIMEOUT_S, env={**os.environ, **env})
    assert result.returncode == 0, result.stderr
    document = json.loads((out / "report.json").read_text())
    return {key: value for key, value in document.items() if key not in RUN_DEPENDENT}, result.stderr


def reused_stages(stderr: str) -> dict[str, tuple[int, int] | None]:
    """stage -> (results reused, results) for per-claim stages, None for a whole stage read back."""
    return {match["stage"]: (int(match["reused"]), int(match["total"])) if match["reused"] else None
            for match in FROM_CACHE.finditer(stderr)}


@pytest.fixture
def warmup_pdfs(tmp_path: Path) -> Path:
    folder = tmp_path / "pdfs"
    write_paper_pdf(LR_WARMUP, folder)
    return folder


@pytest.mark.slow
def test_a_warm_report_reads_every_stage_back_and_says_what_the_cold_one_said(warmup_pdfs: Path,
                                                                              tmp_path: Path) -> None:
    home = tmp_path / "home"

    cold, cold_log = report(home, warmup_pdfs, tmp_path / "cold")
    warm, warm_log = report(home, warmup_pdfs, tmp_path / "warm")

    assert cold["claims"] and cold["premises"]
    assert warm == cold
    assert reused_stages(cold_log) == {}
    claims = len(cold["claims"])
    assert reused_stages(warm_log) == {"extract claims": None, "verify claims": (claims, claims),
                                       "check premises": None}


@pytest.mark.slow
def test_a_changed_paper_is_judged_again_as_a_fresh_home_would(warmup_pdfs: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    before, _ = report(home, warmup_pdfs, tmp_path / "before")
    write_paper_pdf(CHANGED_WARMUP, warmup_pdfs)

    after, after_log = report(home, warmup_pdfs, tmp_path / "after")
    fresh, _ = report(tmp_path / "fresh-home", warmup_pdfs, tmp_path / "fresh")

    assert after == fresh
    assert after["claims"] != before["claims"]
    assert any("4 of 5 seeds" in row["claim"] for row in after["claims"])
    assert reused_stages(after_log) == {}


# --- the cache's keys, in-process on a real library ------------------------------------


@pytest.fixture
def library(warmup_pdfs: Path, settings: Settings) -> Library:
    library = Library(settings)
    ingest_sources([str(warmup_pdfs)], settings, library, progress=False)
    return library


def claim(text: str) -> Claim:
    return Claim(id=text[:8], text=text, paper_id=LR_WARMUP.arxiv_id)


class CountingVerifier:
    """Stands in for the verifier: remembers which claims it was asked about."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, claims: list[Claim]) -> list[Verification]:
        self.asked += [item.text for item in claims]
        return [Verification(id=item.id, claim=item.text, verdict="insufficient_evidence", confidence=0.5,
                             method="text", rationale=f"computed for {item.text}") for item in claims]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data folder of its own (one holding the home would change with every cache write)."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "counts.json").write_text("{}")
    return folder


def verdicts(settings: Settings, claims: list[Claim], data_dir: Path) -> tuple[list[Verification], list[str]]:
    verifier = CountingVerifier()
    return ReportCache(settings).verifications(claims, data_dir, None, verifier), verifier.asked


def test_only_claims_not_seen_before_are_verified_and_order_is_kept(library: Library, settings: Settings,
                                                                    data_dir: Path) -> None:
    first, second = claim("Warm-up of 500 steps prevents divergence."), claim("Three of five seeds diverge.")

    _, asked_cold = verdicts(settings, [first], data_dir)
    results, asked_warm = verdicts(settings, [second, first], data_dir)

    assert asked_cold == [first.text] and asked_warm == [second.text]
    assert [result.claim for result in results] == [second.text, first.text]
    assert results[1].rationale == f"computed for {first.text}"


def test_a_changed_setting_data_file_or_paper_verifies_the_claim_again(library: Library, settings: Settings,
                                                                       warmup_pdfs: Path, data_dir: Path) -> None:
    item = claim("Warm-up of 500 steps prevents divergence.")
    verdicts(settings, [item], data_dir)
    stricter = settings.model_copy(update={"verify": VerifyPolicy.model_validate(
        {"checks": {"min_cross_confidence": settings.verify.checks.min_cross_confidence / 2}})})

    assert verdicts(settings, [item], data_dir)[1] == []
    assert verdicts(stricter, [item], data_dir)[1] == [item.text]
    (data_dir / "counts.json").write_text('{"languages": 11}')
    assert verdicts(settings, [item], data_dir)[1] == [item.text]
    write_paper_pdf(CHANGED_WARMUP, warmup_pdfs)
    ingest_sources([str(warmup_pdfs)], settings, library, progress=False)
    assert verdicts(settings, [item], data_dir)[1] == [item.text]
    assert verdicts(settings, [item], data_dir)[1] == []


def test_with_a_chat_model_configured_nothing_is_cached(library: Library, settings: Settings, data_dir: Path) -> None:
    chatty = settings.model_copy(update={"llm_model": "openai:gpt-4o-mini"})
    item = claim("Warm-up of 500 steps prevents divergence.")

    verdicts(chatty, [item], data_dir)

    assert verdicts(chatty, [item], data_dir)[1] == [item.text]
    assert not cache_path(settings).exists()


def _write_rows(path: str, writer: int) -> None:
    store = ResultStore(Path(path))
    for row in range(ROWS_PER_WRITER):
        store.put("verify", {f"{writer}-{row}": json.dumps({"writer": writer, "row": row})})


def test_concurrent_writers_on_one_home_keep_every_row(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "report.sqlite"
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write_rows, args=(str(path), writer)) for writer in range(WRITERS)]
    for process in writers:
        process.start()
    for process in writers:
        process.join()

    assert [process.exitcode for process in writers] == [0] * WRITERS
    keys = [f"{writer}-{row}" for writer in range(WRITERS) for row in range(ROWS_PER_WRITER)]
    stored = ResultStore(path).get("verify", keys)
    assert sorted(stored) == sorted(keys)
    assert all(json.loads(stored[key]) == {"writer": int(key.split("-")[0]), "row": int(key.split("-")[1])}
               for key in keys)


def test_a_damaged_cache_file_is_one_line_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "report.sqlite"
    path.write_bytes(b"not a database, just some bytes" * 100)

    with pytest.raises(StoreError) as raised:
        ResultStore(path).get("verify", ["key"])

    message = str(raised.value)
    assert str(path) in message and "delete it" in message and "\n" not in message
