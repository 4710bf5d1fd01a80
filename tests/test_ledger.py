"""The claims ledger: history, schema guard, locking, and the reverify diff."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from synth.errors import ConfigError, StoreError
from synth.records import Check, Claim, Evidence, Location, Verification
from synth.report.ledger import LEDGER_SCHEMA_VERSION, Ledger, ledger_lock, record_verifications
from synth.report.reverify import diff_markdown, diff_verdicts, reverify_ledger


def _verification(claim_id: str, verdict: str = "supported", confidence: float = 0.8, quote: str = "q") -> Verification:
    return Verification(
        id=claim_id, claim=f"claim {claim_id}", verdict=verdict, confidence=confidence, method="text",
        evidence=[Evidence(paper_id="p1", page=2, section="Results", quote=quote)], rationale="r",
    )


def test_records_claims_and_a_history_of_verdicts(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    claims = [Claim(id="a", text="claim a", paper_id="p1")]
    assert record_verifications(path, [_verification("a"), _verification("b")], "verify claims.jsonl", claims) == 2
    record_verifications(path, [_verification("a", "refuted", 0.3)], "reverify")

    with closing(Ledger(path, create=False)) as ledger:
        entries = {entry.id: entry for entry in ledger.claims()}
    assert set(entries) == {"a", "b"}
    assert entries["a"].paper_id == "p1" and entries["b"].paper_id is None
    assert [h.verdict for h in entries["a"].history] == ["supported", "refuted"]
    assert entries["a"].latest.confidence == 0.3
    assert entries["a"].history[0].source == "verify claims.jsonl"
    assert entries["a"].history[0].evidence[0].quote == "q"
    assert len(entries["a"].latest.evidence_hash) == 16


def test_a_ledger_from_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    record_verifications(path, [_verification("a")], "verify")
    with closing(sqlite3.connect(path)) as connection:
        connection.execute(f"PRAGMA user_version = {LEDGER_SCHEMA_VERSION + 1}")
    with pytest.raises(ConfigError, match=rf"schema version {LEDGER_SCHEMA_VERSION + 1}, newer .*upgrade synth"):
        Ledger(path)


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("just some text, not SQLite" * 50)
    with pytest.raises(ConfigError, match="not a synth ledger"):
        Ledger(path)


def test_a_missing_ledger_is_not_created_for_reading(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        Ledger(tmp_path / "absent.sqlite", create=False)
    assert not (tmp_path / "absent.sqlite").exists()


def _hold_lock(path: str, seconds: float, ready) -> None:
    with ledger_lock(Path(path)):
        ready.set()
        time.sleep(seconds)


def test_a_second_writer_fails_cleanly_when_the_lock_is_held_too_long(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(str(path), 3.0, ready))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(StoreError, match="locked by another synth run"):
            with ledger_lock(path, timeout_s=0.2):
                pass
    finally:
        holder.join()


def _record_many(path: str, prefix: str) -> None:
    for index in range(10):
        record_verifications(Path(path), [_verification(f"{prefix}{index}")], prefix)


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    workers = [multiprocessing.Process(target=_record_many, args=(str(path), prefix)) for prefix in "xyz"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert all(worker.exitcode == 0 for worker in workers)
    with closing(Ledger(path)) as ledger:
        assert len(ledger.claims()) == 30


def test_diff_flags_verdict_changes_and_confidence_moves_beyond_tolerance(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    record_verifications(path, [_verification("same"), _verification("flip"), _verification("drift", confidence=0.5)], "t")
    with closing(Ledger(path)) as ledger:
        entries = ledger.claims()
    fresh = [_verification("same", confidence=0.82), _verification("flip", "refuted"),
             _verification("drift", confidence=0.7)]

    diff = diff_verdicts(entries, fresh, tolerance=0.05, ledger=str(path))

    assert diff.claims_checked == 3 and diff.changed
    assert {c.id: (c.verdict_changed, c.confidence_moved) for c in diff.changes} == {
        "flip": (True, False), "drift": (False, True)}
    assert "refuted" in diff_markdown(diff)


def test_reverify_appends_fresh_verdicts_and_diffs_against_the_latest(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    record_verifications(path, [_verification("a"), _verification("b")], "t")
    refute_a = lambda claims: [_verification(c.id, "refuted" if c.id == "a" else "supported") for c in claims]

    first = reverify_ledger(path, refute_a)
    second = reverify_ledger(path, refute_a)

    assert first.verdict_changes == 1 and [c.id for c in first.changes] == ["a"]
    assert second.verdict_changes == 0 and not second.changed
    with closing(Ledger(path)) as ledger:
        history = {entry.id: [h.verdict for h in entry.history] for entry in ledger.claims()}
    assert history == {"a": ["supported", "refuted", "refuted"], "b": ["supported"] * 3}


def test_a_schema_1_ledger_is_migrated_when_next_written_and_keeps_its_history(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.executescript(
            "CREATE TABLE claims (id TEXT PRIMARY KEY, text TEXT NOT NULL, paper_id TEXT, source TEXT NOT NULL, "
            "first_seen TEXT NOT NULL);"
            "CREATE TABLE verdicts (seq INTEGER PRIMARY KEY AUTOINCREMENT, claim_id TEXT NOT NULL, recorded_at TEXT "
            "NOT NULL, verdict TEXT NOT NULL, confidence REAL NOT NULL, evidence_hash TEXT NOT NULL, method TEXT NOT "
            "NULL, tool_version TEXT NOT NULL, source TEXT NOT NULL, evidence TEXT NOT NULL, rationale TEXT NOT NULL);"
            "INSERT INTO claims VALUES ('a', 'old claim', NULL, 'verify', '2026-01-01');"
            "INSERT INTO verdicts(claim_id, recorded_at, verdict, confidence, evidence_hash, method, tool_version, "
            "source, evidence, rationale) VALUES ('a', '2026-01-01', 'supported', 0.9, 'h', 'text', '0.1.0', "
            "'verify', '[]', 'old');"
            "PRAGMA user_version = 1;")
    with closing(Ledger(path, create=False)) as ledger:
        assert [entry.latest.checks for entry in ledger.claims()] == [[]], "a schema-1 ledger reads without changing"
    record_verifications(path, [_verification("a")], "verify")
    with closing(Ledger(path, create=False)) as ledger:
        (entry,) = ledger.claims()
    assert [record.rationale for record in entry.history][0] == "old" and len(entry.history) == 2
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (LEDGER_SCHEMA_VERSION,)


def test_checks_and_where_an_extracted_claim_was_claimed_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    check = Check(channel="other_sources", outcome="contradicts", note="p2 says otherwise", contradicting=["p2"])
    claim = Claim(id="a", text="claim a", paper_id="p1", location=Location(page=3, section="Results", start=10, end=40))
    record_verifications(path, [_verification("a").model_copy(update={"checks": [check]})], "report", [claim])
    with closing(Ledger(path, create=False)) as ledger:
        (entry,) = ledger.claims()
    assert entry.latest.checks == [check]
    assert entry.location == claim.location and entry.paper_id == "p1"
