"""The review workspace: every reviewer's entries, versioned and audited, in one transactional SQLite file.

Why its own database: what reviewers write (keys, decisions, forms, judgements,
consensus records, corrections) must survive any graph backend and any
re-ingest, and two reviewers writing at the same moment must both be kept.
SQLite in WAL mode gives one writer at a time across processes
(``BEGIN IMMEDIATE`` takes the write lock before anything is read, so a
read-modify-write cannot interleave) and lets readers go on meanwhile.

Records are never updated or deleted: a write adds version *n + 1* of the
record ``(kind, record_id)``, which supersedes the earlier ones. Every write
adds one audit row with who, when, what, and the bodies before and after
(key hashes are left out of the audit).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from facekg.errors import StoreError

FILE_NAME = "review.sqlite"
Kind = Literal["reviewer", "screening", "consensus", "extraction", "rob", "correction"]
KINDS: tuple[Kind, ...] = ("reviewer", "screening", "consensus", "extraction", "rob", "correction")
_SECRET_FIELDS = ("key_hash",)
# A writer waits this long for another one's transaction before giving up (seconds).
BUSY_TIMEOUT = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    study_id TEXT,
    body TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (kind, record_id, version)
);
CREATE INDEX IF NOT EXISTS records_study ON records (study_id, kind);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    study_id TEXT,
    before TEXT,
    after TEXT
);
"""


class AuditEntry(BaseModel):
    """One write: who, when, what, and the record before and after it."""

    id: int
    at: str
    actor: str
    action: str
    kind: str
    record_id: str
    version: int
    study_id: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class Transaction:
    """Reads and writes inside one SQLite transaction (see :meth:`Workspace.transaction`)."""

    def __init__(self, connection: sqlite3.Connection, at: str) -> None:
        self._db = connection
        self.at = at

    def current(self, kind: Kind, record_id: str) -> dict[str, Any] | None:
        """The latest version's body of one record, or None."""
        row = self._db.execute("SELECT body FROM records WHERE kind = ? AND record_id = ? "
                               "ORDER BY version DESC LIMIT 1", (kind, record_id)).fetchone()
        return json.loads(row[0]) if row else None

    def all(self, kind: Kind, study_id: str | None = None) -> list[dict[str, Any]]:
        """The latest version of every record of ``kind`` (of one study, when given), by record id."""
        sql = ("SELECT r.body FROM records r WHERE r.kind = ? {study} AND r.version = "
               "(SELECT MAX(version) FROM records s WHERE s.kind = r.kind AND s.record_id = r.record_id) "
               "ORDER BY r.record_id")
        if study_id is None:
            rows = self._db.execute(sql.format(study=""), (kind,)).fetchall()
        else:
            rows = self._db.execute(sql.format(study="AND r.study_id = ?"), (kind, study_id)).fetchall()
        return [json.loads(row[0]) for row in rows]

    def put(self, kind: Kind, record_id: str, body: dict[str, Any], *, actor: str, action: str,
            study_id: str | None = None) -> int:
        """Add a new version of a record and its audit row; returns the version (unchanged bodies are no-ops: 0)."""
        before = self.current(kind, record_id)
        if before == body:
            return 0
        row = self._db.execute("SELECT COALESCE(MAX(version), 0) FROM records WHERE kind = ? AND record_id = ?",
                               (kind, record_id)).fetchone()
        version = int(row[0]) + 1
        text = json.dumps(body, sort_keys=True, ensure_ascii=False)
        self._db.execute("INSERT INTO records (kind, record_id, version, study_id, body, actor, at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", (kind, record_id, version, study_id, text, actor, self.at))
        self._db.execute("INSERT INTO audit (at, actor, action, kind, record_id, version, study_id, before, after) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (self.at, actor, action, kind, record_id, version, study_id,
                          _audited(before), _audited(body)))
        return version


class Workspace:
    """The review workspace kept in ``<data_dir>/review.sqlite``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @classmethod
    def in_data_dir(cls, data_dir: Path | str) -> Workspace:
        return cls(Path(data_dir) / FILE_NAME)

    def _connect(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the review workspace {self.path}: {exc}") from exc
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One write transaction: all of it is committed, or (on any error) none of it."""
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            tx = Transaction(db, _now())
            try:
                yield tx
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"review workspace {self.path}: {exc}") from exc
        finally:
            db.close()

    @contextmanager
    def reading(self) -> Iterator[Transaction]:
        """A consistent read snapshot (a deferred transaction that writes nothing)."""
        db = self._connect()
        try:
            db.execute("BEGIN")
            yield Transaction(db, _now())
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"review workspace {self.path}: {exc}") from exc
        finally:
            db.close()

    def audit(self, *, kind: str | None = None, study_id: str | None = None, actor: str | None = None,
              offset: int = 0, limit: int = 100) -> tuple[int, list[AuditEntry]]:
        """Audit rows, oldest first, filtered; with the total before paging."""
        where, args = [], []
        for column, value in (("kind", kind), ("study_id", study_id), ("actor", actor)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        db = self._connect()
        try:
            total = int(db.execute(f"SELECT COUNT(*) FROM audit {clause}", args).fetchone()[0])
            rows = db.execute(f"SELECT id, at, actor, action, kind, record_id, version, study_id, before, after "
                              f"FROM audit {clause} ORDER BY id LIMIT ? OFFSET ?", [*args, limit, offset]).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"review workspace {self.path}: {exc}") from exc
        finally:
            db.close()
        return total, [AuditEntry(id=row[0], at=row[1], actor=row[2], action=row[3], kind=row[4], record_id=row[5],
                                  version=row[6], study_id=row[7],
                                  before=json.loads(row[8]) if row[8] else None,
                                  after=json.loads(row[9]) if row[9] else None) for row in rows]

    def revision(self) -> str:
        """The workspace's revision (see :func:`revision_of`)."""
        return revision_of(self.path)

    @staticmethod
    def file_in(data_dir: Path | str) -> Path:
        """Where a data dir keeps its workspace (the file need not exist yet)."""
        return Path(data_dir) / FILE_NAME

    def versions(self, kind: Kind, record_id: str) -> int:
        """How many versions a record has (0: none)."""
        db = self._connect()
        try:
            row = db.execute("SELECT COUNT(*) FROM records WHERE kind = ? AND record_id = ?",
                             (kind, record_id)).fetchone()
        finally:
            db.close()
        return int(row[0])


def revision_of(path: Path | str) -> str:
    """The revision of the workspace at ``path``: the id of its latest audit row ("0" before any write).

    Every write adds an audit row, so the revision changes with every write and with nothing else;
    caches of answers and entity tags key on it. Reading it never creates the file.
    """
    path = Path(path)
    if not path.exists():
        return "0"
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
        try:
            row = db.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()
        finally:
            db.close()
    except sqlite3.Error as exc:
        if "no such table" in str(exc):
            return "0"
        raise StoreError(f"review workspace {path}: {exc}") from exc
    return str(row[0])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _audited(body: dict[str, Any] | None) -> str | None:
    if body is None:
        return None
    shown = {key: ("(hidden)" if key in _SECRET_FIELDS else value) for key, value in body.items()}
    return json.dumps(shown, sort_keys=True, ensure_ascii=False)
