"""The claims ledger: every verified claim and the history of its verdicts.

SQLite, one file (default ``settings.ledger_path``). The schema version lives
in ``PRAGMA user_version``; a ledger written by a newer synth is refused rather
than silently rewritten. Writers hold a file lock beside the database, so two
``synth reverify`` runs on one ledger queue up instead of interleaving.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from filelock import FileLock, Timeout
from pydantic import BaseModel

import synth
from synth.errors import ConfigError, StorageError, StoreError
from synth.files import is_storage_message, writing
from synth.records import Check, Claim, Evidence, Location, Verification
from synth.verify.inputs import ClaimInput

LEDGER_SCHEMA_VERSION = 2
"""1: claims and verdicts; 2: each verdict's checks, and where an extracted claim was claimed."""
_MIGRATIONS = {
    1: ("ALTER TABLE claims ADD COLUMN location TEXT",
        "ALTER TABLE verdicts ADD COLUMN checks TEXT NOT NULL DEFAULT '[]'"),
}
"""Statements that bring a ledger of schema N to N + 1 (run in one transaction when it is next written)."""
LOCK_TIMEOUT_S = 900.0
"""How long a writer waits for another (e.g. a running reverify) before giving up."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS claims (
    id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    paper_id TEXT,
    source TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    location TEXT
);
CREATE TABLE IF NOT EXISTS verdicts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id TEXT NOT NULL REFERENCES claims(id),
    recorded_at TEXT NOT NULL,
    verdict TEXT NOT NULL,
    confidence REAL NOT NULL,
    evidence_hash TEXT NOT NULL,
    method TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    source TEXT NOT NULL,
    evidence TEXT NOT NULL,
    rationale TEXT NOT NULL,
    checks TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS verdicts_by_claim ON verdicts(claim_id, seq);
"""


class VerdictRecord(BaseModel):
    """One entry of a claim's verdict history."""

    recorded_at: str
    verdict: str
    confidence: float
    evidence_hash: str
    method: str
    tool_version: str
    source: str
    evidence: list[Evidence]
    rationale: str
    checks: list[Check] = []


class LedgerClaim(BaseModel):
    id: str
    text: str
    paper_id: str | None
    source: str
    first_seen: str
    history: list[VerdictRecord]
    location: Location | None = None
    """Where the claim was extracted from its paper (its provenance; re-checks exclude that sentence)."""

    @property
    def latest(self) -> VerdictRecord | None:
        return self.history[-1] if self.history else None


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def evidence_hash(evidence: Iterable[Evidence]) -> str:
    """Stable digest of what a verdict rests on (order-independent)."""
    rows = sorted(json.dumps(item.model_dump(mode="json"), sort_keys=True) for item in evidence)
    return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()[:16]


def lock_path(ledger_path: Path) -> Path:
    return Path(f"{ledger_path}.lock")


