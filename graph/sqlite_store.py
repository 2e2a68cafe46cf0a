"""The embedded graph store on SQLite (standard library, WAL): the zero-setup default backend.

One file, ``<data_dir>/facekg.sqlite3``, holds the same graph as Neo4j (the rows of
:mod:`graph.mapping`) in tables shaped for the API's questions (``docs/store.md``):

- ``studies``: one row per study, its record as JSON beside indexed columns (DOI, PMID,
  year, deep learning, retracted) and a case-folded ``haystack`` of title and abstract
  indexed by the FTS5 trigram table ``studies_text`` (substring search by index);
- ``study_edges``: every edge of a study's subgraph (facts, results' metrics, ADDED_IN),
  indexed by (type, target) for the condition and architecture filters;
- ``concepts`` / ``concept_edges``: every other node (ontology concepts, genes, the
  unmapped concepts studies name) and the hierarchy between them;
- ``updates`` and ``study_versions``: the review's history, one version per study and update;
- ``meta``: the format, a generation id and the revision counter.

Every write is one ``BEGIN IMMEDIATE`` transaction: concurrent writers (two ``facekg load``)
queue on SQLite's lock and both land; a crash leaves the last committed state; readers in
WAL mode see the state before or after a write, never half of it. A write touches only the
rows of the studies it writes, so its cost follows the records written, not the graph.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from facekg.errors import NotFound, StoreError, StoreUnavailable
from facekg.records import ReviewUpdate, StudyRecord, normalise_doi
from graph.mapping import EdgeRow, GraphRows, NodeRow, record_rows, update_from_props, update_row
from graph.schema import (
    RECORD_LABELS,
    STUDY_SUBGRAPH_LABELS,
    UNMAPPED_KEY_MARK,
    Edge,
    Label,
    label_conflict,
    mapped_concept_keys,
    merge_props,
    missing_review_update,
    update_key,
)
from graph.store import GraphStats, StudyPage, StudyQuery, StudyVersion

FILE_NAME = "facekg.sqlite3"
FORMAT_VERSION = 1
BUSY_TIMEOUT_S = 60.0
"""How long a writer waits for another process's write to finish before giving up."""
_CHUNK = 500
"""Rows per ``IN (...)`` list and per page when streaming studies."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS studies (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    doi TEXT,
    pmid TEXT,
    year INTEGER,
    year_sort INTEGER NOT NULL,
    deep_learning INTEGER,
    retracted INTEGER NOT NULL,
    haystack TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS studies_doi ON studies (doi) WHERE doi IS NOT NULL;
CREATE INDEX IF NOT EXISTS studies_pmid ON studies (pmid) WHERE pmid IS NOT NULL;
CREATE INDEX IF NOT EXISTS studies_order ON studies (year_sort DESC, id);
CREATE VIRTUAL TABLE IF NOT EXISTS studies_text USING fts5 (
    haystack, content='studies', content_rowid='n', tokenize='trigram');
CREATE TRIGGER IF NOT EXISTS studies_text_insert AFTER INSERT ON studies BEGIN
    INSERT INTO studies_text (rowid, haystack) VALUES (new.n, new.haystack);
END;
CREATE TRIGGER IF NOT EXISTS studies_text_delete AFTER DELETE ON studies BEGIN
    INSERT INTO studies_text (studies_text, rowid, haystack) VALUES ('delete', old.n, old.haystack);
END;
CREATE TABLE IF NOT EXISTS study_edges (
    study_id TEXT NOT NULL,
    source TEXT NOT NULL,
    type TEXT NOT NULL,
    target TEXT NOT NULL,
    props TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS study_edges_study ON study_edges (study_id);
CREATE INDEX IF NOT EXISTS study_edges_target ON study_edges (type, target, study_id);
CREATE TABLE IF NOT EXISTS concepts (key TEXT PRIMARY KEY, label TEXT NOT NULL, props TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS concepts_label ON concepts (label);
CREATE TABLE IF NOT EXISTS concept_edges (
    source TEXT NOT NULL,
    type TEXT NOT NULL,
    target TEXT NOT NULL,
    ordinal TEXT NOT NULL,
    props TEXT NOT NULL,
    PRIMARY KEY (source, type, target, ordinal)
);
CREATE INDEX IF NOT EXISTS concept_edges_target ON concept_edges (target);
CREATE TABLE IF NOT EXISTS updates (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    props TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS updates_order ON updates (created_at, id);
CREATE TABLE IF NOT EXISTS study_versions (
    study_id TEXT NOT NULL,
    update_id TEXT NOT NULL,
    record TEXT,
    PRIMARY KEY (update_id, study_id)
);
CREATE INDEX IF NOT EXISTS study_versions_study ON study_versions (study_id);
"""


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def _dumps(value: Any) -> str:
    return _ENCODER.encode(value)


