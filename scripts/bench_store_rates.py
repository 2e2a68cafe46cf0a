"""Load rates for ``make bench`` (scripts/bench.py), each beside its floor measured in the same run.

- Embedded store: ``facekg load`` run as a user runs it, one process per chunk file (one review update
  each), with its wall time and peak RSS; the floor is a bare SQLite ``executemany`` of the same records'
  JSON into one table, in one transaction, on the same disk.
- Neo4j: ``Neo4jStore.write`` in batches of studies; the floor is a raw ``UNWIND $rows CREATE`` of the
  same node, edge and history rows (one statement per label or edge type and batch, plain ``CREATE``
  with one index for the edges' ends, no constraints, no replace semantics), in the same batches.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from facekg.records import ReviewUpdate, StudyRecord
from graph import neo4j_store
from graph.neo4j_store import Neo4jStore

FACEKG = str(Path(sys.executable).parent / "facekg")
RAW_LABEL = "BenchRaw"
RAW_INDEX = f"CREATE INDEX bench_raw_key IF NOT EXISTS FOR (n:{RAW_LABEL}) ON (n.key)"
RAW_NODES = f"UNWIND $rows AS row CREATE (n:{RAW_LABEL}) SET n = row"
# Relationships first, in bounded batches: DETACH DELETE of a dense concept node overflows the tx memory.
RAW_CLEAR_EDGES = (f"MATCH (:{RAW_LABEL})-[r]->() WITH r LIMIT 20000 DELETE r RETURN count(*) AS deleted")
RAW_CLEAR = f"MATCH (n:{RAW_LABEL}) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS deleted"


def raw_edges(type_: str) -> str:
    return (f"UNWIND $rows AS row MATCH (a:{RAW_LABEL} {{key: row.source}}) "
            f"MATCH (b:{RAW_LABEL} {{key: row.target}}) CREATE (a)-[r:{type_}]->(b) SET r = row.props")


@dataclass
class Timed:
    seconds: float
    peak_rss_mb: float | None = None


def read_records(path: Path) -> list[StudyRecord]:
    with path.open(encoding="utf-8") as lines:
        return [StudyRecord.model_validate_json(line) for line in lines if line.strip()]


def split_corpus(path: Path, chunk: int, out_dir: Path) -> list[Path]:
    """The corpus as files of ``chunk`` lines: one ``facekg load`` (one review update) each."""
    out_dir.mkdir(parents=True, exist_ok=True)
    parts: list[Path] = []
    handle = None
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number % chunk == 0:
                if handle is not None:
                    handle.close()
                parts.append(out_dir / f"part-{len(parts):04d}.jsonl")
                handle = parts[-1].open("w", encoding="utf-8")
            assert handle is not None
            handle.write(line)
    if handle is not None:
        handle.close()
    return parts


def facekg_load(parts: Sequence[Path], data_dir: Path) -> tuple[float, float, list[float]]:
    """Seconds for every part through ``facekg load``, the largest peak RSS (MB) and each part's seconds."""
    env = {**os.environ, "FACEKG_DATA_DIR": str(data_dir), "FACEKG_BACKEND": "memory"}
    total, peak, each = 0.0, 0.0, []
    for part in parts:
        timed = run_measured([FACEKG, "load", str(part)], env)
        total += timed.seconds
        each.append(timed.seconds)
        peak = max(peak, timed.peak_rss_mb or 0.0)
    return total, peak, each


def run_measured(args: list[str], env: dict[str, str]) -> Timed:
    """Wall time and peak RSS of one child process, reaped with ``wait4`` so the rusage is its own."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}): {err}")
    return Timed(seconds, usage.ru_maxrss / 1024)


def sqlite_floor(path: Path, db_path: Path) -> float:
    """Seconds to read the corpus lines and insert them as (id, json) rows: the embedded floor."""
    start = time.perf_counter()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE study (id TEXT PRIMARY KEY, record TEXT NOT NULL)")
    with path.open(encoding="utf-8") as lines:
        rows = [(json.loads(line)["id"], line) for line in lines if line.strip()]
    with conn:
        conn.executemany("INSERT INTO study VALUES (?, ?)", rows)
    conn.close()
    return time.perf_counter() - start


def store_size_mb(data_dir: Path) -> float:
    return sum(p.stat().st_size for p in data_dir.glob("facekg.sqlite3*")) / 1e6


# -- Neo4j ----------------------------------------------------------------------
def neo4j_write(store: Neo4jStore, records: Sequence[StudyRecord], update: ReviewUpdate, batch: int) -> float:
    """Seconds to write every record through ``Neo4jStore.write``, ``batch`` studies per call."""
    store.clear()
    start = time.perf_counter()
    for offset in range(0, len(records), batch):
        store.write(records[offset:offset + batch], update)
    return time.perf_counter() - start


def _raw_batches(records: Sequence[StudyRecord], update: ReviewUpdate, batch: int) -> list[dict[str, Any]]:
    """Per batch: nodes by label and edges by type, as plain maps (concept nodes only the first time)."""
    seen: set[str] = set()
    batches = []
    for offset in range(0, len(records), batch):
        plan = neo4j_store._WritePlan.build(records[offset:offset + batch], update)
        nodes: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for node in plan.nodes.values():
            if node.key in seen:
                continue
            seen.add(node.key)
            nodes[node.label].append({**{k: v for k, v in node.props.items() if v is not None}, "key": node.key})
        # The history rows too: the store keeps each study's record JSON per review update.
        nodes["FacekgVersion"].extend(plan.versions)
        edges: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for edge in plan.edges.values():
            props = {k: v for k, v in edge.props.items() if v is not None}
            edges[edge.type].append({"source": edge.source, "target": edge.target, "props": props})
        batches.append({"nodes": nodes, "edges": edges})
    return batches


def raw_rows(records: Sequence[StudyRecord], update: ReviewUpdate, batch: int) -> tuple[list[dict[str, Any]], int]:
    batches = _raw_batches(records, update, batch)
    count = sum(len(rows) for b in batches for part in ("nodes", "edges") for rows in b[part].values())
    return batches, count


def neo4j_raw(store: Neo4jStore, batches: list[dict[str, Any]]) -> float:
    """Seconds for the raw ``UNWIND ... CREATE`` of the same rows, one transaction per batch."""
    driver = store._driver  # the same connection pool the store uses
    raw_clear(store)
    driver.execute_query(RAW_INDEX, database_=store.database)
    driver.execute_query("CALL db.awaitIndexes(300)", database_=store.database)

    def work(tx: Any, part: dict[str, Any]) -> None:
        for rows in part["nodes"].values():
            tx.run(RAW_NODES, rows=rows).consume()
        for type_, rows in part["edges"].items():
            tx.run(raw_edges(type_), rows=rows).consume()

    start = time.perf_counter()
    with driver.session(database=store.database) as session:
        for part in batches:
            session.execute_write(work, part)
    seconds = time.perf_counter() - start
    raw_clear(store)
    return seconds


def raw_clear(store: Neo4jStore) -> None:
    for statement in (RAW_CLEAR_EDGES, RAW_CLEAR):
        while True:
            records, _summary, _keys = store._driver.execute_query(statement, database_=store.database)
            if int(records[0]["deleted"]) == 0:
                break