@contextmanager
def ledger_lock(ledger_path: Path, timeout_s: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Exclusive access for one writer; the others wait up to ``timeout_s``."""
    with writing(ledger_path):
        Path(ledger_path).parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path(ledger_path)), timeout=timeout_s)
    try:
        with writing(lock_path(ledger_path)):
            lock.acquire()
    except Timeout as error:
        raise StoreError(
            f"ledger {ledger_path} is locked by another synth run (lock {lock_path(ledger_path)}); "
            "wait for it to finish and run again"
        ) from error
    try:
        yield
    finally:
        lock.release()


SQLITE_TIMEOUT_S = 60.0
EXPECTED_TABLES = frozenset({"claims", "verdicts"})


class Ledger:
    """Read/write access to one ledger file (callers hold ``ledger_lock`` to write).

    An existing ledger is opened read-only and reopened for writing only when
    something is recorded, so ``ledger show/export`` never change (or need
    write access to) the file. The schema is checked first: a folder, an empty file, another program's SQLite file or a ledger
    missing a table gets one line, and synth tables are only ever created in a
    file synth makes itself.
    """

    def __init__(self, path: Path, create: bool = True):
        self.path = Path(path)
        if self.path.is_dir():
            raise ConfigError(f"ledger {self.path} is a folder; pass the ledger file (e.g. ledger.sqlite) with --ledger")
        is_new = not self.path.exists()
        if is_new and not create:
            raise ConfigError(f"ledger {self.path} does not exist; verify some claims first or pass --ledger")
        if not is_new and self.path.stat().st_size == 0:
            raise ConfigError(f"ledger {self.path} is an empty file, not a synth ledger; delete it or pass another --ledger")
        with writing(self.path):
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = self._connect(writable=is_new)
        self._writable = is_new
        self._check_schema(is_new)

    def _connect(self, writable: bool) -> sqlite3.Connection:
        if writable:
            return sqlite3.connect(self.path, timeout=SQLITE_TIMEOUT_S)
        return sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=SQLITE_TIMEOUT_S)

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _refuse(self, problem: str) -> ConfigError:
        self.close()
        return ConfigError(f"ledger {self.path} {problem}; pass another --ledger")

    def _check_schema(self, is_new: bool) -> None:
        try:
            (version,) = self._connection.execute("PRAGMA user_version").fetchone()
            tables = {row[0] for row in self._connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as error:
            raise self._refuse(f"is not a synth ledger ({error})") from error
        if version > LEDGER_SCHEMA_VERSION:
            self.close()
            raise ConfigError(
                f"ledger {self.path} has schema version {version}, newer than this synth's "
                f"({LEDGER_SCHEMA_VERSION}); upgrade synth to read it"
            )
        if version == 0 and not is_new:
            foreign = ", ".join(sorted(tables)) or "none"
            raise self._refuse(f"is an SQLite file but not a synth ledger (its tables: {foreign})")
        missing = EXPECTED_TABLES - tables
        if 0 < version <= LEDGER_SCHEMA_VERSION and missing:
            raise self._refuse(f"is damaged: table {', '.join(sorted(missing))} is missing (restore it from a copy)")
        self._version = version
        if is_new:
            with self._writes():
                self._connection.executescript(_SCHEMA)
                self._connection.execute(f"PRAGMA user_version = {LEDGER_SCHEMA_VERSION}")
            self._version = LEDGER_SCHEMA_VERSION

    def _migrate(self) -> None:
        """Bring an older ledger to this schema (inside the caller's write transaction)."""
        for version in range(self._version, LEDGER_SCHEMA_VERSION):
            for statement in _MIGRATIONS[version]:
                self._connection.execute(statement)
        self._connection.execute(f"PRAGMA user_version = {LEDGER_SCHEMA_VERSION}")
        self._version = LEDGER_SCHEMA_VERSION

    @contextmanager
    def _writes(self) -> Iterator[None]:
        """One transaction; a read-only place or a full disk becomes a StorageError."""
        if not self._writable:
            self._connection.close()
            self._connection = self._connect(writable=True)
            self._writable = True
        try:
            with self._connection:
                yield
        except sqlite3.OperationalError as error:
            if is_storage_message(str(error)):
                raise StorageError(
                    f"ledger {self.path}: cannot write it ({error}); make it writable, free some space, "
                    "or pass another --ledger"
                ) from error
            raise

    def record(
        self,
        verifications: Iterable[Verification],
        source: str,
        claims: Iterable[Claim | ClaimInput] = (),
        recorded_at: str | None = None,
    ) -> int:
        """Add one verdict per verification (and the claim when new); one transaction."""
        given = {claim.id: claim for claim in map(ClaimInput.from_any, claims)}
        when = recorded_at or utc_now()
        rows = 0
        with self._writes():
            if self._version < LEDGER_SCHEMA_VERSION:
                self._migrate()
            for item in verifications:
                claim = given.get(item.id)
                location = claim.claimed_at.model_dump_json() if claim and claim.claimed_at else None
                self._connection.execute(
                    "INSERT INTO claims(id, text, paper_id, source, first_seen, location) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT(id) DO UPDATE SET paper_id = COALESCE(claims.paper_id, excluded.paper_id), "
                    "location = COALESCE(claims.location, excluded.location)",
                    (item.id, item.claim, claim.paper_id if claim else None, source, when, location),
                )
                self._connection.execute(
                    "INSERT INTO verdicts(claim_id, recorded_at, verdict, confidence, evidence_hash, method, "
                    "tool_version, source, evidence, rationale, checks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        item.id, when, item.verdict, item.confidence, evidence_hash(item.evidence),
                        item.method, synth.__version__, source,
                        json.dumps([e.model_dump(mode="json") for e in item.evidence], ensure_ascii=False),
                        item.rationale,
                        json.dumps([c.model_dump(mode="json") for c in item.checks], ensure_ascii=False),
                    ),
                )
                rows += 1
        return rows

    def claims(self) -> list[LedgerClaim]:
        """Every claim with its full verdict history, oldest verdict first."""
        current = self._version >= LEDGER_SCHEMA_VERSION
        checks_column, location_column = ("checks", "location") if current else ("'[]'", "NULL")
        history: dict[str, list[VerdictRecord]] = {}
        for row in self._connection.execute(
            "SELECT claim_id, recorded_at, verdict, confidence, evidence_hash, method, tool_version, source, "
            f"evidence, rationale, {checks_column} FROM verdicts ORDER BY seq"
        ):
            history.setdefault(row[0], []).append(
                VerdictRecord(
                    recorded_at=row[1], verdict=row[2], confidence=row[3], evidence_hash=row[4], method=row[5],
                    tool_version=row[6], source=row[7],
                    evidence=[Evidence.model_validate(e) for e in json.loads(row[8])], rationale=row[9],
                    checks=[Check.model_validate(c) for c in json.loads(row[10])],
                )
            )
        return [
            LedgerClaim(id=cid, text=text, paper_id=paper_id, source=source, first_seen=first_seen,
                        history=history.get(cid, []),
                        location=Location.model_validate_json(location) if location else None)
            for cid, text, paper_id, source, first_seen, location in self._connection.execute(
                "SELECT id, text, paper_id, source, first_seen, "
                f"{location_column} FROM claims ORDER BY first_seen, id"
            )
        ]


def record_verifications(
    ledger_path: Path | str,
    verifications: Iterable[Verification],
    source: str,
    claims: Iterable[Claim] = (),
) -> int:
    """One-call hook for any command that verifies claims (report, audit, verify).

    ``source`` says which command and input recorded them (e.g. ``"verify claims.jsonl"``);
    ``claims`` (optional) supplies the paper id of each claim, so re-verification
    searches the same paper. Returns the number of verdicts recorded.
    """
    verifications = list(verifications)
    with ledger_lock(Path(ledger_path)), closing(Ledger(Path(ledger_path))) as ledger:
        return ledger.record(verifications, source, claims)