def haystack_of(record: StudyRecord) -> str:
    """What ``text`` searches: the title and abstract on two lines, case-folded (one rule for the index and a match)."""
    return f"{record.title}\n{record.abstract or ''}".casefold()


class SqliteStore:
    """A :class:`graph.store.GraphStore` in ``<data_dir>/facekg.sqlite3`` (``data_dir=None``: in memory).

    Opening never fails: a missing data directory, a corrupt or unreadable file is reported
    by the first call that needs the data (:class:`facekg.errors.StoreUnavailable`), so the
    API starts and answers 503 instead of dying with a traceback. With ``create=False``
    (reading commands, the API) a missing data directory is that error, not a silently
    created empty graph; with ``create=True`` (writing commands) it is created.
    """

    def __init__(self, data_dir: Path | str | None, *, create: bool = True) -> None:
        self._dir = Path(data_dir) if data_dir is not None else None
        self._create = create
        self._path = self._dir / FILE_NAME if self._dir is not None else None
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._memory_lock = threading.RLock()
        self._memory: sqlite3.Connection | None = None
        self._decoded: dict[bytes, StudyRecord] = {}  # the last complete shared_studies() read, by JSON digest
        if self._path is None:
            self._memory = self._connect(":memory:", check_same_thread=False)
            self._ensure_schema(self._memory)

    @property
    def path(self) -> Path | None:
        return self._path

    # -- connections -----------------------------------------------------------------
    def _connect(self, target: str, **kwargs: Any) -> sqlite3.Connection:
        conn = sqlite3.connect(target, isolation_level=None, timeout=BUSY_TIMEOUT_S, **kwargs)
        conn.execute("PRAGMA foreign_keys = OFF")
        return conn

    def _unreadable(self, exc: BaseException) -> StoreUnavailable:
        # The message names the file but not the directory: it reaches API clients.
        return StoreUnavailable(f"the embedded store {FILE_NAME} cannot be read ({exc}); restore it from a "
                                "backup, or move it away and load the studies again", retry_after=30)

    def _connection(self) -> sqlite3.Connection:
        if self._memory is not None:
            return self._memory
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        assert self._path is not None and self._dir is not None
        if not self._dir.is_dir():
            if not self._create:
                raise StoreUnavailable(f"the data directory {self._dir.name!r} does not exist: load studies "
                                       "first (facekg load) or point FACEKG_DATA_DIR at an existing one",
                                       retry_after=30)
            self._dir.mkdir(parents=True, exist_ok=True)
        try:
            conn = self._connect(str(self._path), check_same_thread=False)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._ensure_schema(conn)
        except sqlite3.DatabaseError as exc:
            raise self._unreadable(exc) from exc
        self._local.conn = conn
        with self._lock:
            self._connections.append(conn)
        return conn

    def _ensure_schema(self, conn: sqlite3.Connection) -> None:
        row = conn.execute("SELECT name FROM sqlite_master WHERE name = 'meta'").fetchone()
        if row is None:  # a new file: the schema and the meta rows in one transaction
            generation = uuid.uuid4().hex
            try:
                conn.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} INSERT OR IGNORE INTO meta VALUES "
                                   f"('format', '{FORMAT_VERSION}'), ('generation', '{generation}'), "
                                   "('revision', '0'); COMMIT;")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        found = conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        if found is None or found[0] != str(FORMAT_VERSION):
            raise StoreError(f"the embedded store {FILE_NAME} has format {found[0] if found else None!r}, "
                             f"expected {FORMAT_VERSION}; load the corpus into a new FACEKG_DATA_DIR")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query inside sees the same committed state."""
        with self._memory_lock if self._memory is not None else _nothing():
            conn = self._connection()
            try:
                conn.execute("BEGIN")
                try:
                    yield conn
                finally:
                    conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                raise self._unreadable(exc) from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``: writers queue), committed with a new revision."""
        with self._memory_lock if self._memory is not None else _nothing():
            conn = self._connection()
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreUnavailable(f"the embedded store is busy with another write ({exc})") from exc
            except sqlite3.DatabaseError as exc:
                raise self._unreadable(exc) from exc
            try:
                yield conn
                conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    # -- writes ------------------------------------------------------------------------
    def write(self, records: Sequence[StudyRecord], update: ReviewUpdate) -> None:
        latest = {record.id: record for record in records}  # duplicates: the last one wins
        with self._write() as conn:
            _upsert_update(conn, update)
            touched: set[str] = set()
            ids = list(latest)
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start:start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                touched.update(t for (t,) in conn.execute(
                    f"SELECT DISTINCT target FROM study_edges WHERE study_id IN ({marks})", chunk)
                    if UNMAPPED_KEY_MARK in t)
                conn.execute(f"DELETE FROM study_edges WHERE study_id IN ({marks})", chunk)
                conn.execute(f"DELETE FROM studies WHERE id IN ({marks})", chunk)
            study_rows, edge_rows, version_rows = [], [], []
            concepts: dict[str, tuple[str, dict[str, Any]]] = {}
            known_updates: set[str] = set()
            for record in latest.values():
                rows = record_rows(record)
                _gather_concepts(concepts, (n for n in rows.nodes if n.label not in STUDY_SUBGRAPH_LABELS))
                for edge in rows.edges:
                    if edge.type == Edge.ADDED_IN and edge.target not in known_updates:
                        if not _has_update(conn, edge.target):
                            raise missing_review_update(record.id, edge.target)
                        known_updates.add(edge.target)
                    edge_rows.append((record.id, edge.source, edge.type, edge.target, _dumps(edge.props)))
                record_json = record.model_dump_json()  # read back only through pydantic: no key sorting needed
                study_rows.append((record.id, record.doi, record.pmid, record.year, record.year or 0,
                                   None if record.is_deep_learning is None else int(record.is_deep_learning),
                                   int(record.retracted), haystack_of(record), record_json))
                version_rows.append((record.id, update.id, record_json))
            _merge_concepts(conn, concepts)
            conn.executemany("INSERT INTO studies (id, doi, pmid, year, year_sort, deep_learning, retracted, "
                             "haystack, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", study_rows)
            conn.executemany("INSERT INTO study_edges VALUES (?, ?, ?, ?, ?)", edge_rows)
            conn.executemany("INSERT OR REPLACE INTO study_versions VALUES (?, ?, ?)", version_rows)
            _drop_orphans(conn, touched)

    def write_ontology(self, rows: GraphRows) -> None:
        with self._write() as conn:
            for node in rows.nodes:
                if node.label in RECORD_LABELS:
                    raise StoreError(f"node {node.key!r}: {node.label} nodes are written with studies, "
                                     "not with the ontology")
            concepts: dict[str, tuple[str, dict[str, Any]]] = {}
            _gather_concepts(concepts, rows.nodes)
            _merge_concepts(conn, concepts)
            conn.executemany(
                "INSERT OR REPLACE INTO concept_edges VALUES (?, ?, ?, ?, ?)",
                [(e.source, e.type, e.target, str(e.props.get("ordinal")), _dumps(e.props)) for e in rows.edges])

    def clear(self) -> None:
        with self._write() as conn:
            for table in ("studies", "study_edges", "concepts", "concept_edges", "updates", "study_versions"):
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 (table names are constants)

    # -- reads -------------------------------------------------------------------------
    def get(self, study_id: str) -> StudyRecord:
        with self._read() as conn:
            row = conn.execute("SELECT record FROM studies WHERE id = ?", (study_id,)).fetchone()
        if row is None:
            raise NotFound("study", study_id)
        return StudyRecord.model_validate_json(row[0])

    def find(self, *, doi: str | None, pmid: str | None, study_id: str | None) -> StudyRecord | None:
        wanted = (("doi", normalise_doi(doi)), ("pmid", pmid), ("id", study_id))
        with self._read() as conn:
            for column, value in wanted:
                if not value:
                    continue
                row = conn.execute(f"SELECT record FROM studies WHERE {column} = ? ORDER BY id LIMIT 1",  # noqa: S608
                                   (value,)).fetchone()
                if row is not None:
                    return StudyRecord.model_validate_json(row[0])
        return None

    def studies(self) -> Iterator[StudyRecord]:
        for text in self._record_texts():
            yield StudyRecord.model_validate_json(text)

    def _record_texts(self) -> Iterator[str]:
        """Every study's stored JSON in id order, read in pages of ``_CHUNK`` rows."""
        last = ""
        while True:
            with self._read() as conn:
                rows = conn.execute("SELECT id, record FROM studies WHERE id > ? ORDER BY id LIMIT ?",
                                    (last, _CHUNK)).fetchall()
            for _id, text in rows:
                yield text
            if len(rows) < _CHUNK:
                return
            last = rows[-1][0]

    def shared_studies(self) -> Iterator[StudyRecord]:
        """:meth:`studies`, reusing the records the last complete call decoded for rows whose JSON is unchanged.

        Decoding a record costs about a hundred times more than hashing its JSON, and an update rewrites a
        few rows of many, so the answers snapshot of the next revision (:class:`analysis.answers.RevisionSnapshot`)
        decodes only what the update wrote. The records are shared between reads: callers must not change
        them (the snapshot's questions already share them). A read that stops early keeps the old ones.
        """
        previous, seen = self._decoded, {}
        for text in self._record_texts():
            digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
            record = previous.get(digest)
            if record is None:
                record = StudyRecord.model_validate_json(text)
            seen[digest] = record
            yield record
        self._decoded = seen

    def query(self, query: StudyQuery) -> StudyPage:
        where, params = _where(query)
        with self._read() as conn:
            total = conn.execute(f"SELECT count(*) FROM studies s WHERE {where}", params).fetchone()[0]  # noqa: S608
            rows = conn.execute(f"SELECT record FROM studies s WHERE {where} "  # noqa: S608
                                "ORDER BY year_sort DESC, id LIMIT ? OFFSET ?",
                                [*params, query.limit, query.offset]).fetchall()
        return StudyPage(total=total, items=[StudyRecord.model_validate_json(r[0]) for r in rows])

    def review_updates(self) -> list[ReviewUpdate]:
        with self._read() as conn:
            rows = conn.execute("SELECT props FROM updates ORDER BY created_at, id").fetchall()
        return [update_from_props(json.loads(props)) for (props,) in rows]

    def revision(self) -> str:
        with self._read() as conn:
            meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('generation', 'revision')"))
        return f"{meta['generation']}:{meta['revision']}"

    def study_history(self, since_update: str | None = None) -> list[StudyVersion]:
        with self._read() as conn:
            after = ("", "") if since_update is None else _update_place(conn, since_update)
            rows = conn.execute(
                "SELECT v.study_id, v.update_id, v.record FROM study_versions v JOIN updates u ON u.id = v.update_id "
                "WHERE (u.created_at, u.id) > (?, ?) ORDER BY u.created_at, u.id, v.study_id", after).fetchall()
        return [StudyVersion(study_id=sid, update_id=uid,
                             record=None if rec is None else StudyRecord.model_validate_json(rec))
                for sid, uid, rec in rows]

    def studies_as_of(self, update_id: str) -> Iterator[StudyRecord]:
        with self._read() as conn:
            place = _update_place(conn, update_id)
            rows = conn.execute(
                "SELECT record FROM (SELECT v.study_id, v.record, row_number() OVER ("
                "  PARTITION BY v.study_id ORDER BY u.created_at DESC, u.id DESC) AS newest "
                "  FROM study_versions v JOIN updates u ON u.id = v.update_id WHERE (u.created_at, u.id) <= (?, ?)) "
                "WHERE newest = 1 AND record IS NOT NULL ORDER BY study_id", place).fetchall()
        return (StudyRecord.model_validate_json(rec) for (rec,) in rows)

    def stats(self) -> GraphStats:
        with self._read() as conn:
            nodes: Counter[str] = Counter(dict(conn.execute("SELECT label, count(*) FROM concepts GROUP BY label")))
            nodes[Label.STUDY] = conn.execute("SELECT count(*) FROM studies").fetchone()[0]
            nodes[Label.REVIEW_UPDATE] = conn.execute("SELECT count(*) FROM updates").fetchone()[0]
            owned = dict(conn.execute("SELECT type, count(*) FROM study_edges WHERE type IN (?, ?) GROUP BY type",
                                      (Edge.REPORTS_RESULT, Edge.HAS_SAMPLE)))
            nodes[Label.RESULT] = owned.get(Edge.REPORTS_RESULT, 0)
            nodes[Label.SAMPLE] = owned.get(Edge.HAS_SAMPLE, 0)
            edges: Counter[str] = Counter(dict(conn.execute("SELECT type, count(*) FROM study_edges GROUP BY type")))
            edges.update(dict(conn.execute("SELECT type, count(*) FROM concept_edges GROUP BY type")))
        node_counts = {label: n for label, n in sorted(nodes.items()) if n}
        return GraphStats(nodes=node_counts, edges={t: n for t, n in sorted(edges.items()) if n},
                          studies=nodes[Label.STUDY], review_updates=nodes[Label.REVIEW_UPDATE])

    def export_rows(self) -> GraphRows:
        rows = GraphRows()
        with self._read() as conn:
            rows.nodes.extend(NodeRow(key, label, json.loads(props))
                              for key, label, props in conn.execute("SELECT key, label, props FROM concepts"))
            rows.nodes.extend(NodeRow(update_key(uid), Label.REVIEW_UPDATE, json.loads(props))
                              for uid, props in conn.execute("SELECT id, props FROM updates"))
            rows.edges.extend(EdgeRow(s, t, d, json.loads(p))
                              for s, t, d, p in conn.execute("SELECT source, type, target, props FROM concept_edges"))
            rows.edges.extend(EdgeRow(s, t, d, json.loads(p))
                              for s, t, d, p in conn.execute("SELECT source, type, target, props FROM study_edges"))
            for (record,) in conn.execute("SELECT record FROM studies"):
                study = record_rows(StudyRecord.model_validate_json(record))
                rows.nodes.extend(node for node in study.nodes if node.label in STUDY_SUBGRAPH_LABELS)
        return rows.sorted()

    def check(self) -> None:
        with self._read() as conn:
            conn.execute("SELECT count(*) FROM meta").fetchone()

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()
        self._local = threading.local()


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _upsert_update(conn: sqlite3.Connection, update: ReviewUpdate) -> None:
    row = update_row(update)
    stored = conn.execute("SELECT props FROM updates WHERE id = ?", (update.id,)).fetchone()
    props = merge_props(json.loads(stored[0]), row.props) if stored else dict(row.props)
    conn.execute("INSERT OR REPLACE INTO updates VALUES (?, ?, ?)",
                 (update.id, str(props["created_at"]), _dumps(props)))


