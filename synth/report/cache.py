"""Report stage results kept between runs, so a report over unchanged papers recomputes nothing.

Three stages are cached, each keyed by everything its result is computed from
(synth.report.fingerprint): the code, the settings, the models and the library, plus

- claim extraction: the question, the ranked paper ids and how many claims are kept;
- verification, claim by claim: the claim record, the data and results folders, and whether
  reproduction results may be read;
- the premise check: the question.

So a cached result is the result a fresh computation would give: any change to a paper, a
setting, the code or a model changes the key, and the stage is computed again. Nothing is
cached with a chat model configured (``settings.llm_model``): its answers are not
reproducible. Premise checks that hit an error are not cached either.

Results live in ``<home>/cache/report.sqlite`` (WAL mode, one transaction per write), which
several runs on one home may read and write at once; a killed run leaves whole rows.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel, TypeAdapter

from synth.errors import StorageError, StoreError
from synth.files import is_storage_message, writing
from synth.records import Claim, PremiseCheck, Verification
from synth.report import fingerprint
from synth.report.document import Limitation
from synth.settings import Settings

CACHE_FILE = "report.sqlite"
SCHEMA_VERSION = 1
"""Part of every key: a new layout of the stored values never reads an old one."""
SQLITE_TIMEOUT_S = 60.0
"""How long a run waits for another run's write transaction."""
CLAIMS = TypeAdapter(list[Claim])
PREMISES = TypeAdapter(list[PremiseCheck])


def cache_path(settings: Settings) -> Path:
    return settings.cache_dir / CACHE_FILE


class ResultStore:
    """JSON values by (stage, key) in one SQLite file, opened on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None

    @property
    def connection(self) -> sqlite3.Connection:
        if self._connection is None:
            with writing(self.path):
                self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._guarded():
                connection = sqlite3.connect(self.path, timeout=SQLITE_TIMEOUT_S)
                connection.execute("PRAGMA journal_mode=WAL")
                with connection:
                    connection.execute("CREATE TABLE IF NOT EXISTS results "
                                       "(stage TEXT, key TEXT, value TEXT, PRIMARY KEY (stage, key))")
                self._connection = connection
        return self._connection

    def get(self, stage: str, keys: Sequence[str]) -> dict[str, str]:
        unique = list(dict.fromkeys(keys))
        with self._guarded():
            rows = [row for key in unique for row in self.connection.execute(
                "SELECT key, value FROM results WHERE stage = ? AND key = ?", (stage, key))]
        return dict(rows)

    def put(self, stage: str, values: dict[str, str]) -> None:
        if not values:
            return
        with self._guarded(), self.connection:
            self.connection.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                                        [(stage, key, value) for key, value in values.items()])

    def _guarded(self):
        return sqlite_errors(self.path)


@contextmanager
def sqlite_errors(path: Path) -> Iterator[None]:
    """SQLite's errors as one line naming the file: a read-only or full place is a StorageError, a
    file another run holds too long or one that is damaged a StoreError."""
    try:
        yield
    except sqlite3.OperationalError as error:
        if is_storage_message(str(error)):
            raise StorageError(f"report cache {path}: cannot write it ({error}); make it writable, free some "
                               "space, or point --home (SYNTH_HOME) elsewhere") from error
        raise StoreError(f"report cache {path}: {error}; if another synth run holds it, run again when it "
                         "ends") from error
    except sqlite3.DatabaseError as error:
        raise StoreError(f"report cache {path} is unreadable ({error}); delete it (it only holds results "
                         "synth can compute again)") from error


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join([str(SCHEMA_VERSION), *parts]).encode("utf-8")).hexdigest()


def _record_json(item: BaseModel | dict) -> str:
    """A claim as the verifier receives it (records or plain dicts)."""
    return item.model_dump_json() if isinstance(item, BaseModel) else json.dumps(item, sort_keys=True)


class ReportCache:
    """The cached stages of one run; ``reused[stage]`` counts the results read back, for the stage lines."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.enabled = settings.llm_model is None
        self.store = ResultStore(cache_path(settings))
        self.reused: dict[str, int] = {}

    def _base(self) -> list[str]:
        """Computed at each use: ingestion and reference following change the library during a run."""
        return [fingerprint.code_fingerprint(), fingerprint.settings_fingerprint(self.settings),
                fingerprint.models_fingerprint(self.settings), fingerprint.library_fingerprint(self.settings)]

    def extraction(self, question: str, paper_ids: list[str], top: int | None,
                   compute: Callable[[], list[Claim]]) -> list[Claim]:
        if not self.enabled:
            return compute()
        key = _key(*self._base(), question, json.dumps(paper_ids), str(top))
        stored = self.store.get("extract", [key])
        self.reused["extract"] = len(stored)
        if stored:
            return CLAIMS.validate_json(stored[key])
        claims = compute()
        self.store.put("extract", {key: CLAIMS.dump_json(claims).decode()})
        return claims

    def verifications(self, claims: Sequence[BaseModel | dict], data_dir: Path, results_dir: Path | None,
                      compute: Callable[[list], list[Verification]], on_done=None) -> list[Verification]:
        """One verdict per claim, in order: the stored ones read back, the others computed by ``compute``
        (given the missing claims, in order) and stored. ``results_dir`` None: no results may be read."""
        if not self.enabled:
            return compute(list(claims))
        base = [*self._base(), fingerprint.data_fingerprint(data_dir, results_dir)]
        keys = [_key(*base, _record_json(claim)) for claim in claims]
        stored = self.store.get("verify", keys)
        self.reused["verify"] = sum(key in stored for key in keys)
        for _ in range(self.reused["verify"]):
            if on_done:
                on_done()
        missing = [(key, claim) for key, claim in zip(keys, claims) if key not in stored]
        fresh = dict(zip((key for key, _ in missing), compute([claim for _, claim in missing])))
        self.store.put("verify", {key: verification.model_dump_json() for key, verification in fresh.items()})
        return [fresh[key] if key in fresh else Verification.model_validate_json(stored[key]) for key in keys]

    def premises(self, question: str, compute: Callable[[], tuple[list[PremiseCheck], list[Limitation]]]
                 ) -> tuple[list[PremiseCheck], list[Limitation]]:
        if not self.enabled:
            return compute()
        key = _key(*self._base(), question)
        stored = self.store.get("premises", [key])
        self.reused["premises"] = len(stored)
        if stored:
            return PREMISES.validate_json(stored[key]), []
        checks, problems = compute()
        if not problems:
            self.store.put("premises", {key: PREMISES.dump_json(checks).decode()})
        return checks, problems

    def note(self, stage: str, total: int | None = None) -> str:
        """What the stage line says of the cache: "12 of 30 from the cache" (results of a
        per-claim stage), "from the cache" (a whole stage read back), "" when nothing was."""
        reused = self.reused.get(stage, 0)
        if not reused:
            return ""
        return f"{reused} of {total} from the cache" if total is not None else "from the cache"