def _has_update(conn: sqlite3.Connection, key: str) -> bool:
    update_id = key.split(":", 1)[1]
    return conn.execute("SELECT 1 FROM updates WHERE id = ?", (update_id,)).fetchone() is not None


def _update_place(conn: sqlite3.Connection, update_id: str) -> tuple[str, str]:
    row = conn.execute("SELECT created_at, id FROM updates WHERE id = ?", (update_id,)).fetchone()
    if row is None:
        raise NotFound("review update", update_id)
    return str(row[0]), str(row[1])


def _gather_concepts(pending: dict[str, tuple[str, dict[str, Any]]], nodes: Iterable[NodeRow]) -> None:
    """Fold concept nodes into ``pending`` (key -> label, props), merged in order as repeated writes would be."""
    for node in nodes:
        found = pending.get(node.key)
        if found is None:
            pending[node.key] = (node.label, dict(node.props))
        elif found[0] != node.label:
            raise label_conflict(node.key, found[0], node.label)
        else:
            pending[node.key] = (found[0], merge_props(found[1], node.props))


def _merge_concepts(conn: sqlite3.Connection, pending: Mapping[str, tuple[str, dict[str, Any]]]) -> None:
    """Write gathered concept nodes: one lookup per chunk of keys, an insert or update only where a row changes."""
    keys = list(pending)
    inserts, updates = [], []
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start:start + _CHUNK]
        stored = {key: (label, props) for key, label, props in conn.execute(
            f"SELECT key, label, props FROM concepts WHERE key IN ({','.join('?' * len(chunk))})", chunk)}
        for key in chunk:
            label, props = pending[key]
            if key not in stored:
                inserts.append((key, label, _dumps(props)))
                continue
            stored_label, stored_props = stored[key]
            if stored_label != label:
                raise label_conflict(key, stored_label, label)
            merged = _dumps(merge_props(json.loads(stored_props), props))
            if merged != stored_props:
                updates.append((merged, key))
    conn.executemany("INSERT INTO concepts VALUES (?, ?, ?)", inserts)
    conn.executemany("UPDATE concepts SET props = ? WHERE key = ?", updates)


def _drop_orphans(conn: sqlite3.Connection, candidates: set[str]) -> None:
    """Unmapped concepts exist only through the studies that name them (checked for the ones a write let go)."""
    for key in candidates:
        if conn.execute("SELECT 1 FROM study_edges WHERE target = ? LIMIT 1", (key,)).fetchone() is None and \
                conn.execute("SELECT 1 FROM concept_edges WHERE target = ? LIMIT 1", (key,)).fetchone() is None:
            conn.execute("DELETE FROM concepts WHERE key = ?", (key,))


def _where(query: StudyQuery) -> tuple[str, list[Any]]:
    """The SQL condition (on ``studies s``) and parameters for a query's filters."""
    clauses: list[str] = ["1"]
    params: list[Any] = []
    if not query.include_retracted:
        clauses.append("s.retracted = 0")
    if query.deep_learning_only:
        clauses.append("s.deep_learning = 1")
    if query.year_from is not None:
        clauses.append("s.year >= ?")
        params.append(query.year_from)
    if query.year_to is not None:
        clauses.append("s.year <= ?")
        params.append(query.year_to)
    for edge_type, label, concept_ids in ((Edge.ADDRESSES, Label.CONDITION, query.condition_ids),
                                          (Edge.USES_ARCHITECTURE, Label.ARCHITECTURE, query.architecture_ids)):
        if concept_ids is None:
            continue
        keys = mapped_concept_keys(label, concept_ids)
        if not keys:
            clauses.append("0")
            continue
        clauses.append(f"s.id IN (SELECT study_id FROM study_edges WHERE type = ? "
                       f"AND target IN ({','.join('?' * len(keys))}))")
        params.extend([edge_type, *keys])
    if query.text:
        needle = query.text.casefold()
        if len(needle) >= 3:  # the trigram index finds candidates; instr() keeps the exact substring rule
            clauses.append("s.n IN (SELECT rowid FROM studies_text WHERE studies_text MATCH ?)")
            params.append('"' + needle.replace('"', '""') + '"')
        clauses.append("instr(s.haystack, ?) > 0")
        params.append(needle)
    return " AND ".join(clauses), params
